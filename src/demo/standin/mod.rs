//! The demo's stand-in for Slack: answers the Web API calls the app makes (shaped as Slack shapes
//! its answers, so slack-morphism reads them) and the `response_url` posts, and keeps what a Slack
//! client would show each rep: the direct messages with the app, the open modal and the Home tab.
//! Nothing here reaches the internet; the page reads this state to draw itself.

mod hooks;
mod views;
mod web_api;

pub use hooks::{HookRefusal, HOOK_LIFETIME, HOOK_USES};
pub use views::View;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::team::{self, APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID};
use crate::clock::Clock;
use hooks::Hook;

/// Slack lets a `trigger_id` open a view for 3 seconds.
pub const TRIGGER_LIFETIME: Duration = Duration::from_secs(3);
/// Messages kept per rep; older ones scroll away.
const KEPT_ENTRIES: usize = 200;
/// Lines kept in the "under the hood" log.
const KEPT_LOG: usize = 60;

/// Who wrote an entry of a rep's conversation with the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    /// The app, by `chat.postMessage` (or an in-place update of such a message).
    App,
    /// The app, "only visible to you": a command's reply or a `response_url` post.
    AppEphemeral,
    /// What the rep typed (`/followup …`); Slack does not post it, the page shows it for context.
    Typed,
    /// A note from the demo itself (a refused request, a digest pass).
    Demo,
}

/// One entry of a rep's conversation with the app.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: u64,
    pub user: String,
    pub author: Author,
    pub channel: String,
    pub ts: String,
    pub text: String,
    pub blocks: Vec<Value>,
    pub edited: bool,
}

impl Entry {
    /// The message as Slack puts it in a `block_actions` payload.
    pub fn as_message(&self) -> Value {
        json!({
            "user": BOT_USER_ID,
            "type": "message",
            "ts": self.ts,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "text": self.text,
            "team": TEAM_ID,
            "blocks": self.blocks,
        })
    }
}

/// One line of the "under the hood" log. `to_app`: Slack (the stand-in) → the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub to_app: bool,
    pub text: String,
}

struct Trigger {
    user: String,
    issued: Instant,
}

#[derive(Default)]
struct Inner {
    version: u64,
    seq: u64,
    entries: Vec<Entry>,
    /// Each rep's modal stack, top last.
    modals: HashMap<String, Vec<View>>,
    homes: HashMap<String, View>,
    triggers: HashMap<String, Trigger>,
    hooks: HashMap<String, Hook>,
    log: VecDeque<LogLine>,
}

impl Inner {
    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
    fn log(&mut self, to_app: bool, text: String) {
        if self.log.len() >= KEPT_LOG {
            self.log.pop_front();
        }
        self.log.push_back(LogLine { to_app, text });
        self.version += 1;
    }
    fn push_entry(&mut self, mut entry: Entry) -> u64 {
        entry.id = self.next();
        let id = entry.id;
        let user = entry.user.clone();
        self.entries.push(entry);
        if self.entries.iter().filter(|e| e.user == user).count() > KEPT_ENTRIES {
            if let Some(oldest) = self.entries.iter().position(|e| e.user == user) {
                self.entries.remove(oldest);
            }
        }
        self.version += 1;
        id
    }
    fn entry_mut(&mut self, id: u64) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }
    fn find_view_mut(&mut self, view_id: &str) -> Option<&mut View> {
        if let Some(view) = self
            .modals
            .values_mut()
            .flat_map(|stack| stack.iter_mut())
            .find(|v| v.id == view_id)
        {
            return Some(view);
        }
        self.homes.values_mut().find(|v| v.id == view_id)
    }
}

/// What the page needs to draw one rep's screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub version: u64,
    pub entries: Vec<Entry>,
    pub modal: Option<View>,
    pub home: Option<View>,
    pub log: Vec<LogLine>,
}

/// The stand-in's state. Web API calls must carry `Authorization: Bearer <token>`.
pub struct StandIn {
    token: String,
    /// `http://127.0.0.1:<port>`: where the Web API and `response_url` hooks are served.
    origin: String,
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// A JSON field that may also arrive as a JSON string (form-encoded calls send `blocks` so).
fn json_field(body: &Value, name: &str) -> Option<Value> {
    match body.get(name)? {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Null => None,
        other => Some(other.clone()),
    }
}

fn str_field<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str)
}

fn is_interactive(element: &Value) -> bool {
    element.is_object()
        && !matches!(
            element.get("type").and_then(Value::as_str),
            Some("mrkdwn" | "plain_text" | "image") | None
        )
}

/// Slack gives every block and interactive element an id when the app left it out; so does the
/// stand-in, so that each button on the page can be named when it is clicked.
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

fn blocks_of(body: &Value) -> Vec<Value> {
    match json_field(body, "blocks") {
        Some(Value::Array(blocks)) => blocks,
        _ => Vec::new(),
    }
}

impl StandIn {
    /// A stand-in serving at `origin` (`http://127.0.0.1:<port>`), accepting `token`, stamping
    /// messages with `clock`'s time.
    pub fn new(token: impl Into<String>, origin: impl Into<String>, clock: Arc<dyn Clock>) -> Self {
        Self {
            token: token.into(),
            origin: origin.into(),
            clock,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The Web API base the app is pointed at.
    pub fn api_url(&self) -> String {
        format!("{}/demo/api/", self.origin)
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The bot token the app was given (a made-up one: it opens nothing but this stand-in).
    pub fn token(&self) -> &str {
        &self.token
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A message timestamp in Slack's form (`1700000000.000123`), on demo time, unique.
    fn ts(&self, inner: &mut Inner) -> String {
        let seq = inner.next();
        format!("{}.{:06}", self.clock.now().timestamp(), seq % 1_000_000)
    }

    /// Changes whenever anything a page shows changes.
    pub fn version(&self) -> u64 {
        self.lock().version
    }

    /// A fresh `trigger_id` for something `user` just did, good for [`TRIGGER_LIFETIME`].
    pub fn new_trigger(&self, user: &str) -> String {
        let mut inner = self.lock();
        let seq = inner.next();
        let id = format!(
            "{}.{}.{:032x}",
            self.clock.now().timestamp(),
            4_700_000_000_u64 + seq,
            u128::from(seq).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        );
        inner
            .triggers
            .retain(|_, t| t.issued.elapsed() < TRIGGER_LIFETIME * 10);
        inner.triggers.insert(
            id.clone(),
            Trigger {
                user: user.to_string(),
                issued: Instant::now(),
            },
        );
        id
    }

    /// Notes a line in the "under the hood" log.
    pub fn log(&self, to_app: bool, text: impl Into<String>) {
        self.lock().log(to_app, text.into());
    }

    /// What `user` typed, shown above the app's answer.
    pub fn typed(&self, user: &str, text: &str) -> u64 {
        self.add_entry(user, Author::Typed, text.to_string(), Vec::new())
    }

    /// A note from the demo itself in `user`'s conversation.
    pub fn note(&self, user: &str, text: &str) -> u64 {
        self.add_entry(user, Author::Demo, text.to_string(), Vec::new())
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
            channel: team::dm_channel(user),
            ts,
            text,
            blocks: with_ids(blocks, seq),
            edited: false,
        })
    }

    pub fn entry(&self, id: u64) -> Option<Entry> {
        self.lock().entries.iter().find(|e| e.id == id).cloned()
    }

    /// Everything `user`'s screen shows.
    pub fn snapshot(&self, user: &str) -> Snapshot {
        let inner = self.lock();
        Snapshot {
            version: inner.version,
            entries: inner
                .entries
                .iter()
                .filter(|e| e.user == user)
                .cloned()
                .collect(),
            modal: inner.modals.get(user).and_then(|s| s.last()).cloned(),
            home: inner.homes.get(user).cloned(),
            log: inner.log.iter().cloned().collect(),
        }
    }
}
