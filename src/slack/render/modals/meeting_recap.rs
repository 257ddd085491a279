//! The meeting-recap modal (`/followup recap <prospect>`): what was discussed, my action items,
//! theirs (one a line, each with an optional date: `send pricing by fri`), and the next meeting.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::items::{parse_items, RecapForm};
use crate::domain::prospect::parse_note;
use crate::domain::{DomainError, ProspectId};

use crate::slack::mrkdwn::truncate;
use crate::slack::payload::ViewState;

pub const CALLBACK_ID: &str = "meeting_recap";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecapMeta {
    pub prospect: ProspectId,
    /// Where the drafted recap email goes: the `/followup recap` the form came from.
    #[serde(default)]
    pub response_url: Option<String>,
}

fn multiline(block_id: &str, label: &str, placeholder: &str, hint: Option<&str>) -> Value {
    let mut block = json!({
        "type": "input", "block_id": block_id, "optional": true,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "plain_text_input", "action_id": "value", "multiline": true,
            "placeholder": {"type": "plain_text", "text": placeholder},
        },
    });
    if let Some(hint) = hint {
        block["hint"] = json!({"type": "plain_text", "text": hint});
    }
    block
}

pub fn view(meta: &RecapMeta, name: &str) -> Value {
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": serde_json::to_string(meta).unwrap_or_default(),
        "title": {"type": "plain_text", "text": "Meeting recap"},
        "submit": {"type": "plain_text", "text": "Draft the recap"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": truncate(&format!("After your meeting with {name}"), 2000)}},
            multiline("discussed", "What was discussed", "Their goals, the numbers, the concerns", None),
            multiline("mine", "My action items", "send pricing by fri\nintro to our security lead", Some("One a line; end with \"by\" and a day to date it (by fri, by 2026-12-14).")),
            multiline("theirs", "Their action items", "confirm budget with finance by 12-18", Some("Asked about softly in the next touches.")),
            {"type": "input", "block_id": "next_meeting", "optional": true,
             "label": {"type": "plain_text", "text": "Next meeting"},
             "element": {"type": "datepicker", "action_id": "value"}},
        ],
    })
}

/// The form's content, or each field's problem by block id.
pub fn parse(
    meta: &str,
    state: &ViewState,
    today: NaiveDate,
) -> Result<(RecapMeta, RecapForm), Vec<(&'static str, String)>> {
    let meta: RecapMeta = serde_json::from_str(meta).map_err(|_| {
        vec![(
            "discussed",
            "This form lost track of its prospect; run /followup recap again.".to_string(),
        )]
    })?;
    let mut errors = Vec::new();
    let discussed = parse_note(&state.value("discussed").unwrap_or_default()).unwrap_or_else(|e| {
        errors.push(("discussed", e.to_string()));
        None
    });
    let mut items = Vec::new();
    for (block, mine) in [("mine", true), ("theirs", false)] {
        match parse_items(&state.value(block).unwrap_or_default(), mine, today) {
            Ok(parsed) => items.extend(parsed),
            Err(e) => errors.push((block, e.to_string())),
        }
    }
    let next_meeting = match state.value("next_meeting") {
        Some(raw) => match NaiveDate::parse_from_str(&raw, "%Y-%m-%d") {
            Ok(d) if d >= today => Some(d),
            Ok(d) => {
                errors.push(("next_meeting", DomainError::DateInPast(d).to_string()));
                None
            }
            Err(_) => {
                errors.push(("next_meeting", DomainError::BadDate(raw).to_string()));
                None
            }
        },
        None => None,
    };
    if errors.is_empty() {
        Ok((
            meta,
            RecapForm {
                discussed,
                items,
                next_meeting,
            },
        ))
    } else {
        Err(errors)
    }
}
