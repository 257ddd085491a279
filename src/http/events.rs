//! `POST /slack/events`: the Events API. Answers `url_verification`; accepts `app_home_opened`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;

use crate::app::AppState;
use crate::slack::payload::EventEnvelope;

use super::verify::{bad_request, SignedBody};

pub fn router() -> Router<AppState> {
    Router::new().route(crate::slack::manifest::EVENTS_PATH, post(events))
}

async fn events(State(_state): State<AppState>, signed: SignedBody) -> Response {
    let envelope: EventEnvelope = match serde_json::from_slice(&signed.body) {
        Ok(e) => e,
        Err(e) => return bad_request(format!("not an Events API body: {e}")),
    };
    match envelope {
        EventEnvelope::UrlVerification { challenge } => {
            Json(json!({ "challenge": challenge })).into_response()
        }
        EventEnvelope::EventCallback { team_id, event } => {
            let kind = event
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("unknown");
            if signed.retry.is_some() {
                tracing::debug!(%team_id, kind, "event redelivered; already handled");
            } else {
                tracing::debug!(%team_id, kind, "event received");
            }
            StatusCode::OK.into_response()
        }
        EventEnvelope::AppRateLimited {} => StatusCode::OK.into_response(),
    }
}
