//! The Web API methods the app calls, answered in Slack's shapes (with every field slack-morphism
//! needs to read them), and Slack's error codes where Slack would give one.

use serde_json::{json, Value};

use super::{blocks_of, json_field, str_field, with_ids, Author, Entry, StandIn};
use crate::demo::team::{self, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, TEAM_NAME};

pub(super) fn ok(fields: Value) -> Value {
    let mut out = json!({"ok": true});
    if let (Some(out), Value::Object(fields)) = (out.as_object_mut(), fields) {
        out.extend(fields);
    }
    out
}

pub(super) fn fail(code: &str) -> Value {
    json!({"ok": false, "error": code})
}

impl StandIn {
    /// Answers one Web API call as Slack would. `authorization` is the request's header.
    pub fn call(&self, method: &str, authorization: Option<&str>, body: &Value) -> Value {
        let token = authorization.and_then(|a| a.strip_prefix("Bearer "));
        let answer = match token {
            None => fail("not_authed"),
            Some(t) if t != self.token => fail("invalid_auth"),
            Some(_) => self.method(method, body),
        };
        let outcome = match answer["error"].as_str() {
            Some(code) => format!(" → error `{code}`"),
            None => String::new(),
        };
        let about = ["channel", "user", "users", "user_id", "view_id"]
            .iter()
            .find_map(|f| str_field(body, f))
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        self.log(false, format!("app → Slack: {method}{about}{outcome}"));
        answer
    }

    fn method(&self, method: &str, body: &Value) -> Value {
        match method {
            "auth.test" => ok(json!({
                "url": format!("https://{TEAM_DOMAIN}.slack.com/"),
                "team": TEAM_NAME,
                "user": "followup",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "is_enterprise_install": false,
            })),
            "users.info" => match str_field(body, "user").and_then(team::user) {
                Some(u) => ok(json!({"user": team::user_json(u)})),
                None => fail("user_not_found"),
            },
            "chat.postMessage" => self.post_message(body, Author::App),
            "chat.postEphemeral" => {
                match str_field(body, "user").and_then(team::user) {
                    Some(_) => {}
                    None => return fail("user_not_in_channel"),
                }
                let answer = self.post_message(body, Author::AppEphemeral);
                match answer["ts"].as_str() {
                    Some(ts) => ok(json!({"message_ts": ts})),
                    None => answer,
                }
            }
            "chat.update" => self.update_message(body),
            "chat.delete" => self.delete_message(body),
            "views.open" | "views.push" => self.open_view(body, method == "views.push"),
            "views.update" => self.update_view(body),
            "views.publish" => self.publish_home(body),
            _ => fail("unknown_method"),
        }
    }

    fn post_message(&self, body: &Value, author: Author) -> Value {
        let Some(channel) = str_field(body, "channel") else {
            return fail("channel_not_found");
        };
        // An ephemeral goes to `user` in `channel`; a message to the channel's rep.
        let rep = match author {
            Author::AppEphemeral => str_field(body, "user").and_then(team::user),
            _ => team::dm_user(channel),
        };
        let Some(rep) = rep else {
            return fail("channel_not_found");
        };
        let text = str_field(body, "text").unwrap_or_default().to_string();
        let blocks = blocks_of(body);
        if text.is_empty() && blocks.is_empty() {
            return fail("no_text");
        }
        if blocks.len() > crate::slack::blocks::MAX_MESSAGE_BLOCKS {
            return fail("invalid_blocks");
        }
        let mut inner = self.lock();
        let ts = self.ts(&mut inner);
        let seq = inner.seq;
        let channel = team::dm_channel(rep.id);
        let entry = Entry {
            id: 0,
            user: rep.id.to_string(),
            author,
            channel: channel.clone(),
            ts: ts.clone(),
            text,
            blocks: with_ids(blocks, seq),
            edited: false,
        };
        let message = entry.as_message();
        inner.push_entry(entry);
        ok(json!({"channel": channel, "ts": ts, "message": message}))
    }

    fn update_message(&self, body: &Value) -> Value {
        let (Some(channel), Some(ts)) = (str_field(body, "channel"), str_field(body, "ts")) else {
            return fail("message_not_found");
        };
        let channel = team::dm_user(channel)
            .map(|u| team::dm_channel(u.id))
            .unwrap_or_else(|| channel.to_string());
        let text = str_field(body, "text").map(str::to_string);
        let blocks = json_field(body, "blocks");
        let mut inner = self.lock();
        let seq = inner.next();
        let Some(entry) = inner
            .entries
            .iter_mut()
            .find(|e| e.channel == channel && e.ts == ts && e.author == Author::App)
        else {
            return fail("message_not_found");
        };
        if let Some(text) = text {
            entry.text = text;
        }
        if let Some(Value::Array(blocks)) = blocks {
            entry.blocks = with_ids(blocks, seq);
        }
        entry.edited = true;
        let message = entry.as_message();
        let text = entry.text.clone();
        inner.version += 1;
        ok(json!({"channel": channel, "ts": ts, "text": text, "message": message}))
    }

    fn delete_message(&self, body: &Value) -> Value {
        let (Some(channel), Some(ts)) = (str_field(body, "channel"), str_field(body, "ts")) else {
            return fail("message_not_found");
        };
        let mut inner = self.lock();
        let before = inner.entries.len();
        inner
            .entries
            .retain(|e| !(e.channel == channel && e.ts == ts && e.author == Author::App));
        if inner.entries.len() == before {
            return fail("message_not_found");
        }
        inner.version += 1;
        ok(json!({"channel": channel, "ts": ts}))
    }
}
