//! Requests shaped as Slack sends them to the app, signed as Slack signs them.
//!
//! Slash commands are `application/x-www-form-urlencoded` in Slack's field order; interactions
//! are a form with one field, `payload`, holding JSON; Events API deliveries are JSON. Every one
//! carries `X-Slack-Request-Timestamp` and `X-Slack-Signature` =
//! `v0=` + hex(HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`)).
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

pub const COMMANDS_PATH: &str = "/slack/commands";
pub const INTERACTIONS_PATH: &str = "/slack/interactions";
pub const EVENTS_PATH: &str = "/slack/events";

pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// Defaults of the requests built here. Team, app and bot match the fake Slack's
/// (`fake_slack::FAKE_TEAM_ID`, `FAKE_APP_ID`, `FAKE_BOT_USER_ID`, `FAKE_BOT_ID`).
pub const DEFAULT_TEAM_ID: &str = "T0FAKE001";
pub const DEFAULT_TEAM_DOMAIN: &str = "fake-workspace";
pub const DEFAULT_USER_ID: &str = "U0001REP";
pub const DEFAULT_CHANNEL_ID: &str = "C0001CHAN";
pub const DEFAULT_CHANNEL_NAME: &str = "sales";
pub const DEFAULT_API_APP_ID: &str = "A0FAKEAPP";
pub const BOT_USER_ID: &str = "U0FAKEBOT";
pub const BOT_ID: &str = "B0FAKEBOT";
/// The deprecated verification token Slack still sends.
pub const DEFAULT_VERIFICATION_TOKEN: &str = "gIkuvaNzQIHg97ATvDxqgjtO";

static SEQ: AtomicU64 = AtomicU64::new(1);

fn next_seq() -> u64 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A Slack timestamp (`1700000000.000123`) for now, unique within this test binary.
pub fn slack_ts() -> String {
    format!("{}.{:06}", now_unix(), next_seq() % 1_000_000)
}

/// A fresh `trigger_id` in Slack's shape (`<digits>.<digits>.<hex>`).
pub fn new_trigger_id() -> String {
    let seq = next_seq();
    format!(
        "{}.{}.{:032x}",
        now_unix(),
        4_744_562_912_u64 + seq,
        u128::from(seq) * 0x9e37_79b9_7f4a_7c15
    )
}

/// Slack's signature of a request: `v0=` + hex(HMAC-SHA256(secret, `v0:{timestamp}:{body}`)).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC-SHA256 takes any key size");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// `application/x-www-form-urlencoded` encoding of `pairs`, in order (spaces as `+`).
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).expect("string pairs always form-encode")
}

// ---------------------------------------------------------------------------------------------
// Slash commands

/// A `/followup` slash command as Slack posts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlashCommand {
    pub token: String,
    pub team_id: String,
    pub team_domain: String,
    /// Sent only by Enterprise Grid workspaces; omitted from the body when `None`.
    pub enterprise_id: Option<String>,
    pub enterprise_name: Option<String>,
    pub channel_id: String,
    pub channel_name: String,
    pub user_id: String,
    pub user_name: String,
    pub command: String,
    pub text: String,
    pub api_app_id: String,
    pub is_enterprise_install: String,
    pub response_url: String,
    pub trigger_id: String,
}

impl Default for SlashCommand {
    fn default() -> Self {
        let seq = next_seq();
        SlashCommand {
            token: DEFAULT_VERIFICATION_TOKEN.to_string(),
            team_id: DEFAULT_TEAM_ID.to_string(),
            team_domain: DEFAULT_TEAM_DOMAIN.to_string(),
            enterprise_id: None,
            enterprise_name: None,
            channel_id: DEFAULT_CHANNEL_ID.to_string(),
            channel_name: DEFAULT_CHANNEL_NAME.to_string(),
            user_id: DEFAULT_USER_ID.to_string(),
            user_name: "rep".to_string(),
            command: "/followup".to_string(),
            text: String::new(),
            api_app_id: DEFAULT_API_APP_ID.to_string(),
            is_enterprise_install: "false".to_string(),
            response_url: format!(
                "https://hooks.slack.com/commands/{DEFAULT_TEAM_ID}/{}/{:024x}",
                397_700_885_554_u64 + seq,
                u128::from(seq) * 0x2545_f491_4f6c_dd1d
            ),
            trigger_id: new_trigger_id(),
        }
    }
}

impl SlashCommand {
    /// `/followup <text>` with plausible defaults for everything else.
    pub fn new(text: &str) -> Self {
        SlashCommand::default().text(text)
    }

    pub fn team_id(mut self, team_id: &str) -> Self {
        self.team_id = team_id.to_string();
        self
    }

    pub fn user_id(mut self, user_id: &str) -> Self {
        self.user_id = user_id.to_string();
        self
    }

    pub fn user_name(mut self, user_name: &str) -> Self {
        self.user_name = user_name.to_string();
        self
    }

    pub fn text(mut self, text: &str) -> Self {
        self.text = text.to_string();
        self
    }

    pub fn response_url(mut self, response_url: &str) -> Self {
        self.response_url = response_url.to_string();
        self
    }

    pub fn trigger_id(mut self, trigger_id: &str) -> Self {
        self.trigger_id = trigger_id.to_string();
        self
    }

    pub fn channel(mut self, channel_id: &str, channel_name: &str) -> Self {
        self.channel_id = channel_id.to_string();
        self.channel_name = channel_name.to_string();
        self
    }

    pub fn command(mut self, command: &str) -> Self {
        self.command = command.to_string();
        self
    }

    /// As sent from an Enterprise Grid workspace.
    pub fn enterprise(mut self, enterprise_id: &str, enterprise_name: &str) -> Self {
        self.enterprise_id = Some(enterprise_id.to_string());
        self.enterprise_name = Some(enterprise_name.to_string());
        self
    }

    /// The form fields in Slack's order.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("token", self.token.as_str()),
            ("team_id", self.team_id.as_str()),
            ("team_domain", self.team_domain.as_str()),
        ];
        if let Some(id) = &self.enterprise_id {
            fields.push(("enterprise_id", id.as_str()));
        }
        if let Some(name) = &self.enterprise_name {
            fields.push(("enterprise_name", name.as_str()));
        }
        fields.extend([
            ("channel_id", self.channel_id.as_str()),
            ("channel_name", self.channel_name.as_str()),
            ("user_id", self.user_id.as_str()),
            ("user_name", self.user_name.as_str()),
            ("command", self.command.as_str()),
            ("text", self.text.as_str()),
            ("api_app_id", self.api_app_id.as_str()),
            ("is_enterprise_install", self.is_enterprise_install.as_str()),
            ("response_url", self.response_url.as_str()),
            ("trigger_id", self.trigger_id.as_str()),
        ]);
        fields
    }

    /// The `application/x-www-form-urlencoded` body, in Slack's field order.
    pub fn form_body(&self) -> String {
        form_encode(&self.fields())
    }

    /// Signed with `now_unix()`, for `POST /slack/commands`.
    pub fn signed(&self, secret: &str) -> SignedPost {
        SignedPost::signed(
            secret,
            now_unix(),
            COMMANDS_PATH,
            FORM_CONTENT_TYPE,
            self.form_body(),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Interactions

fn plain_text(text: &str) -> Value {
    json!({"type": "plain_text", "text": text, "emoji": true})
}

fn payload_user(team_id: &str, user_id: &str) -> Value {
    let name = user_id.to_lowercase();
    json!({"id": user_id, "username": name, "name": name, "team_id": team_id})
}

/// A `button` entry of `actions`, as Slack reports a click.
pub fn button_action(action_id: &str, value: &str, block_id: &str) -> Value {
    json!({
        "action_id": action_id,
        "block_id": block_id,
        "text": plain_text(action_id),
        "value": value,
        "type": "button",
        "action_ts": slack_ts(),
    })
}

/// A `static_select` entry of `actions`, as Slack reports a choice.
pub fn static_select_action(action_id: &str, selected_value: &str, block_id: &str) -> Value {
    json!({
        "type": "static_select",
        "action_id": action_id,
        "block_id": block_id,
        "selected_option": {"text": plain_text(selected_value), "value": selected_value},
        "placeholder": plain_text("Choose"),
        "action_ts": slack_ts(),
    })
}

/// An `overflow` entry of `actions`, as Slack reports a choice.
pub fn overflow_action(action_id: &str, selected_value: &str, block_id: &str) -> Value {
    json!({
        "type": "overflow",
        "action_id": action_id,
        "block_id": block_id,
        "selected_option": {"text": plain_text(selected_value), "value": selected_value},
        "action_ts": slack_ts(),
    })
}

/// The `container` of an action on a message.
pub fn message_container(channel_id: &str, message_ts: &str, is_ephemeral: bool) -> Value {
    json!({
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": is_ephemeral,
    })
}

/// The `container` of an action inside a modal or the Home tab.
pub fn view_container(view_id: &str) -> Value {
    json!({"type": "view", "view_id": view_id})
}

/// A message posted by the app, as Slack includes it in a `block_actions` payload.
pub fn bot_message(ts: &str, text: &str, blocks: Value) -> Value {
    json!({
        "user": BOT_USER_ID,
        "type": "message",
        "ts": ts,
        "bot_id": BOT_ID,
        "app_id": DEFAULT_API_APP_ID,
        "text": text,
        "team": DEFAULT_TEAM_ID,
        "blocks": blocks,
    })
}

/// A `block_actions` payload. `response_url` and `channel_id` are absent for actions in modals
/// and the Home tab; `message` is present for actions on a (non-ephemeral) message.
pub fn block_actions(
    team_id: &str,
    user_id: &str,
    actions: Vec<Value>,
    response_url: Option<&str>,
    message: Option<Value>,
    channel_id: Option<&str>,
    container: Value,
) -> Value {
    let mut payload = json!({
        "type": "block_actions",
        "user": payload_user(team_id, user_id),
        "api_app_id": DEFAULT_API_APP_ID,
        "token": DEFAULT_VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": new_trigger_id(),
        "team": {"id": team_id, "domain": DEFAULT_TEAM_DOMAIN},
        "enterprise": null,
        "is_enterprise_install": false,
    });
    if let Some(channel_id) = channel_id {
        payload["channel"] = json!({"id": channel_id, "name": "directmessage"});
    }
    if let Some(message) = message {
        payload["message"] = message;
    }
    payload["state"] = json!({"values": {}});
    if let Some(url) = response_url {
        payload["response_url"] = json!(url);
    }
    payload["actions"] = Value::Array(actions);
    payload
}

/// A `view_submission` payload. `state_values` is the `view.state.values` object:
/// `{block_id: {action_id: {"type": "plain_text_input", "value": "…"}}}`.
pub fn view_submission(
    team_id: &str,
    user_id: &str,
    callback_id: &str,
    private_metadata: &str,
    state_values: Value,
    view_id: &str,
) -> Value {
    json!({
        "type": "view_submission",
        "team": {"id": team_id, "domain": DEFAULT_TEAM_DOMAIN},
        "user": payload_user(team_id, user_id),
        "api_app_id": DEFAULT_API_APP_ID,
        "token": DEFAULT_VERIFICATION_TOKEN,
        "trigger_id": new_trigger_id(),
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": state_values},
            "hash": format!("{}.{}", now_unix(), view_id),
            "title": plain_text("Followup"),
            "clear_on_close": false,
            "notify_on_close": false,
            "close": plain_text("Cancel"),
            "submit": plain_text("Save"),
            "previous_view_id": null,
            "root_view_id": view_id,
            "app_id": DEFAULT_API_APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": false,
        "enterprise": null,
    })
}

/// One `plain_text_input` value of `view.state.values`.
pub fn text_input_value(value: &str) -> Value {
    json!({"type": "plain_text_input", "value": value})
}

/// One `static_select` value of `view.state.values` (`None`: nothing chosen).
pub fn static_select_value(selected_value: Option<&str>) -> Value {
    match selected_value {
        Some(v) => json!({
            "type": "static_select",
            "selected_option": {"text": plain_text(v), "value": v},
        }),
        None => json!({"type": "static_select", "selected_option": null}),
    }
}

/// One `datepicker` value of `view.state.values` (`YYYY-MM-DD`).
pub fn datepicker_value(date: Option<&str>) -> Value {
    json!({"type": "datepicker", "selected_date": date})
}

/// The body Slack posts for an interaction: `payload=<url-encoded JSON>`.
pub fn interaction_form_body(payload: &Value) -> String {
    form_encode(&[("payload", payload.to_string().as_str())])
}

// ---------------------------------------------------------------------------------------------
// Events API

/// The `url_verification` handshake body.
pub fn url_verification(challenge: &str) -> Value {
    json!({
        "token": DEFAULT_VERIFICATION_TOKEN,
        "challenge": challenge,
        "type": "url_verification",
    })
}

/// An `event_callback` envelope around `event`, with a fresh `event_id`. A retried delivery
/// resends the same body: reuse the value.
pub fn event_callback(team_id: &str, event: Value) -> Value {
    let now = now_unix();
    let seq = next_seq();
    json!({
        "token": DEFAULT_VERIFICATION_TOKEN,
        "team_id": team_id,
        "api_app_id": DEFAULT_API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": format!("Ev{:010}", 7_000_000 + seq),
        "event_time": now,
        "authorizations": [{
            "enterprise_id": null,
            "team_id": team_id,
            "user_id": BOT_USER_ID,
            "is_bot": true,
            "is_enterprise_install": false,
        }],
        "is_ext_shared_channel": false,
        "event_context": format!("4-eyJldCI6ImFwcF9ob21lX29wZW5lZCJ9-{seq}"),
    })
}

/// An `app_home_opened` event for the Home tab (channel `D<user id>`, as the fake Slack opens).
pub fn app_home_opened(user_id: &str) -> Value {
    json!({
        "type": "app_home_opened",
        "user": user_id,
        "channel": format!("D{user_id}"),
        "tab": "home",
        "event_ts": slack_ts(),
    })
}

// ---------------------------------------------------------------------------------------------
// Signed requests

/// A request to the app, signed as Slack signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPost {
    pub path: String,
    pub content_type: String,
    pub body: Vec<u8>,
    pub timestamp: i64,
    pub signature: String,
    pub extra_headers: Vec<(String, String)>,
}

impl SignedPost {
    /// `body` signed with `secret` at `now_unix` (the `X-Slack-Request-Timestamp`).
    pub fn signed(
        secret: &str,
        now_unix: i64,
        path: &str,
        content_type: &str,
        body: impl Into<Vec<u8>>,
    ) -> Self {
        let body = body.into();
        SignedPost {
            path: path.to_string(),
            content_type: content_type.to_string(),
            signature: sign(secret, now_unix, &body),
            body,
            timestamp: now_unix,
            extra_headers: Vec::new(),
        }
    }

    /// A slash command to `/slack/commands`, signed now.
    pub fn command(secret: &str, command: &SlashCommand) -> Self {
        command.signed(secret)
    }

    /// An interaction payload to `/slack/interactions`, signed now.
    pub fn interaction(secret: &str, payload: &Value) -> Self {
        SignedPost::signed(
            secret,
            now_unix(),
            INTERACTIONS_PATH,
            FORM_CONTENT_TYPE,
            interaction_form_body(payload),
        )
    }

    /// An Events API body to `/slack/events`, signed now.
    pub fn event(secret: &str, body: &Value) -> Self {
        SignedPost::signed(
            secret,
            now_unix(),
            EVENTS_PATH,
            JSON_CONTENT_TYPE,
            body.to_string(),
        )
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.extra_headers
            .push((name.to_string(), value.to_string()));
        self
    }

    /// As Slack retries a delivery: `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`
    /// (e.g. `http_timeout`, `http_error`).
    pub fn with_retry(self, num: u32, reason: &str) -> Self {
        self.with_header("X-Slack-Retry-Num", &num.to_string())
            .with_header("X-Slack-Retry-Reason", reason)
    }

    /// Replaces the signature (forgery tests).
    pub fn with_signature(mut self, signature: &str) -> Self {
        self.signature = signature.to_string();
        self
    }

    /// Re-signs after changing `body` or `timestamp`.
    pub fn resign(mut self, secret: &str) -> Self {
        self.signature = sign(secret, self.timestamp, &self.body);
        self
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("request body is UTF-8")
    }

    /// Posts to `base_url` + `path` (`base_url` like `http://127.0.0.1:PORT`).
    pub async fn try_send(
        &self,
        base_url: &str,
        client: &reqwest::Client,
    ) -> reqwest::Result<reqwest::Response> {
        let url = format!("{}{}", base_url.trim_end_matches('/'), self.path);
        let mut request = client
            .post(url)
            .header("Content-Type", &self.content_type)
            .header("X-Slack-Request-Timestamp", self.timestamp.to_string())
            .header("X-Slack-Signature", &self.signature);
        for (name, value) in &self.extra_headers {
            request = request.header(name.as_str(), value.as_str());
        }
        request.body(self.body.clone()).send().await
    }

    /// Like [`SignedPost::try_send`], panicking with the URL if the request cannot be sent.
    pub async fn send(&self, base_url: &str, client: &reqwest::Client) -> reqwest::Response {
        match self.try_send(base_url, client).await {
            Ok(response) => response,
            Err(e) => panic!(
                "could not POST {}{}: {e}",
                base_url.trim_end_matches('/'),
                self.path
            ),
        }
    }
}

/// The element with `action_id` anywhere in `blocks` whose value (or one of whose options'
/// values) starts with `value_prefix`, with the id of its block.
pub fn find_element(blocks: &Value, action_id: &str, value_prefix: &str) -> (String, Value) {
    for block in blocks.as_array().expect("blocks") {
        for e in block["elements"].as_array().into_iter().flatten() {
            let value = e["value"].as_str().unwrap_or_default();
            let in_options = e["options"].as_array().into_iter().flatten().any(|o| {
                o["value"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with(value_prefix)
            });
            if e["action_id"] == action_id && (value.starts_with(value_prefix) || in_options) {
                return (
                    block["block_id"].as_str().unwrap_or_default().to_string(),
                    e.clone(),
                );
            }
        }
    }
    panic!("no `{action_id}` for `{value_prefix}` in {blocks}")
}
