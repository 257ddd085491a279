//! A fake Slack Web API for tests: point `SLACK_API_URL` at [`FakeSlack::api_url`].
//!
//! It listens on `127.0.0.1:<random port>`, records every request it gets, answers each Web API
//! method with a reply shaped like Slack's (carrying every field slack-morphism 2.31 needs to
//! deserialize it), serves `response_url` webhooks, and can be told to fail the next calls to a
//! method (rate limit, server error, API error, delay).
//!
//! The server runs on its own thread with its own small tokio runtime, so it keeps answering while
//! a test blocks its own thread (for example on `std::process::Command::output()` running the
//! `followup` binary). It stops when the last clone of the [`FakeSlack`] is dropped.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Map, Value};

/// The workspace the fake pretends to be.
pub const FAKE_TEAM_ID: &str = "T0FAKE001";
pub const FAKE_TEAM_NAME: &str = "Fake Workspace";
pub const FAKE_TEAM_DOMAIN: &str = "fake-workspace";
/// The bot user, bot and app the fake answers as.
pub const FAKE_BOT_USER_ID: &str = "U0FAKEBOT";
pub const FAKE_BOT_USER_NAME: &str = "followup";
pub const FAKE_BOT_ID: &str = "B0FAKEBOT";
pub const FAKE_APP_ID: &str = "A0FAKEAPP";

/// How the next calls to a method fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 429, `Retry-After: <secs>`, body `{"ok":false,"error":"ratelimited"}`.
    RateLimited { retry_after_secs: u64 },
    /// HTTP 500.
    ServerError,
    /// HTTP 200 `{"ok":false,"error":<code>}` (e.g. `channel_not_found`, `user_not_found`,
    /// `account_inactive`). On a `response_url` hook: an HTTP error status with the code as text.
    ApiError(String),
    /// The normal answer, after this delay.
    Delay(Duration),
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    /// Web API method (`chat.postMessage`), or `response_url:<name>` for a webhook post.
    pub method: String,
    /// HTTP method (`POST`, `GET`).
    pub http_method: String,
    /// Request path as received (`/api/chat.postMessage`).
    pub path: String,
    /// The `Authorization` header, verbatim (`Bearer xoxb-…`).
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    /// Every header, names lower-case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The query parameters, overlaid with the body's fields: a JSON body as is, a form body as
    /// an object of strings. A body that is neither stays a JSON string.
    pub body: Value,
    /// The raw body, lossily decoded as UTF-8.
    pub raw_body: String,
    pub received_at: Instant,
    /// The scripted failure this call was answered with, if any.
    pub failure: Option<Failure>,
}

impl Call {
    /// A header's value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A top-level field of the body.
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.body.get(name)
    }

    /// A top-level string field of the body.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.body.get(name).and_then(Value::as_str)
    }

    /// A field holding JSON, whether sent as JSON or as a JSON string inside a form
    /// (`blocks`, `view`, `attachments` in form-encoded calls).
    pub fn json_field(&self, name: &str) -> Option<Value> {
        json_or_string(self.body.get(name)?)
    }

    /// The `blocks` of a message call, parsed.
    pub fn blocks(&self) -> Option<Value> {
        self.json_field("blocks")
    }

    /// The token of an `Authorization: Bearer <token>` header.
    pub fn bearer_token(&self) -> Option<&str> {
        self.authorization.as_deref()?.strip_prefix("Bearer ")
    }

    /// Whether the call was answered normally (no scripted failure other than a delay).
    pub fn succeeded(&self) -> bool {
        matches!(self.failure, None | Some(Failure::Delay(_)))
    }

    /// One line for failure messages.
    pub fn summary(&self) -> String {
        let mut body = self.body.to_string();
        if body.len() > 300 {
            let mut cut = 300;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
            body.push('…');
        }
        let failure = match &self.failure {
            Some(f) => format!(" [answered with {f:?}]"),
            None => String::new(),
        };
        format!("{} {} {}{}", self.http_method, self.method, body, failure)
    }
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    failures: HashMap<String, VecDeque<Failure>>,
    user_tz: HashMap<String, String>,
    user_json: HashMap<String, Value>,
    replies: HashMap<String, Value>,
    seq: u64,
}

type Shared = Arc<Mutex<Inner>>;

fn lock(state: &Shared) -> MutexGuard<'_, Inner> {
    // A test that panicked while holding the lock must not hide the original panic.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Stops the server thread when the last clone of the `FakeSlack` goes.
struct ServerGuard {
    _stop: Mutex<mpsc::Sender<()>>,
}

/// A running fake Slack. Cheap to clone; all clones share the same record.
#[derive(Clone)]
pub struct FakeSlack {
    addr: SocketAddr,
    state: Shared,
    _server: Arc<ServerGuard>,
}

impl std::fmt::Debug for FakeSlack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeSlack")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeSlack {
    /// Starts a fake on `127.0.0.1:0`.
    pub async fn start() -> FakeSlack {
        let std_listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("fake Slack: bind 127.0.0.1:0");
        std_listener
            .set_nonblocking(true)
            .expect("fake Slack: set the listener non-blocking");
        let addr = std_listener
            .local_addr()
            .expect("fake Slack: local address of the listener");
        let state: Shared = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new().fallback(handle).with_state(state.clone());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("fake-slack")
            .enable_all()
            .build()
            .expect("fake Slack: build its tokio runtime");
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("fake-slack".into())
            .spawn(move || {
                runtime.spawn(async move {
                    let listener = tokio::net::TcpListener::from_std(std_listener)
                        .expect("fake Slack: register the listener with tokio");
                    if let Err(e) = axum::serve(listener, app).await {
                        eprintln!("fake Slack: server stopped: {e}");
                    }
                });
                // Returns when the last `FakeSlack` clone drops the sender.
                let _ = stop_rx.recv();
                runtime.shutdown_background();
            })
            .expect("fake Slack: spawn its thread");
        FakeSlack {
            addr,
            state,
            _server: Arc::new(ServerGuard {
                _stop: Mutex::new(stop_tx),
            }),
        }
    }

    /// `http://127.0.0.1:PORT/api/`, for `SLACK_API_URL`. The fake also accepts the double slash
    /// (`/api//chat.postMessage`) that slack-morphism produces from a base with a trailing slash.
    pub fn api_url(&self) -> String {
        format!("http://{}/api/", self.addr)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A `response_url` served by the fake: posts to it are recorded as `response_url:<name>`
    /// and answered `200 ok` (text/plain), as Slack does.
    pub fn response_url(&self, name: &str) -> String {
        format!("http://{}/hooks/{}", self.addr, name)
    }

    /// The method name under which posts to `response_url(name)` are recorded.
    pub fn response_url_method(name: &str) -> String {
        format!("response_url:{name}")
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.state).calls.clone()
    }

    /// The calls to one method, oldest first.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        lock(&self.state)
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// How many calls `method` got.
    pub fn count(&self, method: &str) -> usize {
        lock(&self.state)
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Forgets the recorded calls (scripted failures, time zones and replies stay).
    pub fn clear(&self) {
        lock(&self.state).calls.clear();
    }

    /// Waits until at least `count` calls to `method` arrived and returns them all; panics after
    /// `timeout`, listing what did arrive.
    pub async fn wait_for(&self, method: &str, count: usize, timeout: Duration) -> Vec<Call> {
        let deadline = Instant::now() + timeout;
        loop {
            let calls = self.calls_to(method);
            if calls.len() >= count {
                return calls;
            }
            if Instant::now() >= deadline {
                panic!(
                    "fake Slack: waited {timeout:?} for {count} call(s) to {method}, got {}.\n{}",
                    calls.len(),
                    self.describe_calls()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits `settle`, then asserts `method` got exactly `count` calls (for "nothing was sent
    /// twice" checks). Returns those calls.
    pub async fn expect_exactly(&self, method: &str, count: usize, settle: Duration) -> Vec<Call> {
        tokio::time::sleep(settle).await;
        let calls = self.calls_to(method);
        assert_eq!(
            calls.len(),
            count,
            "fake Slack: expected exactly {count} call(s) to {method} after {settle:?}.\n{}",
            self.describe_calls()
        );
        calls
    }

    /// Every recorded call, one line each, for assertion messages.
    pub fn describe_calls(&self) -> String {
        let calls = self.calls();
        if calls.is_empty() {
            return "The fake received no calls at all.".to_string();
        }
        let mut out = format!("The fake received {} call(s):", calls.len());
        for (i, call) in calls.iter().enumerate() {
            out.push_str(&format!("\n  {:>3}. {}", i + 1, call.summary()));
        }
        out
    }

    /// The next `n` calls to `method` (or to `response_url:<name>`) get `failure`; then normal
    /// service resumes. Calls queue up: `fail_next(m, 1, A)` then `fail_next(m, 1, B)` fails
    /// with A, then B.
    pub fn fail_next(&self, method: &str, n: usize, failure: Failure) {
        let mut inner = lock(&self.state);
        let queue = inner.failures.entry(method.to_string()).or_default();
        for _ in 0..n {
            queue.push_back(failure.clone());
        }
    }

    /// Drops any scripted failures not yet used.
    pub fn clear_failures(&self) {
        lock(&self.state).failures.clear();
    }

    /// The IANA time zone `users.info` reports for `user` (default `UTC`).
    pub fn set_user_tz(&self, user: &str, tz: &str) {
        lock(&self.state)
            .user_tz
            .insert(user.to_string(), tz.to_string());
    }

    /// The whole `user` object `users.info` returns for `user` (to drop `tz`, mark `deleted`, …).
    pub fn set_user_json(&self, user: &str, user_json: Value) {
        lock(&self.state)
            .user_json
            .insert(user.to_string(), user_json);
    }

    /// Makes `user` an admin of the workspace in `users.info` (who manages followup by default).
    pub fn make_admin(&self, user: &str) {
        let mut json = default_user(user, "UTC");
        json["is_admin"] = json!(true);
        self.set_user_json(user, json);
    }

    /// Replaces the default successful reply of `method` (e.g. `oauth.v2.access`). Sent as is,
    /// so include `"ok": true`.
    pub fn set_reply(&self, method: &str, reply: Value) {
        lock(&self.state).replies.insert(method.to_string(), reply);
    }
}

fn json_or_string(v: &Value) -> Option<Value> {
    match v {
        Value::String(s) => serde_json::from_str(s).ok(),
        Value::Null => None,
        other => Some(other.clone()),
    }
}

fn form_to_object(raw: &[u8]) -> Option<Map<String, Value>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(raw).ok()?;
    Some(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

fn parse_body(query: Option<&str>, content_type: Option<&str>, raw: &[u8]) -> Value {
    let mut object = query
        .and_then(|q| form_to_object(q.as_bytes()))
        .unwrap_or_default();
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Value::Object(object);
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let parsed = if ct.starts_with("application/x-www-form-urlencoded") {
        form_to_object(raw).map(Value::Object)
    } else {
        // JSON by content type, or by sniffing when the type is missing or odd.
        serde_json::from_slice::<Value>(raw).ok()
    };
    match parsed {
        Some(Value::Object(fields)) => {
            object.extend(fields);
            Value::Object(object)
        }
        Some(other) if object.is_empty() => other,
        _ if object.is_empty() => Value::String(String::from_utf8_lossy(raw).into_owned()),
        _ => {
            object.insert(
                "_raw_body".into(),
                Value::String(String::from_utf8_lossy(raw).into_owned()),
            );
            Value::Object(object)
        }
    }
}

enum Route {
    Api(String),
    Hook(String),
}

fn route(path: &str) -> Option<Route> {
    if let Some(rest) = path.strip_prefix("/api/") {
        let method = rest.trim_start_matches('/');
        if !method.is_empty() && !method.contains('/') {
            return Some(Route::Api(method.to_string()));
        }
    }
    if let Some(rest) = path.strip_prefix("/hooks/") {
        if !rest.is_empty() {
            return Some(Route::Hook(rest.to_string()));
        }
    }
    None
}

async fn handle(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let received_at = Instant::now();
    let Some(route) = route(uri.path()) else {
        return (
            StatusCode::NOT_FOUND,
            format!("fake Slack: no route for {}", uri.path()),
        )
            .into_response();
    };
    let header_str = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header_str(header::CONTENT_TYPE);
    let parsed = parse_body(uri.query(), content_type.as_deref(), &body);
    let (name, is_hook) = match &route {
        Route::Api(m) => (m.clone(), false),
        Route::Hook(h) => (FakeSlack::response_url_method(h), true),
    };

    let (failure, reply) = {
        let mut inner = lock(&state);
        let failure = inner.failures.get_mut(&name).and_then(VecDeque::pop_front);
        let reply = match &route {
            Route::Api(m) => inner
                .replies
                .get(m)
                .cloned()
                .unwrap_or_else(|| default_reply(&mut inner, m, &parsed)),
            Route::Hook(_) => Value::Null,
        };
        inner.calls.push(Call {
            method: name,
            http_method: method.to_string(),
            path: uri.path().to_string(),
            authorization: header_str(header::AUTHORIZATION),
            content_type,
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: parsed,
            raw_body: String::from_utf8_lossy(&body).into_owned(),
            received_at,
            failure: failure.clone(),
        });
        (failure, reply)
    };

    match failure {
        Some(Failure::RateLimited { retry_after_secs }) => {
            let mut resp = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({"ok": false, "error": "ratelimited"})),
            )
                .into_response();
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            return resp;
        }
        Some(Failure::ServerError) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal_error").into_response();
        }
        Some(Failure::ApiError(code)) if is_hook => {
            let status = match code.as_str() {
                "invalid_payload" | "no_text" => StatusCode::BAD_REQUEST,
                "action_prohibited" => StatusCode::FORBIDDEN,
                _ => StatusCode::NOT_FOUND,
            };
            return (status, code).into_response();
        }
        Some(Failure::ApiError(code)) => {
            return axum::Json(json!({"ok": false, "error": code})).into_response();
        }
        Some(Failure::Delay(d)) => tokio::time::sleep(d).await,
        None => {}
    }

    if is_hook {
        // `&'static str` answers `text/plain; charset=utf-8`.
        "ok".into_response()
    } else {
        axum::Json(reply).into_response()
    }
}

fn next_ts(inner: &mut Inner) -> String {
    inner.seq += 1;
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{}.{:06}", secs, inner.seq % 1_000_000)
}

fn next_id(inner: &mut Inner, prefix: &str) -> String {
    inner.seq += 1;
    format!("{prefix}0FAKE{:06}", inner.seq)
}

fn str_of<'a>(body: &'a Value, field: &str) -> Option<&'a str> {
    body.get(field).and_then(Value::as_str)
}

/// A user id is answered with the direct-message channel `D<user id>`, as `conversations.open`
/// does in this fake.
fn dm_channel_for(channel: &str) -> String {
    if channel.starts_with('U') || channel.starts_with('W') {
        format!("D{channel}")
    } else {
        channel.to_string()
    }
}

fn default_reply(inner: &mut Inner, method: &str, body: &Value) -> Value {
    match method {
        "chat.postMessage" => {
            let ts = next_ts(inner);
            let channel = dm_channel_for(str_of(body, "channel").unwrap_or("C0FAKE001"));
            let mut message = json!({
                "type": "message",
                "ts": ts,
                "text": str_of(body, "text").unwrap_or(""),
                "user": FAKE_BOT_USER_ID,
                "bot_id": FAKE_BOT_ID,
                "app_id": FAKE_APP_ID,
                "team": FAKE_TEAM_ID,
            });
            if let Some(blocks) = body.get("blocks").and_then(json_or_string) {
                message["blocks"] = blocks;
            }
            if let Some(thread_ts) = str_of(body, "thread_ts") {
                message["thread_ts"] = json!(thread_ts);
            }
            json!({"ok": true, "channel": channel, "ts": ts, "message": message})
        }
        "chat.update" => {
            let ts = str_of(body, "ts")
                .map(str::to_string)
                .unwrap_or_else(|| next_ts(inner));
            let channel = str_of(body, "channel").unwrap_or("C0FAKE001");
            let text = str_of(body, "text").unwrap_or("");
            let mut message = json!({
                "type": "message",
                "text": text,
                "user": FAKE_BOT_USER_ID,
                "bot_id": FAKE_BOT_ID,
                "app_id": FAKE_APP_ID,
                "team": FAKE_TEAM_ID,
            });
            if let Some(blocks) = body.get("blocks").and_then(json_or_string) {
                message["blocks"] = blocks;
            }
            json!({"ok": true, "channel": channel, "ts": ts, "text": text, "message": message})
        }
        "chat.postEphemeral" => json!({"ok": true, "message_ts": next_ts(inner)}),
        "chat.delete" => json!({
            "ok": true,
            "channel": str_of(body, "channel").unwrap_or("C0FAKE001"),
            "ts": str_of(body, "ts").unwrap_or(""),
        }),
        "conversations.open" => {
            // `users` is a comma-separated string, or (as slack-morphism sends it) an array.
            let first_user = match body.get("users") {
                Some(Value::String(users)) => users.split(',').next().map(|u| u.trim().to_string()),
                Some(Value::Array(users)) => {
                    users.first().and_then(Value::as_str).map(str::to_string)
                }
                _ => None,
            };
            let id = match (str_of(body, "channel"), first_user) {
                (Some(channel), _) => channel.to_string(),
                (None, Some(user)) => format!("D{user}"),
                (None, None) => "D0FAKE001".to_string(),
            };
            json!({"ok": true, "channel": {"id": id}})
        }
        "views.open" | "views.push" => {
            let id = next_id(inner, "V");
            json!({"ok": true, "view": stateful_view(body, "modal", id)})
        }
        "views.publish" => {
            let id = next_id(inner, "V");
            json!({"ok": true, "view": stateful_view(body, "home", id)})
        }
        "views.update" => {
            let id = str_of(body, "view_id")
                .map(str::to_string)
                .unwrap_or_else(|| next_id(inner, "V"));
            json!({"ok": true, "view": stateful_view(body, "modal", id)})
        }
        "users.info" => {
            let user = str_of(body, "user").unwrap_or("U0FAKE001").to_string();
            let user_json = match inner.user_json.get(&user) {
                Some(v) => v.clone(),
                None => {
                    let tz = inner
                        .user_tz
                        .get(&user)
                        .cloned()
                        .unwrap_or_else(|| "UTC".to_string());
                    default_user(&user, &tz)
                }
            };
            json!({"ok": true, "user": user_json})
        }
        "auth.test" => json!({
            "ok": true,
            "url": format!("https://{FAKE_TEAM_DOMAIN}.slack.com/"),
            "team": FAKE_TEAM_NAME,
            "user": FAKE_BOT_USER_NAME,
            "team_id": FAKE_TEAM_ID,
            "user_id": FAKE_BOT_USER_ID,
            "bot_id": FAKE_BOT_ID,
            "is_enterprise_install": false,
        }),
        _ => json!({"ok": true}),
    }
}

/// A view as Slack returns it from `views.*`: the request's view echoed (type, title, blocks,
/// callback_id, private_metadata, …) plus the state Slack adds.
fn stateful_view(body: &Value, default_type: &str, id: String) -> Value {
    let requested = body
        .get("view")
        .and_then(json_or_string)
        .unwrap_or_else(|| json!({}));
    let view_type = requested
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or(default_type)
        .to_string();
    let text_of = |field: &str| {
        requested
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut view = json!({
        "id": id,
        "team_id": FAKE_TEAM_ID,
        "type": view_type,
        "blocks": requested.get("blocks").cloned().unwrap_or_else(|| json!([])),
        "private_metadata": text_of("private_metadata"),
        "callback_id": text_of("callback_id"),
        "external_id": text_of("external_id"),
        "state": {"values": {}},
        "hash": format!("1700000000.{id}"),
        "clear_on_close": requested.get("clear_on_close").cloned().unwrap_or(json!(false)),
        "notify_on_close": requested.get("notify_on_close").cloned().unwrap_or(json!(false)),
        "previous_view_id": null,
        "root_view_id": id,
        "app_id": FAKE_APP_ID,
        "app_installed_team_id": FAKE_TEAM_ID,
        "bot_id": FAKE_BOT_ID,
    });
    if view_type == "modal" {
        view["title"] = requested
            .get("title")
            .cloned()
            .unwrap_or_else(|| json!({"type": "plain_text", "text": "Followup", "emoji": true}));
        for field in ["close", "submit"] {
            view[field] = requested.get(field).cloned().unwrap_or(Value::Null);
        }
    }
    view
}

/// A `users.info` user in `tz`, with `tz_label` and `tz_offset` (seconds) as of now.
pub fn default_user(user: &str, tz: &str) -> Value {
    let (tz_label, tz_offset) = tz_details(tz);
    let name = user.to_lowercase();
    let real_name = format!("User {user}");
    json!({
        "id": user,
        "team_id": FAKE_TEAM_ID,
        "name": name,
        "deleted": false,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": tz,
        "tz_label": tz_label,
        "tz_offset": tz_offset,
        "profile": {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": name,
            "display_name_normalized": name,
            "team": FAKE_TEAM_ID,
        },
        "is_admin": false,
        "is_owner": false,
        "is_primary_owner": false,
        "is_restricted": false,
        "is_ultra_restricted": false,
        "is_bot": false,
        "is_app_user": false,
        "updated": 1_700_000_000,
        "has_2fa": false,
    })
}

/// Slack-style `tz_label` and the current `tz_offset` in seconds for an IANA zone. An unknown
/// zone gets its own name as label and offset 0.
pub fn tz_details(tz: &str) -> (String, i32) {
    use chrono::{Offset, TimeZone, Utc};
    let Ok(zone) = tz.parse::<chrono_tz::Tz>() else {
        return (tz.to_string(), 0);
    };
    let offset = zone.offset_from_utc_datetime(&Utc::now().naive_utc());
    let seconds = offset.fix().local_minus_utc();
    let abbreviation = offset.to_string();
    let american = tz.starts_with("America/") || tz.starts_with("US/");
    let label = match abbreviation.as_str() {
        "UTC" => "Coordinated Universal Time",
        "GMT" => "Greenwich Mean Time",
        "BST" if tz == "Europe/London" => "British Summer Time",
        "CET" => "Central European Time",
        "CEST" => "Central European Summer Time",
        "EET" => "Eastern European Time",
        "EEST" => "Eastern European Summer Time",
        "EST" if american => "Eastern Standard Time",
        "EDT" if american => "Eastern Daylight Time",
        "CST" if american => "Central Standard Time",
        "CDT" if american => "Central Daylight Time",
        "MST" if american => "Mountain Standard Time",
        "MDT" if american => "Mountain Daylight Time",
        "PST" if american => "Pacific Standard Time",
        "PDT" if american => "Pacific Daylight Time",
        "JST" => "Japan Standard Time",
        "IST" if tz == "Asia/Kolkata" || tz == "Asia/Calcutta" => "India Standard Time",
        other => other,
    };
    (label.to_string(), seconds)
}
