//! What tests need beyond the model: every request the HTTP front got ([`Call`]), failures
//! scripted for the next calls to a method ([`Failure`]), and replies set by hand.

use std::collections::{HashMap, VecDeque};
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{json_field, StandIn};

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

/// One request the HTTP front received.
#[derive(Debug, Clone)]
pub struct Call {
    /// Web API method (`chat.postMessage`), or `response_url:<id>` for a webhook post.
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
        json_field(&self.body, name)
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

/// The name under which posts to the `response_url` with this id are recorded and scripted.
pub fn hook_method(id: &str) -> String {
    format!("response_url:{id}")
}

#[derive(Default)]
pub(crate) struct Script {
    pub(crate) recording: bool,
    calls: Vec<Call>,
    failures: HashMap<String, VecDeque<Failure>>,
    replies: HashMap<String, Value>,
}

impl StandIn {
    pub(crate) fn script_lock(&self) -> MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The failure scripted for this call to `name`, if any; the call is recorded with it.
    pub(crate) fn receive(&self, mut call: Call) -> Option<Failure> {
        let mut script = self.script_lock();
        let failure = script
            .failures
            .get_mut(&call.method)
            .and_then(VecDeque::pop_front);
        if script.recording {
            call.failure = failure.clone();
            script.calls.push(call);
        }
        failure
    }

    /// The reply set for `method` by [`StandIn::set_reply`], if any.
    pub(crate) fn reply_set_for(&self, method: &str) -> Option<Value> {
        self.script_lock().replies.get(method).cloned()
    }

    /// Every call so far, oldest first (only with [`StandIn::recording_calls`]).
    pub fn calls(&self) -> Vec<Call> {
        self.script_lock().calls.clone()
    }

    /// The calls to one method, oldest first.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.script_lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// How many calls `method` got.
    pub fn count(&self, method: &str) -> usize {
        self.script_lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Forgets the recorded calls (scripted failures, members and replies stay).
    pub fn clear(&self) {
        self.script_lock().calls.clear();
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

    /// The next `n` calls to `method` (or to `response_url:<id>`) get `failure`; then normal
    /// service resumes. Calls queue up: `fail_next(m, 1, A)` then `fail_next(m, 1, B)` fails
    /// with A, then B.
    pub fn fail_next(&self, method: &str, n: usize, failure: Failure) {
        let mut script = self.script_lock();
        let queue = script.failures.entry(method.to_string()).or_default();
        for _ in 0..n {
            queue.push_back(failure.clone());
        }
    }

    /// Drops any scripted failures not yet used.
    pub fn clear_failures(&self) {
        self.script_lock().failures.clear();
    }

    /// Replaces the modelled reply of `method` (e.g. `oauth.v2.access`) over HTTP. Sent as is,
    /// so include `"ok": true`.
    pub fn set_reply(&self, method: &str, reply: Value) {
        self.script_lock().replies.insert(method.to_string(), reply);
    }
}
