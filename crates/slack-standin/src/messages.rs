//! `chat.postMessage`, `chat.postEphemeral`, `chat.update` and `chat.delete`: the app's messages
//! in each member's conversation with it.

use serde_json::{json, Value};

use super::web_api::{fail, ok};
use super::MAX_MESSAGE_BLOCKS;
use super::{blocks_of, dm_channel, json_field, str_field, Author, Entry, Inner, StandIn};

impl StandIn {
    /// The conversation a message to `channel` goes to, and whose screen shows it: a user id or
    /// `D<user id>` is that member's DM; any other channel only on a trusting stand-in.
    fn conversation(&self, inner: &mut Inner, channel: &str) -> Option<(String, String)> {
        match self.dm_member(inner, channel) {
            Some(m) => Some((dm_channel(&m.id), m.id)),
            None if self.trusting() => Some((channel.to_string(), String::new())),
            None => None,
        }
    }

    /// Text and blocks of a new message, or Slack's refusal.
    fn content(body: &Value) -> Result<(String, Vec<Value>), Value> {
        let text = str_field(body, "text").unwrap_or_default().to_string();
        let blocks = blocks_of(body);
        if text.is_empty() && blocks.is_empty() {
            return Err(fail("no_text"));
        }
        if blocks.len() > MAX_MESSAGE_BLOCKS {
            return Err(fail("invalid_blocks"));
        }
        Ok((text, blocks))
    }

    fn add_message(
        &self,
        inner: &mut Inner,
        author: Author,
        user: String,
        channel: String,
        text: String,
        blocks: Vec<Value>,
    ) -> Entry {
        let ts = self.ts(inner);
        let seq = inner.seq;
        let entry = Entry {
            id: 0,
            user,
            author,
            channel,
            ts,
            text,
            blocks: self.named(blocks, seq),
            edited: false,
        };
        let kept = entry.clone();
        inner.push_entry(entry);
        kept
    }

    pub(crate) fn post_message(&self, body: &Value) -> Value {
        let Some(channel) = str_field(body, "channel") else {
            return fail("channel_not_found");
        };
        let mut inner = self.lock();
        let Some((channel, user)) = self.conversation(&mut inner, channel) else {
            return fail("channel_not_found");
        };
        let (text, blocks) = match Self::content(body) {
            Ok(content) => content,
            Err(refusal) => return refusal,
        };
        let entry = self.add_message(&mut inner, Author::App, user, channel, text, blocks);
        let mut message = self.message_of(&entry);
        if let Some(thread_ts) = str_field(body, "thread_ts") {
            message["thread_ts"] = json!(thread_ts);
        }
        ok(json!({"channel": entry.channel, "ts": entry.ts, "message": message}))
    }

    /// Shown to `user` only; this stand-in puts it in their conversation with the app.
    pub(crate) fn post_ephemeral(&self, body: &Value) -> Value {
        if str_field(body, "channel").is_none() {
            return fail("channel_not_found");
        }
        let mut inner = self.lock();
        let Some(rep) = str_field(body, "user").and_then(|u| self.member(&mut inner, u)) else {
            return fail("user_not_in_channel");
        };
        let (text, blocks) = match Self::content(body) {
            Ok(content) => content,
            Err(refusal) => return refusal,
        };
        let channel = dm_channel(&rep.id);
        let entry = self.add_message(
            &mut inner,
            Author::AppEphemeral,
            rep.id,
            channel,
            text,
            blocks,
        );
        ok(json!({"message_ts": entry.ts}))
    }

    /// The channel a call names, as Slack answers it: a user id becomes their DM's id.
    fn channel_id(&self, inner: &mut Inner, channel: &str) -> String {
        self.dm_member(inner, channel)
            .map_or_else(|| channel.to_string(), |m| dm_channel(&m.id))
    }

    pub(crate) fn update_message(&self, body: &Value) -> Value {
        let (Some(channel), Some(ts)) = (str_field(body, "channel"), str_field(body, "ts")) else {
            return fail("message_not_found");
        };
        let text = str_field(body, "text").map(str::to_string);
        let blocks = match json_field(body, "blocks") {
            Some(Value::Array(blocks)) => Some(blocks),
            _ => None,
        };
        let mut inner = self.lock();
        let channel = self.channel_id(&mut inner, channel);
        let seq = inner.next();
        let blocks = blocks.map(|b| self.named(b, seq));
        let entry = match inner.app_message_mut(&channel, ts) {
            Some(entry) => {
                if let Some(text) = text {
                    entry.text = text;
                }
                if let Some(blocks) = blocks {
                    entry.blocks = blocks;
                }
                entry.edited = true;
                entry.clone()
            }
            // A message the test made up: answered as if it were there.
            None if self.trusting() => Entry {
                id: 0,
                user: String::new(),
                author: Author::App,
                channel: channel.clone(),
                ts: ts.to_string(),
                text: text.unwrap_or_default(),
                blocks: blocks.unwrap_or_default(),
                edited: true,
            },
            None => return fail("message_not_found"),
        };
        inner.version += 1;
        let message = self.message_of(&entry);
        ok(json!({"channel": channel, "ts": ts, "text": entry.text, "message": message}))
    }

    pub(crate) fn delete_message(&self, body: &Value) -> Value {
        let (Some(channel), Some(ts)) = (str_field(body, "channel"), str_field(body, "ts")) else {
            return fail("message_not_found");
        };
        let mut inner = self.lock();
        let channel = self.channel_id(&mut inner, channel);
        let found = inner.app_message_mut(&channel, ts).map(|e| e.id);
        match found {
            Some(id) => {
                inner.remove_entry(id);
            }
            None if self.trusting() => {}
            None => return fail("message_not_found"),
        }
        ok(json!({"channel": channel, "ts": ts}))
    }
}
