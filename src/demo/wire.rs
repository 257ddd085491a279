//! What the demo sends the app, in Slack's exact wire format and signed with the demo's signing
//! secret: slash commands as `application/x-www-form-urlencoded` in Slack's field order,
//! interactions as a `payload=` form field holding JSON, Events API deliveries as JSON. They go
//! over loopback HTTP to the same `/slack/*` routes Slack uses, so the app's signature check,
//! body limits and parsers all run.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, Request};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

use super::standin::View;
use super::team::{self, DemoUser, APP_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID};
use crate::clock::Clock;
use crate::slack::manifest::{COMMANDS_PATH, EVENTS_PATH, INTERACTIONS_PATH};
use crate::slack::signature::{sign, SigningSecret};

pub const FORM: &str = "application/x-www-form-urlencoded";
pub const JSON: &str = "application/json";
/// The deprecated verification token Slack still sends; the app ignores it.
const VERIFICATION_TOKEN: &str = "demoVerificationTokenUnused";
/// The app's answers to Slack are small; anything bigger is cut off.
const MAX_ANSWER: usize = 1024 * 1024;

/// The app's HTTP answer to a delivery.
#[derive(Debug, Clone)]
pub struct AppAnswer {
    pub status: u16,
    pub body: Bytes,
}

impl AppAnswer {
    /// The body as JSON, or `None` when it is empty (a bare acknowledgement) or not JSON.
    pub fn json(&self) -> Option<Value> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends signed deliveries to the app at `app_origin`.
pub struct Wire {
    client: Client<HttpConnector, Body>,
    app_origin: String,
    secret: SigningSecret,
    clock: Arc<dyn Clock>,
}

impl Wire {
    pub fn new(
        app_origin: impl Into<String>,
        secret: SigningSecret,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
            app_origin: app_origin.into(),
            secret,
            clock,
        }
    }

    /// POSTs `body` to `path`, signed as Slack signs: `v0=` + hex HMAC-SHA256 of
    /// `v0:{timestamp}:{body}`. The timestamp is the demo's time, which is the app's time.
    pub async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: String,
    ) -> Result<AppAnswer, String> {
        let timestamp = self.clock.now().timestamp().to_string();
        let signature = sign(&self.secret, &timestamp, body.as_bytes());
        let request = Request::post(format!("{}{path}", self.app_origin))
            .header(header::CONTENT_TYPE, content_type)
            .header(
                header::USER_AGENT,
                "Slackbot 1.0 (+https://api.slack.com/robots)",
            )
            .header("X-Slack-Request-Timestamp", timestamp)
            .header("X-Slack-Signature", signature)
            .body(Body::from(body))
            .map_err(|e| format!("building the request: {e}"))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| format!("the app did not answer: {e}"))?;
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(Body::new(response.into_body()), MAX_ANSWER)
            .await
            .map_err(|e| format!("reading the app's answer: {e}"))?;
        Ok(AppAnswer { status, body })
    }

    pub async fn command(&self, form: String) -> Result<AppAnswer, String> {
        self.post(COMMANDS_PATH, FORM, form).await
    }

    pub async fn interaction(&self, payload: &Value) -> Result<AppAnswer, String> {
        self.post(INTERACTIONS_PATH, FORM, interaction_form(payload))
            .await
    }

    pub async fn event(&self, body: &Value) -> Result<AppAnswer, String> {
        self.post(EVENTS_PATH, JSON, body.to_string()).await
    }
}

/// Text as Slack delivers it from a command with `should_escape: true`: `&`, `<` and `>` as
/// entities, and an `@handle` of someone in the workspace as `<@U…|handle>`.
pub fn escape_typed(text: &str) -> String {
    let escaped = crate::slack::mrkdwn::escape_entities(text);
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped.as_str();
    while let Some(at) = rest.find('@') {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let handle_len = after[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'))
            .unwrap_or(after.len() - 1);
        let handle = &after[1..1 + handle_len];
        let word_start = before.chars().last().is_none_or(char::is_whitespace);
        match team::by_handle(handle).filter(|_| word_start) {
            Some(u) => out.push_str(&format!("<@{}|{}>", u.id, u.handle)),
            None => out.push_str(&after[..1 + handle_len]),
        }
        rest = &after[1 + handle_len..];
    }
    out.push_str(rest);
    out
}

/// A `/followup` command's form body, fields in Slack's order.
pub fn slash_command_form(
    user: &DemoUser,
    text: &str,
    response_url: &str,
    trigger_id: &str,
) -> String {
    let channel = team::dm_channel(user.id);
    let text = escape_typed(text);
    let fields: [(&str, &str); 13] = [
        ("token", VERIFICATION_TOKEN),
        ("team_id", TEAM_ID),
        ("team_domain", TEAM_DOMAIN),
        ("channel_id", &channel),
        ("channel_name", "directmessage"),
        ("user_id", user.id),
        ("user_name", user.handle),
        ("command", crate::slack::manifest::COMMAND),
        ("text", &text),
        ("api_app_id", APP_ID),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id),
    ];
    serde_urlencoded::to_string(fields).unwrap_or_default()
}

/// `payload=<url-encoded JSON>`.
pub fn interaction_form(payload: &Value) -> String {
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap_or_default()
}

fn payload_user(user: &DemoUser) -> Value {
    json!({"id": user.id, "username": user.handle, "name": user.handle, "team_id": TEAM_ID})
}

/// Where a click happened, as the `container` (and the fields that come with it) of a payload.
pub enum ClickSource<'a> {
    /// A message in the rep's DM with the app; `message` is absent for an ephemeral one.
    Message {
        ts: &'a str,
        ephemeral: bool,
        message: Option<Value>,
        response_url: String,
    },
    /// The Home tab or a modal.
    View(&'a View),
}

/// A `block_actions` payload for one action.
pub fn block_actions(
    user: &DemoUser,
    action: Value,
    source: ClickSource<'_>,
    trigger_id: &str,
) -> Value {
    let mut payload = json!({
        "type": "block_actions",
        "user": payload_user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "enterprise": null,
        "is_enterprise_install": false,
        "state": {"values": {}},
    });
    match source {
        ClickSource::Message {
            ts,
            ephemeral,
            message,
            response_url,
        } => {
            let channel = team::dm_channel(user.id);
            payload["container"] = json!({
                "type": "message",
                "message_ts": ts,
                "channel_id": channel,
                "is_ephemeral": ephemeral,
            });
            payload["channel"] = json!({"id": channel, "name": "directmessage"});
            if let Some(message) = message {
                payload["message"] = message;
            }
            payload["response_url"] = json!(response_url);
        }
        ClickSource::View(view) => {
            payload["container"] = json!({"type": "view", "view_id": view.id});
            payload["view"] = view.json.clone();
        }
    }
    payload["actions"] = json!([action]);
    payload
}

/// A `view_submission` payload: the view as Slack holds it, with the inputs' `state.values`.
pub fn view_submission(user: &DemoUser, view: &View, values: Value, trigger_id: &str) -> Value {
    let mut submitted = view.json.clone();
    submitted["state"] = json!({"values": values});
    json!({
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": payload_user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": false,
        "enterprise": null,
    })
}

/// A `view_closed` payload (sent only for views with `notify_on_close`).
pub fn view_closed(user: &DemoUser, view: &View) -> Value {
    json!({
        "type": "view_closed",
        "team": {"id": TEAM_ID, "domain": TEAM_DOMAIN},
        "user": payload_user(user),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": view.json,
        "is_cleared": false,
        "is_enterprise_install": false,
        "enterprise": null,
    })
}

/// An `event_callback` delivery of `app_home_opened` for the Home tab.
pub fn app_home_opened(user: &DemoUser, event_seq: u64, now_unix: i64) -> Value {
    json!({
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": {
            "type": "app_home_opened",
            "user": user.id,
            "channel": team::dm_channel(user.id),
            "tab": "home",
            "event_ts": format!("{now_unix}.{:06}", event_seq % 1_000_000),
        },
        "type": "event_callback",
        "event_id": format!("Ev0DEMO{event_seq:08}"),
        "event_time": now_unix,
        "authorizations": [{
            "enterprise_id": null,
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "is_bot": true,
            "is_enterprise_install": false,
        }],
        "is_ext_shared_channel": false,
    })
}
