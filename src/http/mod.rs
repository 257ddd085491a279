//! HTTP routes only: each module has a `router()`, merged here.

mod cadence_import;
pub mod commands;
pub mod events;
mod health;
mod install;
pub mod interactions;
pub mod verify;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::trace::TraceLayer;

use crate::app::AppState;

/// What a handler answers Slack, whatever the transport: HTTP turns it into a response, Socket
/// Mode into the envelope's acknowledgement.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Acknowledge with nothing to show.
    Empty,
    /// Acknowledge with this body (a modal's errors, a challenge).
    Json(serde_json::Value),
    /// Acknowledge with this message as an ephemeral reply (a command's answer), written
    /// straight from its blocks.
    Ephemeral(crate::slack::blocks::Message),
    /// The body was malformed or unknown: 400 with this reason.
    BadRequest(String),
    /// Something on our side failed and Slack should deliver it again (events only).
    RetryLater,
}

impl axum::response::IntoResponse for Answer {
    fn into_response(self) -> axum::response::Response {
        use axum::http::StatusCode;
        match self {
            Answer::Empty => StatusCode::OK.into_response(),
            Answer::Json(body) => axum::Json(body).into_response(),
            Answer::Ephemeral(message) => axum::Json(message.ephemeral_body()).into_response(),
            Answer::BadRequest(reason) => (StatusCode::BAD_REQUEST, reason).into_response(),
            Answer::RetryLater => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// Slash commands and events are a few kilobytes; anything this large is not from Slack.
pub const MAX_SLACK_BODY: usize = 64 * 1024;
/// A click carries the whole message it came from back to us: a full digest (50 blocks, each
/// entry with its message and a `mailto:` holding it again) runs past 64 KiB.
pub const MAX_INTERACTION_BODY: usize = 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let slack = Router::new()
        .merge(commands::router().layer(DefaultBodyLimit::max(MAX_SLACK_BODY)))
        .merge(interactions::router().layer(DefaultBodyLimit::max(MAX_INTERACTION_BODY)))
        .merge(events::router().layer(DefaultBodyLimit::max(MAX_SLACK_BODY)));
    Router::new()
        .merge(slack)
        .merge(health::router())
        .merge(install::router())
        .route("/metrics", axum::routing::get(crate::telemetry::render))
        .route_layer(axum::middleware::from_fn(crate::telemetry::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
