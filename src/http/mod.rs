//! The HTTP transport: routes only, each module with a `router()`, merged here. What a Slack
//! payload means is decided in [`crate::handlers`]; this module carries it there and back.

mod health;
mod install;
mod slack;
pub mod verify;

use axum::Router;
use tower_http::trace::TraceLayer;

use crate::app::AppState;

pub use verify::{MAX_INTERACTION_BODY, MAX_SLACK_BODY};

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(slack::router(state.clone()))
        .merge(health::router())
        .merge(install::router())
        .route("/metrics", axum::routing::get(crate::telemetry::render))
        .route_layer(axum::middleware::from_fn(crate::telemetry::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
