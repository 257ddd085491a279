//! What each member's screen shows: the conversation with the app, and an "under the hood" log
//! of what went between Slack and the app.

use serde_json::{json, Value};

use super::{blocks_of, dm_channel, str_field, Inner, StandIn};

/// Messages kept per conversation; older ones scroll away.
const KEPT_ENTRIES: usize = 200;
/// Lines kept in the "under the hood" log.
const KEPT_LOG: usize = 60;

/// Who wrote an entry of a member's conversation with the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// The app, by `chat.postMessage` (or an in-place update of such a message).
    App,
    /// The app, "only visible to you": a command's reply, `chat.postEphemeral` or a
    /// `response_url` post.
    AppEphemeral,
    /// What the member typed (`/command …`); Slack does not post it, a screen shows it for context.
    Typed,
    /// A note from whoever drives the stand-in (a refused request, a step of a demo).
    Note,
}

/// One entry of a conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: u64,
    /// The member whose screen shows it; empty for a message in a channel that is no one's DM.
    pub user: String,
    pub author: Author,
    pub channel: String,
    pub ts: String,
    pub text: String,
    pub blocks: Vec<Value>,
    pub edited: bool,
}

/// One line of the "under the hood" log. `to_app`: Slack (the stand-in) → the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub to_app: bool,
    pub text: String,
}

/// What a screen needs to draw one member's Slack.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub version: u64,
    pub entries: Vec<Entry>,
    pub modal: Option<super::View>,
    pub home: Option<super::View>,
    pub log: Vec<LogLine>,
}

impl Inner {
    pub(crate) fn log(&mut self, to_app: bool, text: String) {
        if self.log.len() >= KEPT_LOG {
            self.log.pop_front();
        }
        self.log.push_back(LogLine { to_app, text });
        self.version += 1;
    }

    pub(crate) fn push_entry(&mut self, mut entry: Entry) -> u64 {
        entry.id = self.next();
        let id = entry.id;
        let conversation = self.conversations.entry(entry.channel.clone()).or_default();
        conversation.push_back(entry);
        if conversation.len() > KEPT_ENTRIES {
            conversation.pop_front();
        }
        self.version += 1;
        id
    }

    pub(crate) fn entry_mut(&mut self, id: u64) -> Option<&mut Entry> {
        self.conversations
            .values_mut()
            .flat_map(|c| c.iter_mut())
            .find(|e| e.id == id)
    }

    /// The app's own (not ephemeral) message `ts` in `channel`.
    pub(crate) fn app_message_mut(&mut self, channel: &str, ts: &str) -> Option<&mut Entry> {
        self.conversations
            .get_mut(channel)?
            .iter_mut()
            .find(|e| e.ts == ts && e.author == Author::App)
    }

    pub(crate) fn remove_entry(&mut self, id: u64) -> bool {
        for conversation in self.conversations.values_mut() {
            if let Some(i) = conversation.iter().position(|e| e.id == id) {
                conversation.remove(i);
                self.version += 1;
                return true;
            }
        }
        false
    }
}

fn is_interactive(element: &Value) -> bool {
    element.is_object()
        && !matches!(
            element.get("type").and_then(Value::as_str),
            Some("mrkdwn" | "plain_text" | "image") | None
        )
}

/// Slack gives every block and interactive element an id when the app left it out, so that a
/// click can name them.
fn with_ids(blocks: Vec<Value>, seq: u64) -> Vec<Value> {
    blocks
        .into_iter()
        .enumerate()
        .map(|(i, mut block)| {
            if !block.is_object() {
                return block;
            }
            if block.get("block_id").and_then(Value::as_str).is_none() {
                block["block_id"] = json!(format!("b{seq}.{i}"));
            }
            let fill = |element: &mut Value, j: usize| {
                if is_interactive(element)
                    && element.get("action_id").and_then(Value::as_str).is_none()
                {
                    element["action_id"] = json!(format!("a{seq}.{i}.{j}"));
                }
            };
            if let Some(elements) = block.get_mut("elements").and_then(Value::as_array_mut) {
                for (j, element) in elements.iter_mut().enumerate() {
                    fill(element, j);
                }
            }
            for key in ["accessory", "element"] {
                if let Some(element) = block.get_mut(key) {
                    fill(element, 0);
                }
            }
            block
        })
        .collect()
}

impl StandIn {
    /// The app's blocks as Slack keeps them: with ids where the app left them out. A
    /// [`super::Strictness::Trusting`] stand-in keeps them as sent, so a test sees its own.
    pub(crate) fn named(&self, blocks: Vec<Value>, seq: u64) -> Vec<Value> {
        if self.trusting() {
            blocks
        } else {
            with_ids(blocks, seq)
        }
    }

    /// Notes a line in the "under the hood" log.
    pub fn log(&self, to_app: bool, text: impl Into<String>) {
        self.lock().log(to_app, text.into());
    }

    /// What `user` typed, shown above the app's answer.
    pub fn typed(&self, user: &str, text: &str) -> u64 {
        self.add_entry(user, Author::Typed, text.to_string(), Vec::new())
    }

    /// A note in `user`'s conversation from whoever drives the stand-in.
    pub fn note(&self, user: &str, text: &str) -> u64 {
        self.add_entry(user, Author::Note, text.to_string(), Vec::new())
    }

    /// The body the app answered a slash command with: shown as Slack shows it (ephemeral unless
    /// `response_type` is `in_channel`).
    pub fn command_reply(&self, user: &str, body: &Value) -> u64 {
        let author = match str_field(body, "response_type") {
            Some("in_channel") => Author::App,
            _ => Author::AppEphemeral,
        };
        let text = str_field(body, "text").unwrap_or_default().to_string();
        self.add_entry(user, author, text, blocks_of(body))
    }

    fn add_entry(&self, user: &str, author: Author, text: String, blocks: Vec<Value>) -> u64 {
        let mut inner = self.lock();
        let ts = self.ts(&mut inner);
        let seq = inner.seq;
        inner.push_entry(Entry {
            id: 0,
            user: user.to_string(),
            author,
            channel: dm_channel(user),
            ts,
            text,
            blocks: self.named(blocks, seq),
            edited: false,
        })
    }

    pub fn entry(&self, id: u64) -> Option<Entry> {
        self.lock().entry_mut(id).cloned()
    }

    /// Everything `user`'s screen shows.
    pub fn snapshot(&self, user: &str) -> Snapshot {
        let inner = self.lock();
        Snapshot {
            version: inner.version,
            entries: inner
                .conversations
                .get(&dm_channel(user))
                .map(|c| c.iter().cloned().collect())
                .unwrap_or_default(),
            modal: inner.modals.get(user).and_then(|s| s.last()).cloned(),
            home: inner.homes.get(user).cloned(),
            log: inner.log.iter().cloned().collect(),
        }
    }
}
