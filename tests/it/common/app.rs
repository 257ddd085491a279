//! The real server on a loopback port, against a fake Slack, with a fixed clock.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use followup::app::{router, AppState};
use followup::clock::{Clock, FixedClock};
use followup::domain::lifecycle::ProspectState;
use followup::domain::RepRef;
use followup::slack::api::SlackApi;
use followup::slack::signature::SigningSecret;
use followup::store::Store;
use serde_json::Value;

use super::fake_slack::FakeSlack;
use super::slack_requests::{
    block_actions, bot_message, interaction_form_body, message_container, SignedPost, SlashCommand,
    COMMANDS_PATH, EVENTS_PATH, FORM_CONTENT_TYPE, INTERACTIONS_PATH, JSON_CONTENT_TYPE,
};
use super::TestDb;

pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const TEAM: &str = "T0FAKE001";
pub const ALICE: &str = "U0ALICE";
pub const BOB: &str = "U0BOB";
pub const OAUTH_CLIENT_ID: &str = "1234567890.0987654321";
pub const OAUTH_CLIENT_SECRET: &str = "oauth-client-secret-for-tests";

pub struct TestApp {
    pub base: String,
    pub slack: FakeSlack,
    pub clock: Arc<FixedClock>,
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    /// What the server runs on: its service and Slack client (for a digest pass as served).
    pub state: AppState,
    db: TestDb,
}

impl TestApp {
    /// Alice's click on her DM message holding `blocks`, answered through `response_url`
    /// `url_name`.
    pub fn alice_click(&self, action: Value, blocks: &Value, url_name: &str) -> Value {
        block_actions(
            TEAM,
            ALICE,
            vec![action],
            Some(&self.slack.response_url(url_name)),
            Some(bot_message(
                "1700000000.000100",
                "Your follow-ups",
                blocks.clone(),
            )),
            Some("D0ALICE"),
            message_container("D0ALICE", "1700000000.000100", false),
        )
    }

    /// Sends [`alice_click`](Self::alice_click) and answers the message as the app updated it.
    pub async fn click_and_update(&self, action: Value, blocks: &Value, url_name: &str) -> Value {
        let method = FakeSlack::response_url_method(url_name);
        let before = self.slack.calls_to(&method).len();
        let (status, body) = self
            .interact(&self.alice_click(action, blocks, url_name))
            .await;
        assert_eq!(status, 200, "{body}");
        let updates = self
            .slack
            .wait_for(&method, before + 1, Duration::from_secs(5))
            .await;
        updates
            .last()
            .map(|u| u.body.clone())
            .expect("the message was updated")
    }

    /// The server at `now`, with a bot token and a fast retry policy.
    pub async fn start(db: TestDb, now: DateTime<Utc>) -> TestApp {
        Self::start_with(db, now, None).await
    }

    /// The server in OAuth mode: tokens per workspace, encrypted with `cipher`.
    pub async fn start_oauth(
        db: TestDb,
        now: DateTime<Utc>,
        cipher: followup::oauth::Cipher,
    ) -> TestApp {
        Self::start_with(db, now, Some(cipher)).await
    }

    async fn start_with(
        db: TestDb,
        now: DateTime<Utc>,
        oauth: Option<followup::oauth::Cipher>,
    ) -> TestApp {
        let slack = FakeSlack::start().await;
        let clock = Arc::new(FixedClock::new(now));
        let api = match &oauth {
            Some(cipher) => SlackApi::with_tokens(
                &slack.api_url(),
                Arc::new(followup::oauth::WorkspaceTokens::new(
                    db.store.clone(),
                    cipher.clone(),
                    None,
                )),
            ),
            None => SlackApi::new(&slack.api_url(), Some("xoxb-test-token".into())),
        }
        .expect("slack client")
        .with_backoff(Duration::from_millis(10), 4);
        let mut state = AppState::new(
            db.store.clone(),
            clock.clone(),
            api,
            SigningSecret::new(SECRET),
            chrono::NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
        );
        if let Some(cipher) = oauth {
            state = state.with_oauth(followup::oauth::OAuthConfig {
                client_id: OAUTH_CLIENT_ID.into(),
                client_secret: OAUTH_CLIENT_SECRET.into(),
                cipher,
            });
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let served = state.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router(served)).await;
        });
        TestApp {
            base: format!("http://{addr}"),
            slack,
            clock,
            store: db.store.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("http client"),
            state,
            db,
        }
    }

    /// The database the server runs on, for a command run beside it.
    pub fn db_url(&self) -> &str {
        &self.db.url
    }

    pub fn now_unix(&self) -> i64 {
        self.clock.now().timestamp()
    }

    pub fn alice() -> RepRef {
        RepRef::new(TEAM, ALICE)
    }

    pub async fn send(&self, post: SignedPost) -> reqwest::Response {
        post.send(&self.base, &self.http).await
    }

    /// A signed slash command from `user` in `team`; answers the status and the JSON reply (or Null).
    pub async fn command_in(&self, team: &str, user: &str, text: &str) -> (u16, Value) {
        let command = SlashCommand::new(text)
            .team_id(team)
            .user_id(user)
            .response_url(&self.slack.response_url("cmd"));
        let post = SignedPost::signed(
            SECRET,
            self.now_unix(),
            COMMANDS_PATH,
            FORM_CONTENT_TYPE,
            command.form_body(),
        );
        let response = self.send(post).await;
        let status = response.status().as_u16();
        let json = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
        let body = response.text().await.expect("body");
        // Slack shows a reply as a message only when it comes as JSON.
        assert!(
            status != 200 || body.is_empty() || json,
            "a reply without a JSON content type: {body}"
        );
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    pub async fn command(&self, user: &str, text: &str) -> (u16, Value) {
        self.command_in(TEAM, user, text).await
    }

    /// All of a reply's text, blocks included, for assertions on what the rep sees.
    pub async fn say(&self, user: &str, text: &str) -> String {
        let (status, reply) = self.command(user, text).await;
        assert_eq!(status, 200, "`/followup {text}` answered {status}");
        reply_text(&reply)
    }

    pub async fn interact(&self, payload: &Value) -> (u16, String) {
        let post = SignedPost::signed(
            SECRET,
            self.now_unix(),
            INTERACTIONS_PATH,
            FORM_CONTENT_TYPE,
            interaction_form_body(payload),
        );
        let response = self.send(post).await;
        (
            response.status().as_u16(),
            response.text().await.unwrap_or_default(),
        )
    }

    pub async fn event(&self, body: &Value) -> reqwest::Response {
        let post = SignedPost::signed(
            SECRET,
            self.now_unix(),
            EVENTS_PATH,
            JSON_CONTENT_TYPE,
            body.to_string(),
        );
        self.send(post).await
    }

    /// Every prospect of a rep with its touches: the whole of what the store holds for them.
    pub async fn snapshot(&self, rep: &RepRef) -> Vec<ProspectState> {
        super::holdings(&self.store, rep).await
    }

    /// Adds a prospect with `/followup add <text>` as `user`; answers its id from the reply.
    pub async fn add_prospect(&self, user: &str, text: &str) -> i64 {
        let shown = self.say(user, &format!("add {text}")).await;
        shown
            .split("as *#")
            .nth(1)
            .and_then(|rest| rest.split('*').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no id in reply: {shown}"))
    }

    /// Alice's prospect `id` as the store holds it.
    pub async fn alice_prospect(&self, id: i64) -> ProspectState {
        self.store
            .prospect_state(&Self::alice(), id)
            .await
            .expect("read")
            .expect("the prospect exists")
    }

    /// One digest pass at the app's clock, as the scheduler runs it, sending to the fake Slack.
    pub async fn digest_pass(&self) -> followup::digest::PassReport {
        self.digester(None)
            .run_pass(self.clock.now(), false)
            .await
            .expect("a digest pass")
    }

    /// The scheduler's digester, on the server's own service and Slack client.
    pub fn digester(&self, team_channel: Option<&str>) -> followup::digest::Digester {
        followup::digest::Digester::new(self.state.service.clone(), self.state.slack.clone(), 2)
            .with_team_channel(team_channel.map(str::to_string))
    }

    pub async fn finish(self) {
        self.db.finish().await;
    }
}

/// Text of every `text` field in a Slack reply, joined: what the rep reads.
pub fn reply_text(reply: &Value) -> String {
    let mut out = Vec::new();
    collect_text(reply, &mut out);
    out.join("\n")
}

/// A `rich_text` block as it reads: each part a line, bold as `*…*`, italic as `_…_`, links by
/// their text, quotes behind `>`. (Slack shows its text elements exactly; nothing in them is
/// markup.)
pub fn rich_text_as_read(block: &Value) -> String {
    let mut lines = Vec::new();
    for part in block["elements"].as_array().into_iter().flatten() {
        let mut line = String::new();
        if part["type"] == "rich_text_quote" {
            line.push('>');
        }
        for e in part["elements"].as_array().into_iter().flatten() {
            let text = e["text"].as_str().unwrap_or_default();
            if e["style"]["bold"] == true {
                line.push_str(&format!("*{text}*"));
            } else if e["style"]["italic"] == true {
                line.push_str(&format!("_{text}_"));
            } else {
                line.push_str(text);
            }
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// The text Slack reads markup in — mrkdwn objects and a message's `text` — leaving out
/// `plain_text` and rich text elements, which Slack shows exactly as they are.
pub fn markup_text(value: &Value) -> String {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if map.get("type").and_then(Value::as_str) == Some("rich_text") {
                    return;
                }
                if map.get("type").and_then(Value::as_str) == Some("plain_text") {
                    return;
                }
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("text", Value::String(s)) => out.push(s.clone()),
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out);
    out.join("\n")
}

fn collect_text(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if map.get("type").and_then(Value::as_str) == Some("rich_text") => {
            out.push(rich_text_as_read(value));
        }
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("text", Value::String(s)) => out.push(s.clone()),
                    _ => collect_text(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_text(v, out)),
        _ => {}
    }
}

/// The block with `block_id` in a reply's blocks.
pub fn block<'a>(blocks: &'a Value, block_id: &str) -> &'a Value {
    blocks
        .as_array()
        .and_then(|b| b.iter().find(|b| b["block_id"] == block_id))
        .unwrap_or_else(|| panic!("no block `{block_id}` in {blocks}"))
}

/// Runs each test body with a fresh app on SQLite and on Postgres.
#[macro_export]
macro_rules! on_both_apps {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn body($app: &$crate::common::app::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = $crate::common::TestDb::sqlite().await;
                    let app = $crate::common::app::TestApp::start(db, super::start_time()).await;
                    body(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = $crate::common::TestDb::postgres().await else { return };
                    let app = $crate::common::app::TestApp::start(db, super::start_time()).await;
                    body(&app).await;
                    app.finish().await;
                }
            }
        )*
    };
}
