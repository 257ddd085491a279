//! HTTP routes only: each module has a `router()`, merged here.

mod commands;
mod events;
mod health;
mod install;
mod interactions;
pub mod verify;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::app::AppState;

/// Slack's payloads are a few kilobytes; anything this large is not from Slack.
pub const MAX_SLACK_BODY: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let slack = Router::new()
        .merge(commands::router())
        .merge(interactions::router())
        .merge(events::router())
        .layer(DefaultBodyLimit::max(MAX_SLACK_BODY));
    Router::new()
        .merge(slack)
        .merge(health::router())
        .merge(install::router())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
