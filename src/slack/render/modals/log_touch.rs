//! The "Log…" modal beside Done: how the touch was made, what happened, and a note. The touch it
//! is about, and where to update the clicked message, ride in `private_metadata`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::lifecycle::{Action, TouchRef};
use crate::domain::prospect::parse_note;
use crate::domain::{Channel, ProspectId, TouchId, TouchOutcome};

use crate::slack::blocks::option_json as option;
use crate::slack::mrkdwn::truncate;
use crate::slack::payload::ViewState;

pub const CALLBACK_ID: &str = "log_touch";

/// What the modal carries from the click to the submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogMeta {
    pub prospect: ProspectId,
    pub touch: TouchId,
    /// The clicked message's `response_url`, to update it in place after the submission.
    #[serde(default)]
    pub response_url: Option<String>,
}

const CHANNELS: &[(Channel, &str)] = &[
    (Channel::Call, "📞 Call"),
    (Channel::Voicemail, "Voicemail"),
    (Channel::Email, "✉️ Email"),
    (Channel::LinkedIn, "LinkedIn message"),
    (Channel::Text, "Text message"),
    (Channel::Note, "Handwritten note"),
];

const OUTCOMES: &[(TouchOutcome, &str)] = &[
    (TouchOutcome::Connected, "Connected: we spoke"),
    (TouchOutcome::Voicemail, "Left a voicemail"),
    (TouchOutcome::NoAnswer, "No answer"),
    (TouchOutcome::Sent, "Sent"),
];

fn select(options: Vec<Value>, initial: Option<Value>) -> Value {
    let mut element = json!({"type": "static_select", "action_id": "value"});
    element["options"] = Value::Array(options);
    if let Some(initial) = initial {
        element["initial_option"] = initial;
    }
    element
}

fn input(block_id: &str, label: &str, element: Value, optional: bool) -> Value {
    let mut block = json!({
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
    });
    block["element"] = element;
    block
}

/// The modal for one touch: `title` names it (`Jane Doe · touch 3 of 9`); the channel starts at
/// the step's first.
pub fn view(meta: &LogMeta, title: &str, step_channel: Option<Channel>) -> Value {
    let channel_options: Vec<Value> = CHANNELS
        .iter()
        .map(|(c, label)| option(label, c.as_str()))
        .collect();
    let initial = step_channel.and_then(|c| {
        CHANNELS
            .iter()
            .find(|(known, _)| *known == c)
            .map(|(c, label)| option(label, c.as_str()))
    });
    let outcome_options: Vec<Value> = OUTCOMES
        .iter()
        .map(|(o, label)| option(label, o.as_str()))
        .collect();
    let mut note = json!({
        "type": "plain_text_input", "action_id": "value", "multiline": true, "max_length": 2000,
        "placeholder": {"type": "plain_text", "text": "What was said, what you sent, what comes next"},
    });
    note["focus_on_load"] = json!(true);
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": serde_json::to_string(meta).unwrap_or_default(),
        "title": {"type": "plain_text", "text": "Log a touch"},
        "submit": {"type": "plain_text", "text": "Log it"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": truncate(title, 2000)}},
            input("channel", "How did you reach them?", select(channel_options, initial), false),
            input("outcome", "What happened?", select(outcome_options, None), true),
            input("note", "Note", note, true),
        ],
    })
}

/// The touch to log and how, or the problems by block id (shown under the fields).
pub fn parse(
    meta: &str,
    state: &ViewState,
) -> Result<(LogMeta, Action), Vec<(&'static str, String)>> {
    let meta: LogMeta = serde_json::from_str(meta).map_err(|_| {
        vec![(
            "note",
            "This form lost track of its touch; log it again from the message.".to_string(),
        )]
    })?;
    let mut errors = Vec::new();
    let channel = state
        .value("channel")
        .map(|c| Channel::parse(&c))
        .transpose()
        .unwrap_or_else(|e| {
            errors.push(("channel", e.to_string()));
            None
        });
    let outcome = state
        .value("outcome")
        .map(|o| TouchOutcome::parse(&o))
        .transpose()
        .unwrap_or_else(|e| {
            errors.push(("outcome", e.to_string()));
            None
        });
    let note = parse_note(&state.value("note").unwrap_or_default()).unwrap_or_else(|e| {
        errors.push(("note", e.to_string()));
        None
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let action = Action::Done {
        touch: TouchRef::Id(meta.touch),
        channel,
        outcome,
        note,
    };
    Ok((meta, action))
}
