//! A stand-in for Slack: one model of a workspace that answers the Web API calls a Slack app
//! makes (shaped as Slack shapes its answers, so slack-morphism reads them) and its posts to
//! `response_url`s, and keeps what a Slack client would show each member: the direct messages
//! with the app, the open modal and the Home tab. Nothing here reaches the internet.
//!
//! Two users, one model, so that a new Slack method is faked once:
//! - a **demo** page that draws each member's screen from [`StandIn::snapshot`] and stands in
//!   for the person clicking ([`StandIn::new_trigger`], [`StandIn::new_hook`], …), on a
//!   [`Strictness::Slack`] workspace that refuses what Slack would refuse;
//! - **tests**, which start a [`Server`] on a [`Strictness::Trusting`] workspace, record every
//!   request ([`Call`]), script failures ([`Failure`]: 429, 500, an API error, a delay) and
//!   override replies.
//!
//! [`router`] is the HTTP front both use: `/api/<method>` and `/hooks/<id>`, to mount wherever
//! the stand-in's base URL says.

mod conversation;
mod front;
mod hooks;
mod messages;
mod record;
mod views;
mod web_api;
mod workspace;

pub use conversation::{Author, Entry, LogLine, Snapshot};
pub use front::{router, Server};
pub use hooks::{HookRefusal, HOOK_LIFETIME, HOOK_USES};
pub use record::{hook_method, Call, Failure};
pub use views::View;
pub use workspace::{dm_channel, tz_details, Member, Strictness, Workspace};

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use hooks::Hook;
use record::Script;
use workspace::is_user_id;

/// Slack lets a `trigger_id` open a view for 3 seconds.
pub const TRIGGER_LIFETIME: Duration = Duration::from_secs(3);
/// Slack's cap on blocks in a message.
pub const MAX_MESSAGE_BLOCKS: usize = 50;
/// Slack's cap on blocks in a modal or a Home tab.
pub const MAX_VIEW_BLOCKS: usize = 100;

struct Trigger {
    user: String,
    issued: Instant,
}

#[derive(Default)]
struct Inner {
    version: u64,
    seq: u64,
    /// Each conversation's messages by channel id, oldest first.
    conversations: HashMap<String, VecDeque<Entry>>,
    /// Each member's modal stack, top last.
    modals: HashMap<String, Vec<View>>,
    homes: HashMap<String, View>,
    triggers: HashMap<String, Trigger>,
    hooks: HashMap<String, Hook>,
    log: VecDeque<LogLine>,
    members: HashMap<String, Member>,
    /// Whole `users.info` objects set by [`StandIn::set_user_json`], answered as they are.
    user_json: HashMap<String, Value>,
}

impl Inner {
    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
}

/// The stand-in's state. See the crate's documentation.
pub struct StandIn {
    workspace: Workspace,
    /// The one bearer token accepted, if any; without one every call is taken.
    token: Option<String>,
    /// Where [`router`] is served: `http://127.0.0.1:<port>` plus any prefix it is mounted under.
    base_url: String,
    /// Unix seconds, for message timestamps and view hashes.
    clock: Box<dyn Fn() -> i64 + Send + Sync>,
    inner: Mutex<Inner>,
    script: Mutex<Script>,
}

impl std::fmt::Debug for StandIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StandIn")
            .field("team", &self.workspace.team_id)
            .field("base_url", &self.base_url)
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

fn blocks_of(body: &Value) -> Vec<Value> {
    match json_field(body, "blocks") {
        Some(Value::Array(blocks)) => blocks,
        _ => Vec::new(),
    }
}

fn system_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl StandIn {
    /// A stand-in for `workspace`, served at `base_url` (see [`router`]), taking any token, on
    /// the system's time, recording nothing.
    pub fn new(workspace: Workspace, base_url: impl Into<String>) -> Self {
        let members = workspace
            .members
            .iter()
            .map(|m| (m.id.clone(), m.clone()))
            .collect();
        Self {
            workspace,
            token: None,
            base_url: base_url.into().trim_end_matches('/').to_string(),
            clock: Box::new(system_now),
            inner: Mutex::new(Inner {
                members,
                ..Inner::default()
            }),
            script: Mutex::new(Script::default()),
        }
    }

    /// Accepts only `Authorization: Bearer <token>` (else `not_authed` / `invalid_auth`).
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Stamps messages and views with `now` (Unix seconds) instead of the system's time.
    pub fn with_clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Box::new(now);
        self
    }

    /// Keeps every request the HTTP front gets, for [`StandIn::calls`]. Unbounded: for tests.
    pub fn recording_calls(self) -> Self {
        self.script_lock().recording = true;
        self
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The Web API base the app is pointed at: `<base>/api/`.
    pub fn api_url(&self) -> String {
        format!("{}/api/", self.base_url)
    }

    /// Where the front is served, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The `response_url` with this id: `<base>/hooks/<id>`.
    pub fn hook_url(&self, id: &str) -> String {
        format!("{}/hooks/{id}", self.base_url)
    }

    /// The bot token the stand-in accepts, if it checks one.
    pub fn token(&self) -> &str {
        self.token.as_deref().unwrap_or_default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A test that panicked while holding the lock must not hide the original panic.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn trusting(&self) -> bool {
        self.workspace.strictness == Strictness::Trusting
    }

    /// A message timestamp in Slack's form (`1700000000.000123`), on the clock's time, unique.
    fn ts(&self, inner: &mut Inner) -> String {
        let seq = inner.next();
        format!("{}.{:06}", (self.clock)(), seq % 1_000_000)
    }

    /// The member `id` names; a [`Strictness::Trusting`] workspace makes one up for a user id.
    fn member(&self, inner: &mut Inner, id: &str) -> Option<Member> {
        if let Some(m) = inner.members.get(id) {
            return Some(m.clone());
        }
        if !(self.trusting() && is_user_id(id)) {
            return None;
        }
        let made_up = Member::made_up(id);
        inner.members.insert(id.to_string(), made_up.clone());
        Some(made_up)
    }

    /// The member a channel is the direct messages of (a user id names that user's DM, as in
    /// Slack).
    fn dm_member(&self, inner: &mut Inner, channel: &str) -> Option<Member> {
        if is_user_id(channel) {
            return self.member(inner, channel);
        }
        let user = channel.strip_prefix('D').filter(|u| is_user_id(u))?;
        self.member(inner, user)
    }

    /// Changes `user` with `change`, making them a member first if they are not one.
    fn change_member(&self, user: &str, change: impl FnOnce(&mut Member)) {
        let mut inner = self.lock();
        let member = inner
            .members
            .entry(user.to_string())
            .or_insert_with(|| Member::made_up(user));
        change(member);
    }

    /// The IANA time zone `users.info` reports for `user`.
    pub fn set_user_tz(&self, user: &str, tz: &str) {
        self.change_member(user, |m| m.tz = tz.to_string());
    }

    /// Makes `user` an admin of the workspace in `users.info`.
    pub fn make_admin(&self, user: &str) {
        self.change_member(user, |m| m.is_admin = true);
    }

    /// The whole `user` object `users.info` returns for `user` (to drop `tz`, mark `deleted`, …).
    pub fn set_user_json(&self, user: &str, user_json: Value) {
        self.lock().user_json.insert(user.to_string(), user_json);
    }

    /// Changes whenever anything a screen shows changes.
    pub fn version(&self) -> u64 {
        self.lock().version
    }

    /// A fresh `trigger_id` for something `user` just did, good for [`TRIGGER_LIFETIME`].
    pub fn new_trigger(&self, user: &str) -> String {
        let mut inner = self.lock();
        let seq = inner.next();
        let id = format!(
            "{}.{}.{:032x}",
            (self.clock)(),
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

    /// The message as Slack gives it back (`chat.postMessage`, a `block_actions` payload).
    pub fn message_of(&self, entry: &Entry) -> Value {
        let ws = &self.workspace;
        json!({
            "user": ws.bot_user_id,
            "type": "message",
            "ts": entry.ts,
            "bot_id": ws.bot_id,
            "app_id": ws.app_id,
            "text": entry.text,
            "team": ws.team_id,
            "blocks": entry.blocks,
        })
    }
}
