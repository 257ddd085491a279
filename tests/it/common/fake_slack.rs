//! A fake Slack Web API for tests: point `SLACK_API_URL` at [`FakeSlack::api_url`].
//!
//! The `slack-standin` crate's [`Server`](slack_standin::Server) on the `FAKE_*` workspace, which
//! trusts whatever ids a test hands the app: it listens on `127.0.0.1:<random port>`, records
//! every request, answers each Web API method as Slack shapes it, serves `response_url` webhooks,
//! and can be told to fail the next calls to a method (rate limit, server error, API error,
//! delay). It stops when the last clone of the [`FakeSlack`] is dropped.
#![allow(dead_code)]

use slack_standin::{Server, Strictness, Workspace};

// Not every test binary names both.
#[allow(unused_imports)]
pub use slack_standin::{Call, Failure};

/// The workspace the fake pretends to be.
pub const FAKE_TEAM_ID: &str = "T0FAKE001";
pub const FAKE_TEAM_NAME: &str = "Fake Workspace";
pub const FAKE_TEAM_DOMAIN: &str = "fake-workspace";
/// The bot user, bot and app the fake answers as.
pub const FAKE_BOT_USER_ID: &str = "U0FAKEBOT";
pub const FAKE_BOT_USER_NAME: &str = "followup";
pub const FAKE_BOT_ID: &str = "B0FAKEBOT";
pub const FAKE_APP_ID: &str = "A0FAKEAPP";

/// A running fake Slack. Cheap to clone; all clones share the same record. Dereferences to the
/// stand-in (`calls_to`, `wait_for`, `fail_next`, `set_user_tz`, `make_admin`, `set_reply`, …).
#[derive(Debug, Clone)]
pub struct FakeSlack(Server);

impl std::ops::Deref for FakeSlack {
    type Target = Server;
    fn deref(&self) -> &Server {
        &self.0
    }
}

impl FakeSlack {
    /// Starts a fake on `127.0.0.1:0`, where every user id names a member (in UTC unless set).
    pub async fn start() -> FakeSlack {
        FakeSlack(Server::start(Workspace {
            team_id: FAKE_TEAM_ID.into(),
            team_name: FAKE_TEAM_NAME.into(),
            team_domain: FAKE_TEAM_DOMAIN.into(),
            app_id: FAKE_APP_ID.into(),
            bot_id: FAKE_BOT_ID.into(),
            bot_user_id: FAKE_BOT_USER_ID.into(),
            bot_user_name: FAKE_BOT_USER_NAME.into(),
            bot_scopes: "commands,chat:write,im:write,users:read".into(),
            members: Vec::new(),
            strictness: Strictness::Trusting,
        }))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.0.base_url().to_string()
    }

    /// A `response_url` served by the fake: posts to it are recorded as `response_url:<name>`
    /// and answered `200 ok` (text/plain), as Slack does.
    pub fn response_url(&self, name: &str) -> String {
        self.hook_url(name)
    }

    /// The method name under which posts to `response_url(name)` are recorded.
    pub fn response_url_method(name: &str) -> String {
        slack_standin::hook_method(name)
    }
}
