//! The demo's stand-in for Slack: the `slack-standin` crate's model of a workspace, holding the
//! demo team, on demo time, accepting only the demo's made-up bot token, and served under
//! [`PREFIX`] on the demo's own port.

use std::sync::Arc;

use crate::clock::Clock;

pub use slack_standin::{
    Author, Entry, HookRefusal, LogLine, Snapshot, View, HOOK_LIFETIME, HOOK_USES, TRIGGER_LIFETIME,
};

/// Where the stand-in's `/api/<method>` and `/hooks/<id>` are served beside the page.
pub const PREFIX: &str = "/demo";

/// The demo's stand-in; dereferences to the crate's [`slack_standin::StandIn`].
#[derive(Debug, Clone)]
pub struct StandIn(Arc<slack_standin::StandIn>);

impl StandIn {
    /// A stand-in for the demo team served at `origin` (`http://127.0.0.1:<port>`), accepting
    /// `token`, stamping messages with `clock`'s time.
    pub fn new(token: impl Into<String>, origin: impl Into<String>, clock: Arc<dyn Clock>) -> Self {
        let base = format!("{}{PREFIX}", origin.into());
        let standin = slack_standin::StandIn::new(super::team::workspace(), base)
            .with_token(token)
            .with_clock(move || clock.now().timestamp());
        Self(Arc::new(standin))
    }

    /// The stand-in's routes, to nest under [`PREFIX`].
    pub fn router(&self) -> axum::Router {
        slack_standin::router(self.0.clone())
    }
}

impl std::ops::Deref for StandIn {
    type Target = slack_standin::StandIn;
    fn deref(&self) -> &slack_standin::StandIn {
        &self.0
    }
}
