//! Arbitrary bytes → the parsers the `POST /slack/*` handlers run on a verified body: the slash
//! command form, the interaction form and its `payload` JSON, and the Events API envelope; and on
//! what parses, the next step each handler takes (the command grammar, decoding a click, reading a
//! modal submission). Errors are fine; panics are not.
#![no_main]

use std::collections::HashMap;

use chrono::NaiveDate;
use followup::slack::actions;
use followup::slack::payload::{EventEnvelope, Interaction, SlashCommand};
use followup::slack::render::modals::add_prospect;
use libfuzzer_sys::fuzz_target;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).expect("a valid date")
}

/// What `/slack/interactions` does with the `payload` field before touching the database.
fn interaction(json: &[u8]) {
    match serde_json::from_slice::<Interaction>(json) {
        Ok(Interaction::BlockActions(click)) => {
            for action in &click.actions {
                let _ = actions::decode(&action.action_id, action.chosen().unwrap_or_default());
            }
        }
        Ok(Interaction::ViewSubmission(view)) => {
            let _ = add_prospect::parse_submission(&view.view.state, today());
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    // `/slack/commands`: a form, then the `/followup` grammar on its text.
    if let Ok(form) = serde_urlencoded::from_bytes::<SlashCommand>(data) {
        let _ = followup::command::parse(&form.text, today());
    }
    // `/slack/interactions`: a form whose `payload` field is JSON.
    if let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(data) {
        if let Some(payload) = form.get("payload") {
            interaction(payload.as_bytes());
        }
    }
    // The bytes as the JSON itself: an interaction payload, and an Events API body.
    interaction(data);
    let _ = serde_json::from_slice::<EventEnvelope>(data);
});
