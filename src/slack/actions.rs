//! What a button or menu in a followup message means: encoded into `action_id` and `value` when
//! rendered, decoded when Slack sends the click back. The value names the prospect and touch; the
//! store checks that they belong to the rep who clicked.

use crate::domain::lifecycle::{Action, TouchRef};
use crate::domain::schedule::SnoozeFor;
use crate::domain::{ProspectId, TouchId};

pub const DONE: &str = "touch_done";
pub const SNOOZE: &str = "touch_snooze";
pub const REPLIED: &str = "touch_replied";
/// Opens the log modal for a touch: channel used, outcome, note.
pub const LOG: &str = "touch_log";
/// A promise kept (the value is the item's id).
pub const DELIVERED: &str = "item_delivered";
/// Opens the edit modal for a prospect (the value is its id).
pub const EDIT: &str = "prospect_edit";
pub const MORE: &str = "prospect_more";
pub const ONE_MORE: &str = "prospect_one_more";
pub const NURTURE: &str = "prospect_nurture";
pub const CLOSE: &str = "prospect_close";
pub const OPEN_ADD_MODAL: &str = "open_add_modal";
/// Takes back the action just made; the value is the undo record's id.
pub const UNDO: &str = "undo";

/// The snooze menu: label and value suffix.
pub const SNOOZE_CHOICES: &[(&str, &str)] = &[
    ("1 day", "1d"),
    ("3 days", "3d"),
    ("1 week", "1w"),
    ("1 week, shift the rest", "1w.shift"),
];

/// The "more" menu: label and value suffix.
pub const MORE_CHOICES: &[(&str, &str)] = &[
    ("Won 🎉", "won"),
    ("Lost", "lost"),
    ("Move to nurture", "nurture"),
    ("Stop the cadence", "stop"),
];

pub fn touch_value(prospect: ProspectId, touch: TouchId) -> String {
    format!("{prospect}.{touch}")
}

pub fn snooze_value(prospect: ProspectId, touch: TouchId, suffix: &str) -> String {
    format!("{prospect}.{touch}.{suffix}")
}

pub fn prospect_value(prospect: ProspectId, suffix: &str) -> String {
    format!("{prospect}.{suffix}")
}

/// Why a click could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{action_id}` with value `{value}`")]
pub struct UnknownAction {
    pub action_id: String,
    pub value: String,
}

/// The prospect a click is about, the action it asks for, and the touch it came from, if any.
pub fn decode(action_id: &str, value: &str) -> Result<(ProspectId, Action), UnknownAction> {
    let unknown = || UnknownAction {
        action_id: action_id.to_string(),
        value: value.to_string(),
    };
    let parts: Vec<&str> = value.split('.').collect();
    let prospect: ProspectId = parts
        .first()
        .and_then(|p| p.parse().ok())
        .ok_or_else(unknown)?;
    let touch = || -> Result<TouchId, UnknownAction> {
        parts
            .get(1)
            .and_then(|t| t.parse().ok())
            .ok_or_else(unknown)
    };
    let action = match (action_id, parts.len()) {
        (DONE, 2) => Action::Done {
            touch: TouchRef::Id(touch()?),
            channel: None,
            outcome: None,
            note: None,
        },
        (REPLIED, 2) => {
            // The button names its touch; the reply is about the prospect.
            touch()?;
            Action::Replied { note: None }
        }
        (SNOOZE, 3 | 4) => {
            let days = match parts[2] {
                "1d" => 1,
                "3d" => 3,
                "1w" => 7,
                _ => return Err(unknown()),
            };
            let shift_rest = match parts.get(3) {
                None => false,
                Some(&"shift") => true,
                Some(_) => return Err(unknown()),
            };
            Action::Snooze {
                touch: TouchRef::Id(touch()?),
                by: SnoozeFor::Days(days),
                shift_rest,
            }
        }
        (MORE, 2) => match parts[1] {
            "won" => Action::Won { value: None },
            "lost" => Action::Lost { reason: None },
            "nurture" => Action::Nurture,
            "stop" => Action::Stop,
            _ => return Err(unknown()),
        },
        (ONE_MORE, 1) => Action::OneMore,
        (NURTURE, 1) => Action::Nurture,
        (CLOSE, 1) => Action::Stop,
        _ => return Err(unknown()),
    };
    Ok((prospect, action))
}
