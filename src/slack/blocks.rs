//! Block Kit builders that keep Slack's limits: every text is cut to what Slack accepts, and a
//! message never holds more than 50 blocks.

use serde_json::{json, Value};

use super::mrkdwn::truncate;

pub const MAX_MESSAGE_BLOCKS: usize = 50;
pub const MAX_MODAL_BLOCKS: usize = 100;
const SECTION_TEXT: usize = 3000;
const FIELD_TEXT: usize = 2000;
const MAX_FIELDS: usize = 10;
const BUTTON_TEXT: usize = 75;
const VALUE: usize = 2000;
const ID: usize = 255;
const HEADER_TEXT: usize = 150;
const CONTEXT_TEXT: usize = 3000;
const OPTION_TEXT: usize = 75;

pub fn header(text: &str) -> Value {
    json!({"type": "header", "text": {"type": "plain_text", "text": truncate(text, HEADER_TEXT), "emoji": true}})
}

pub fn section(mrkdwn: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, SECTION_TEXT)}})
}

pub fn section_with_id(block_id: &str, mrkdwn: &str) -> Value {
    let mut block = section(mrkdwn);
    block["block_id"] = json!(truncate(block_id, ID));
    block
}

pub fn fields(items: &[String]) -> Value {
    let fields: Vec<Value> = items
        .iter()
        .take(MAX_FIELDS)
        .map(|f| json!({"type": "mrkdwn", "text": truncate(f, FIELD_TEXT)}))
        .collect();
    json!({"type": "section", "fields": fields})
}

pub fn context(mrkdwn: &str) -> Value {
    json!({"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(mrkdwn, CONTEXT_TEXT)}]})
}

pub fn divider() -> Value {
    json!({"type": "divider"})
}

// A `Value` placed inside `json!` is serialized into a new `Value`: a deep copy. Lists of
// elements and options are moved in afterwards instead (object keys print sorted either way).

pub fn actions(block_id: &str, elements: Vec<Value>) -> Value {
    let mut block = json!({"type": "actions", "block_id": truncate(block_id, ID)});
    block["elements"] = Value::Array(elements.into_iter().take(25).collect());
    block
}

pub fn button(text: &str, action_id: &str, value: &str, style: Option<&str>) -> Value {
    let mut b = json!({
        "type": "button",
        "text": {"type": "plain_text", "text": truncate(text, BUTTON_TEXT), "emoji": true},
        "action_id": truncate(action_id, ID),
        "value": truncate(value, VALUE),
    });
    if let Some(style) = style {
        b["style"] = json!(style);
    }
    b
}

pub fn option(text: &str, value: &str) -> Value {
    json!({"text": {"type": "plain_text", "text": truncate(text, OPTION_TEXT), "emoji": true}, "value": truncate(value, 150)})
}

pub fn static_select(placeholder: &str, action_id: &str, options: Vec<Value>) -> Value {
    let mut select = json!({
        "type": "static_select",
        "placeholder": {"type": "plain_text", "text": truncate(placeholder, 150), "emoji": true},
        "action_id": truncate(action_id, ID),
    });
    select["options"] = Value::Array(options.into_iter().take(100).collect());
    select
}

pub fn overflow(action_id: &str, options: Vec<Value>) -> Value {
    let mut menu = json!({"type": "overflow", "action_id": truncate(action_id, ID)});
    menu["options"] = Value::Array(options.into_iter().take(5).collect());
    menu
}

/// Asks "are you sure?" before Slack sends the element's click (Block Kit's `confirm` object).
pub fn with_confirm(mut element: Value, title: &str, text: &str, confirm: &str) -> Value {
    element["confirm"] = json!({
        "title": {"type": "plain_text", "text": truncate(title, 100)},
        "text": {"type": "plain_text", "text": truncate(text, 300)},
        "confirm": {"type": "plain_text", "text": truncate(confirm, 30)},
        "deny": {"type": "plain_text", "text": "Cancel"},
    });
    element
}

/// Text for a `plain_text` object: shown as typed, so nothing needs escaping.
pub fn plain(text: &str) -> String {
    text.to_string()
}

/// A message: blocks plus the plain-text fallback Slack shows in notifications.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub blocks: Vec<Value>,
}

impl Message {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            blocks: Vec::new(),
        }
    }
    /// A message of one section, for short answers.
    pub fn plain(mrkdwn: impl Into<String>) -> Self {
        let text = mrkdwn.into();
        Self {
            blocks: vec![section(&text)],
            text,
        }
    }
    pub fn push(&mut self, block: Value) {
        self.blocks.push(block);
    }
    /// The room left before the 50-block limit.
    pub fn room(&self) -> usize {
        MAX_MESSAGE_BLOCKS.saturating_sub(self.blocks.len())
    }
    /// The body of an HTTP reply to a slash command: ephemeral.
    pub fn ephemeral(&self) -> Value {
        json!({"response_type": "ephemeral", "text": truncate(&self.text, 3000), "blocks": self.capped()})
    }
    /// Blocks, never more than Slack allows in a message.
    pub fn capped(&self) -> Vec<Value> {
        self.blocks
            .iter()
            .take(MAX_MESSAGE_BLOCKS)
            .cloned()
            .collect()
    }
}
