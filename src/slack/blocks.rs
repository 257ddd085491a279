//! Block Kit as typed structures that keep Slack's limits: every text is cut to what Slack
//! accepts, and a message never holds more than 50 blocks. They serialize straight to the JSON
//! Slack reads, with no `serde_json::Value` tree in between: a digest pass over thousands of reps
//! draws and sends a few hundred kilobytes each, and building value trees was most of its cost.
//!
//! A block that came back from Slack (the message a button was clicked in) is kept as it came,
//! as [`Block::Raw`], and written out unchanged.

use serde::Serialize;
use serde_json::Value;

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
const RICH_TEXT: usize = 3000;

/// A text object: `plain_text` (shown as typed) or `mrkdwn`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum Text {
    #[serde(rename = "plain_text")]
    Plain {
        text: String,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        emoji: bool,
    },
    #[serde(rename = "mrkdwn")]
    Mrkdwn { text: String },
}

impl Text {
    fn plain(text: &str, max: usize) -> Self {
        Text::Plain {
            text: truncate(text, max),
            emoji: true,
        }
    }
    fn plain_no_emoji(text: &str, max: usize) -> Self {
        Text::Plain {
            text: truncate(text, max),
            emoji: false,
        }
    }
    fn mrkdwn(text: &str, max: usize) -> Self {
        Text::Mrkdwn {
            text: truncate(text, max),
        }
    }
    pub fn text(&self) -> &str {
        match self {
            Text::Plain { text, .. } | Text::Mrkdwn { text } => text,
        }
    }
}

/// One block of a message or a view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Block {
    Kit(Kit),
    /// A block as Slack sent it back (or one this crate has no type for), written as it is.
    Raw(Value),
}

/// The blocks followup draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Kit {
    Header {
        #[serde(skip_serializing_if = "Option::is_none")]
        block_id: Option<String>,
        text: Text,
    },
    Section {
        #[serde(skip_serializing_if = "Option::is_none")]
        block_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        text: Option<Text>,
        #[serde(skip_serializing_if = "Option::is_none")]
        fields: Option<Vec<Text>>,
    },
    Context {
        #[serde(skip_serializing_if = "Option::is_none")]
        block_id: Option<String>,
        elements: Vec<Text>,
    },
    Divider {},
    Actions {
        block_id: String,
        elements: Vec<Element>,
    },
    RichText {
        block_id: String,
        elements: Vec<RichPart>,
    },
}

impl Block {
    /// The block's `block_id`, if it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Block::Kit(
                Kit::Header { block_id, .. }
                | Kit::Section { block_id, .. }
                | Kit::Context { block_id, .. },
            ) => block_id.as_deref(),
            Block::Kit(Kit::Actions { block_id, .. } | Kit::RichText { block_id, .. }) => {
                Some(block_id)
            }
            Block::Kit(Kit::Divider {}) => None,
            Block::Raw(v) => v["block_id"].as_str(),
        }
    }

    /// The same block with `block_id` set (headers, sections and context blocks).
    pub fn with_id(mut self, id: &str) -> Self {
        let id = truncate(id, ID);
        match &mut self {
            Block::Kit(
                Kit::Header { block_id, .. }
                | Kit::Section { block_id, .. }
                | Kit::Context { block_id, .. },
            ) => *block_id = Some(id),
            Block::Kit(Kit::Actions { block_id, .. } | Kit::RichText { block_id, .. }) => {
                *block_id = id
            }
            Block::Kit(Kit::Divider {}) => {}
            Block::Raw(v) => v["block_id"] = Value::String(id),
        }
        self
    }

    /// The text of a header, section or single-element context block.
    pub fn text(&self) -> Option<&str> {
        match self {
            Block::Kit(Kit::Header { text, .. }) => Some(text.text()),
            Block::Kit(Kit::Section { text, .. }) => text.as_ref().map(Text::text),
            Block::Kit(Kit::Context { elements, .. }) => elements.first().map(Text::text),
            Block::Raw(v) => v["text"]["text"].as_str(),
            _ => None,
        }
    }

    /// The block as a JSON value, for code that reads or edits blocks Slack sent back.
    pub fn to_value(&self) -> Value {
        match self {
            Block::Raw(v) => v.clone(),
            kit => serde_json::to_value(kit).unwrap_or(Value::Null),
        }
    }
}

impl From<Kit> for Block {
    fn from(kit: Kit) -> Self {
        Block::Kit(kit)
    }
}

impl From<Value> for Block {
    fn from(value: Value) -> Self {
        Block::Raw(value)
    }
}

/// An interactive element of an `actions` block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Element {
    Button {
        text: Text,
        action_id: String,
        value: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        style: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        confirm: Option<Box<Confirm>>,
    },
    StaticSelect {
        placeholder: Text,
        action_id: String,
        options: Vec<Opt>,
        #[serde(skip_serializing_if = "Option::is_none")]
        confirm: Option<Box<Confirm>>,
    },
    Overflow {
        action_id: String,
        options: Vec<Opt>,
        #[serde(skip_serializing_if = "Option::is_none")]
        confirm: Option<Box<Confirm>>,
    },
}

/// An option of a select or an overflow menu.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Opt {
    pub text: Text,
    pub value: String,
}

/// Block Kit's `confirm` object: "are you sure?" before a click is sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confirm {
    title: Text,
    text: Text,
    confirm: Text,
    deny: Text,
}

/// A part of a `rich_text` block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RichPart {
    RichTextSection { elements: Vec<Rich> },
    RichTextQuote { elements: Vec<Rich> },
}

/// A run of rich text: words shown exactly as stored (Slack reads no markup in them), or a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Rich {
    Text {
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        style: Option<Style>,
    },
    Link {
        url: String,
        text: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Style {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    bold: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    italic: bool,
}

pub fn header(text: &str) -> Block {
    Kit::Header {
        block_id: None,
        text: Text::plain(text, HEADER_TEXT),
    }
    .into()
}

pub fn section(mrkdwn: &str) -> Block {
    Kit::Section {
        block_id: None,
        text: Some(Text::mrkdwn(mrkdwn, SECTION_TEXT)),
        fields: None,
    }
    .into()
}

pub fn section_with_id(block_id: &str, mrkdwn: &str) -> Block {
    section(mrkdwn).with_id(block_id)
}

pub fn fields(items: &[String]) -> Block {
    Kit::Section {
        block_id: None,
        text: None,
        fields: Some(
            items
                .iter()
                .take(MAX_FIELDS)
                .map(|f| Text::mrkdwn(f, FIELD_TEXT))
                .collect(),
        ),
    }
    .into()
}

pub fn context(mrkdwn: &str) -> Block {
    Kit::Context {
        block_id: None,
        elements: vec![Text::mrkdwn(mrkdwn, CONTEXT_TEXT)],
    }
    .into()
}

pub fn divider() -> Block {
    Kit::Divider {}.into()
}

pub fn actions(block_id: &str, elements: Vec<Element>) -> Block {
    Kit::Actions {
        block_id: truncate(block_id, ID),
        elements: elements.into_iter().take(25).collect(),
    }
    .into()
}

pub fn button(text: &str, action_id: &str, value: &str, style: Option<&'static str>) -> Element {
    Element::Button {
        text: Text::plain(text, BUTTON_TEXT),
        action_id: truncate(action_id, ID),
        value: truncate(value, VALUE),
        style,
        confirm: None,
    }
}

pub fn option(text: &str, value: &str) -> Opt {
    Opt {
        text: Text::plain(text, OPTION_TEXT),
        value: truncate(value, 150),
    }
}

/// [`option`] as a JSON value, for the forms (views), which are built as values.
pub fn option_json(text: &str, value: &str) -> Value {
    serde_json::to_value(option(text, value)).unwrap_or(Value::Null)
}

pub fn static_select(placeholder: &str, action_id: &str, options: Vec<Opt>) -> Element {
    Element::StaticSelect {
        placeholder: Text::plain(placeholder, 150),
        action_id: truncate(action_id, ID),
        options: options.into_iter().take(100).collect(),
        confirm: None,
    }
}

pub fn overflow(action_id: &str, options: Vec<Opt>) -> Element {
    Element::Overflow {
        action_id: truncate(action_id, ID),
        options: options.into_iter().take(5).collect(),
        confirm: None,
    }
}

/// Asks "are you sure?" before Slack sends the element's click (Block Kit's `confirm` object).
pub fn with_confirm(mut element: Element, title: &str, text: &str, confirm: &str) -> Element {
    let asked = Some(Box::new(Confirm {
        title: Text::plain_no_emoji(title, 100),
        text: Text::plain_no_emoji(text, 300),
        confirm: Text::plain_no_emoji(confirm, 30),
        deny: Text::plain_no_emoji("Cancel", 30),
    }));
    match &mut element {
        Element::Button { confirm, .. }
        | Element::StaticSelect { confirm, .. }
        | Element::Overflow { confirm, .. } => *confirm = asked,
    }
    element
}

/// Plain text, shown as typed.
pub fn rich(text: &str) -> Rich {
    Rich::Text {
        text: truncate(text, RICH_TEXT),
        style: None,
    }
}

pub fn rich_bold(text: &str) -> Rich {
    Rich::Text {
        text: truncate(text, RICH_TEXT),
        style: Some(Style {
            bold: true,
            italic: false,
        }),
    }
}

pub fn rich_italic(text: &str) -> Rich {
    Rich::Text {
        text: truncate(text, RICH_TEXT),
        style: Some(Style {
            bold: false,
            italic: true,
        }),
    }
}

pub fn rich_link(url: &str, label: &str) -> Rich {
    Rich::Link {
        url: url.to_string(),
        text: truncate(label, RICH_TEXT),
    }
}

pub fn section_part(elements: Vec<Rich>) -> RichPart {
    RichPart::RichTextSection { elements }
}

pub fn quote_part(elements: Vec<Rich>) -> RichPart {
    RichPart::RichTextQuote { elements }
}

/// A `rich_text` block of sections (`rich_text_section`) and quotes (`rich_text_quote`).
pub fn rich_text(block_id: &str, parts: Vec<RichPart>) -> Block {
    Kit::RichText {
        block_id: truncate(block_id, ID),
        elements: parts,
    }
    .into()
}

/// Text for a `plain_text` object: shown as typed, so nothing needs escaping.
pub fn plain(text: &str) -> String {
    text.to_string()
}

/// A message: blocks plus the plain-text fallback Slack shows in notifications.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    pub blocks: Vec<Block>,
}

/// The body of an HTTP reply to a slash command, written straight from the message.
#[derive(Serialize)]
pub struct Ephemeral<'a> {
    response_type: &'static str,
    text: String,
    blocks: &'a [Block],
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
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }
    /// The room left before the 50-block limit.
    pub fn room(&self) -> usize {
        MAX_MESSAGE_BLOCKS.saturating_sub(self.blocks.len())
    }
    /// The body of an HTTP reply to a slash command: ephemeral, ready to serialize.
    pub fn ephemeral_body(&self) -> Ephemeral<'_> {
        Ephemeral {
            response_type: "ephemeral",
            text: truncate(&self.text, 3000),
            blocks: self.capped_slice(),
        }
    }
    /// [`Self::ephemeral_body`] as a JSON value, for code that edits it before it is sent.
    pub fn ephemeral(&self) -> Value {
        serde_json::to_value(self.ephemeral_body()).unwrap_or(Value::Null)
    }
    /// Blocks, never more than Slack allows in a message.
    pub fn capped_slice(&self) -> &[Block] {
        &self.blocks[..self.blocks.len().min(MAX_MESSAGE_BLOCKS)]
    }
    /// [`Self::capped_slice`], owned.
    pub fn capped(&self) -> Vec<Block> {
        self.capped_slice().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_blocks_write_the_json_slack_reads() {
        let block = actions(
            "act.1",
            vec![
                button("Done ✅", "done", "1.2", Some("primary")),
                with_confirm(
                    overflow("more", vec![option("Won", "1.won")]),
                    "Sure?",
                    "It ends.",
                    "Yes",
                ),
            ],
        );
        assert_eq!(
            serde_json::to_value(&block).unwrap(),
            json!({"type": "actions", "block_id": "act.1", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Done ✅", "emoji": true},
                 "action_id": "done", "value": "1.2", "style": "primary"},
                {"type": "overflow", "action_id": "more",
                 "options": [{"text": {"type": "plain_text", "text": "Won", "emoji": true}, "value": "1.won"}],
                 "confirm": {"title": {"type": "plain_text", "text": "Sure?"},
                             "text": {"type": "plain_text", "text": "It ends."},
                             "confirm": {"type": "plain_text", "text": "Yes"},
                             "deny": {"type": "plain_text", "text": "Cancel"}}}
            ]})
        );
        assert_eq!(
            serde_json::to_value(header("Hi").with_id("h")).unwrap(),
            json!({"type": "header", "block_id": "h", "text": {"type": "plain_text", "text": "Hi", "emoji": true}})
        );
        assert_eq!(
            serde_json::to_value(divider()).unwrap(),
            json!({"type": "divider"})
        );
        let entry = rich_text(
            "touch.3",
            vec![
                RichPart::RichTextSection {
                    elements: vec![rich_bold("Jane"), rich(" · "), rich_link("tel:+1", "+1")],
                },
                RichPart::RichTextQuote {
                    elements: vec![rich_italic("hi")],
                },
            ],
        );
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            json!({"type": "rich_text", "block_id": "touch.3", "elements": [
                {"type": "rich_text_section", "elements": [
                    {"type": "text", "text": "Jane", "style": {"bold": true}},
                    {"type": "text", "text": " · "},
                    {"type": "link", "url": "tel:+1", "text": "+1"}]},
                {"type": "rich_text_quote", "elements": [
                    {"type": "text", "text": "hi", "style": {"italic": true}}]}
            ]})
        );
        assert_eq!(entry.id(), Some("touch.3"));
    }

    #[test]
    fn a_block_from_slack_is_written_back_as_it_came() {
        let raw = json!({"type": "section", "block_id": "x", "text": {"type": "mrkdwn", "text": "*hi*"}, "unknown": 1});
        let block = Block::from(raw.clone());
        assert_eq!(serde_json::to_value(&block).unwrap(), raw);
        assert_eq!(block.text(), Some("*hi*"));
        assert_eq!(block.id(), Some("x"));
    }
}
