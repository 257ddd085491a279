//! The demo's stand-in for Slack: answers the Web API calls the app makes (shaped as Slack shapes
//! its answers, so slack-morphism reads them) and the `response_url` posts, and keeps what a Slack
//! client would show each rep: the direct messages with the app, the open modal and the Home tab.
//! Nothing here reaches the internet; the page reads this state to draw itself.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::team::{self, APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, TEAM_NAME};
use crate::clock::Clock;

/// Slack lets a `trigger_id` open a view for 3 seconds.
pub const TRIGGER_LIFETIME: Duration = Duration::from_secs(3);
/// A `response_url` takes 5 posts within 30 minutes.
pub const HOOK_USES: u32 = 5;
pub const HOOK_LIFETIME: Duration = Duration::from_secs(30 * 60);
/// Slack keeps at most 3 modals stacked.
const MAX_MODALS: usize = 3;
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

/// A modal or a Home tab, as Slack holds it after `views.open` / `views.publish`.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub id: String,
    pub hash: String,
    /// The view as Slack answers it: the app's view plus the fields Slack adds.
    pub json: Value,
    /// Problems shown under inputs (`response_action: errors`), by block id.
    pub errors: Map<String, Value>,
}

impl View {
    pub fn blocks(&self) -> &[Value] {
        self.json["blocks"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    pub fn str_field(&self, field: &str) -> &str {
        self.json[field].as_str().unwrap_or_default()
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

struct Hook {
    user: String,
    /// The message a `replace_original` / `delete_original` changes.
    original: Option<u64>,
    uses: u32,
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

/// Why a `response_url` post was refused: the HTTP status and Slack's short reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookRefusal {
    pub status: u16,
    pub reason: &'static str,
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

fn ok(fields: Value) -> Value {
    let mut out = json!({"ok": true});
    if let (Some(out), Value::Object(fields)) = (out.as_object_mut(), fields) {
        out.extend(fields);
    }
    out
}

fn fail(code: &str) -> Value {
    json!({"ok": false, "error": code})
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

    /// A fresh `response_url` for `user`, changing `original` when the app replaces or deletes it.
    pub fn new_hook(&self, user: &str, original: Option<u64>) -> String {
        let mut inner = self.lock();
        let seq = inner.next();
        let id = format!(
            "{}{:08x}",
            TEAM_ID,
            u128::from(seq).wrapping_mul(0x2545_f491)
        );
        inner
            .hooks
            .retain(|_, h| h.issued.elapsed() < HOOK_LIFETIME);
        inner.hooks.insert(
            id.clone(),
            Hook {
                user: user.to_string(),
                original,
                uses: 0,
                issued: Instant::now(),
            },
        );
        format!("{}/demo/hooks/{id}", self.origin)
    }

    /// Ties a command's `response_url` to the reply it got, once there is one.
    pub fn bind_hook(&self, url: &str, original: u64) {
        let Some(id) = url.rsplit('/').next() else {
            return;
        };
        if let Some(hook) = self.lock().hooks.get_mut(id) {
            hook.original = Some(original);
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

    /// The modal on top of `user`'s stack.
    pub fn modal(&self, user: &str) -> Option<View> {
        self.lock().modals.get(user).and_then(|s| s.last()).cloned()
    }

    pub fn home(&self, user: &str) -> Option<View> {
        self.lock().homes.get(user).cloned()
    }

    /// Closes `view_id` if it is `user`'s top modal; answers the view closed.
    pub fn close_modal(&self, user: &str, view_id: &str) -> Option<View> {
        let mut inner = self.lock();
        let stack = inner.modals.get_mut(user)?;
        if stack.last().map(|v| v.id.as_str()) != Some(view_id) {
            return None;
        }
        let closed = stack.pop();
        inner.version += 1;
        closed
    }

    /// Closes every modal of `user` (`response_action: clear`).
    pub fn clear_modals(&self, user: &str) {
        let mut inner = self.lock();
        inner.modals.remove(user);
        inner.version += 1;
    }

    /// Shows problems under a modal's inputs, as Slack does for `response_action: errors`.
    pub fn set_errors(&self, view_id: &str, errors: Map<String, Value>) {
        let mut inner = self.lock();
        if let Some(view) = inner.find_view_mut(view_id) {
            view.errors = errors;
        }
        inner.version += 1;
    }

    /// `response_action: update` (replace the top modal) or `push` (stack a new one).
    pub fn answer_view(&self, user: &str, view_id: &str, view: &Value, push: bool) {
        let mut inner = self.lock();
        let seq = inner.next();
        let id = if push {
            format!("V0DEMO{seq:06}")
        } else {
            view_id.to_string()
        };
        let new = self.stateful(view, "modal", id, seq);
        let stack = inner.modals.entry(user.to_string()).or_default();
        match (push, stack.last_mut()) {
            (false, Some(top)) if top.id == view_id => *top = new,
            _ => stack.push(new),
        }
        inner.version += 1;
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
            "conversations.open" => {
                let first = match body.get("users") {
                    Some(Value::String(users)) => users.split(',').next().map(str::trim),
                    Some(Value::Array(users)) => users.first().and_then(Value::as_str),
                    _ => None,
                };
                match first.or_else(|| str_field(body, "channel")) {
                    Some(id) => match team::dm_user(id) {
                        Some(u) => ok(json!({"channel": {"id": team::dm_channel(u.id)}})),
                        None => fail("user_not_found"),
                    },
                    None => fail("invalid_arguments"),
                }
            }
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

    /// A view as Slack returns it from `views.*`: the app's view plus the state Slack adds.
    fn stateful(&self, requested: &Value, default_type: &str, id: String, seq: u64) -> View {
        let view_type = str_field(requested, "type")
            .unwrap_or(default_type)
            .to_string();
        let text_of = |field: &str| str_field(requested, field).unwrap_or_default().to_string();
        let blocks = match requested.get("blocks") {
            Some(Value::Array(blocks)) => with_ids(blocks.clone(), seq),
            _ => Vec::new(),
        };
        let hash = format!("{}.{seq:08x}", self.clock.now().timestamp());
        let mut json = json!({
            "id": id,
            "team_id": TEAM_ID,
            "type": view_type,
            "blocks": blocks,
            "private_metadata": text_of("private_metadata"),
            "callback_id": text_of("callback_id"),
            "external_id": text_of("external_id"),
            "state": {"values": {}},
            "hash": hash,
            "clear_on_close": requested.get("clear_on_close").cloned().unwrap_or(json!(false)),
            "notify_on_close": requested.get("notify_on_close").cloned().unwrap_or(json!(false)),
            "previous_view_id": null,
            "root_view_id": id,
            "app_id": APP_ID,
            "app_installed_team_id": TEAM_ID,
            "bot_id": BOT_ID,
        });
        if view_type == "modal" {
            json["title"] = requested
                .get("title")
                .cloned()
                .unwrap_or_else(|| json!({"type": "plain_text", "text": "followup"}));
            for field in ["close", "submit"] {
                json[field] = requested.get(field).cloned().unwrap_or(Value::Null);
            }
        }
        View {
            id,
            hash,
            json,
            errors: Map::new(),
        }
    }

    fn open_view(&self, body: &Value, push: bool) -> Value {
        let Some(view) = json_field(body, "view").filter(Value::is_object) else {
            return fail("invalid_arguments");
        };
        if str_field(&view, "type") != Some("modal") || view.get("title").is_none() {
            return fail("invalid_arguments");
        }
        let count = view["blocks"].as_array().map_or(0, Vec::len);
        if count > crate::slack::blocks::MAX_MODAL_BLOCKS {
            return fail("invalid_arguments");
        }
        let Some(trigger_id) = str_field(body, "trigger_id") else {
            return fail("invalid_trigger_id");
        };
        let mut inner = self.lock();
        let user = match inner.triggers.remove(trigger_id) {
            None => return fail("invalid_trigger_id"),
            Some(t) if t.issued.elapsed() > TRIGGER_LIFETIME => {
                return fail("expired_trigger_id");
            }
            Some(t) => t.user,
        };
        let seq = inner.next();
        let new = self.stateful(&view, "modal", format!("V0DEMO{seq:06}"), seq);
        let answer = ok(json!({"view": new.json}));
        let stack = inner.modals.entry(user).or_default();
        if push {
            if stack.len() >= MAX_MODALS {
                return fail("push_limit_reached");
            }
            stack.push(new);
        } else {
            *stack = vec![new];
        }
        inner.version += 1;
        answer
    }

    fn update_view(&self, body: &Value) -> Value {
        let Some(view) = json_field(body, "view").filter(Value::is_object) else {
            return fail("invalid_arguments");
        };
        let wanted_id = str_field(body, "view_id");
        let external = str_field(body, "external_id");
        let hash = str_field(body, "hash");
        let mut inner = self.lock();
        let seq = inner.next();
        let found = inner
            .modals
            .values_mut()
            .flat_map(|s| s.iter_mut())
            .find(|v| {
                wanted_id.is_some_and(|id| v.id == id)
                    || external.is_some_and(|x| !x.is_empty() && v.str_field("external_id") == x)
            });
        let Some(current) = found else {
            return fail("not_found");
        };
        if hash.is_some_and(|h| h != current.hash) {
            return fail("hash_conflict");
        }
        let new = self.stateful(&view, "modal", current.id.clone(), seq);
        *current = new.clone();
        inner.version += 1;
        ok(json!({"view": new.json}))
    }

    fn publish_home(&self, body: &Value) -> Value {
        let Some(user) = str_field(body, "user_id").and_then(team::user) else {
            return fail("user_not_found");
        };
        let Some(view) = json_field(body, "view").filter(Value::is_object) else {
            return fail("invalid_arguments");
        };
        if str_field(&view, "type") != Some("home") {
            return fail("invalid_arguments");
        }
        let mut inner = self.lock();
        let seq = inner.next();
        let id = inner
            .homes
            .get(user.id)
            .map(|v| v.id.clone())
            .unwrap_or_else(|| format!("V0HOME{seq:06}"));
        let home = self.stateful(&view, "home", id, seq);
        let answer = ok(json!({"view": home.json}));
        inner.homes.insert(user.id.to_string(), home);
        inner.version += 1;
        answer
    }

    /// A post to a `response_url`: replace or delete the original, or add a new message.
    pub fn hook(&self, id: &str, body: &Value) -> Result<(), HookRefusal> {
        let mut inner = self.lock();
        let seq = inner.next();
        let (user, original) = {
            let Some(hook) = inner.hooks.get_mut(id) else {
                return Err(HookRefusal {
                    status: 404,
                    reason: "expired_url",
                });
            };
            if hook.issued.elapsed() > HOOK_LIFETIME {
                return Err(HookRefusal {
                    status: 404,
                    reason: "expired_url",
                });
            }
            if hook.uses >= HOOK_USES {
                return Err(HookRefusal {
                    status: 404,
                    reason: "used_url",
                });
            }
            hook.uses += 1;
            (hook.user.clone(), hook.original)
        };
        let flag = |name: &str| match body.get(name) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
        let text = str_field(body, "text").map(str::to_string);
        let blocks = match json_field(body, "blocks") {
            Some(Value::Array(blocks)) => Some(with_ids(blocks, seq)),
            _ => None,
        };
        if flag("delete_original") {
            if let Some(original) = original {
                inner.entries.retain(|e| e.id != original);
            }
            inner.version += 1;
            inner.log(
                false,
                "app → Slack: response_url, delete the original".into(),
            );
            return Ok(());
        }
        if text.is_none() && blocks.is_none() {
            return Err(HookRefusal {
                status: 400,
                reason: "no_text",
            });
        }
        if flag("replace_original") {
            if let Some(entry) = original.and_then(|id| inner.entry_mut(id)) {
                entry.text = text.unwrap_or_default();
                entry.blocks = blocks.unwrap_or_default();
                entry.edited = true;
                inner.version += 1;
                inner.log(
                    false,
                    "app → Slack: response_url, replace the original".into(),
                );
                return Ok(());
            }
        }
        let author = match str_field(body, "response_type") {
            Some("in_channel") => Author::App,
            _ => Author::AppEphemeral,
        };
        let ts = self.ts(&mut inner);
        inner.push_entry(Entry {
            id: 0,
            channel: team::dm_channel(&user),
            user,
            author,
            ts,
            text: text.unwrap_or_default(),
            blocks: blocks.unwrap_or_default(),
            edited: false,
        });
        inner.log(false, "app → Slack: response_url, a new message".into());
        Ok(())
    }
}
