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

async fn events(State(state): State<AppState>, signed: SignedBody) -> Response {
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
            let bot_tokens_revoked = kind == "tokens_revoked"
                && event["tokens"]["bot"]
                    .as_array()
                    .is_some_and(|b| !b.is_empty());
            if kind == "app_uninstalled" || bot_tokens_revoked {
                // Deleting is idempotent, so a redelivery does no harm.
                match state.service.store.delete_workspace(&team_id).await {
                    Ok(deleted) => {
                        state.slack.tokens().forget(&team_id);
                        tracing::info!(%team_id, kind, deleted, "workspace tokens removed");
                    }
                    Err(e) => {
                        // A failure answers 500 on purpose: Slack retries the delivery.
                        tracing::error!(error = ?e, %team_id, "removing workspace tokens failed");
                        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                    }
                }
            } else if signed.retry.is_some() {
                tracing::debug!(%team_id, kind, "event redelivered; already handled");
            } else {
                tracing::debug!(%team_id, kind, "event received");
            }
            StatusCode::OK.into_response()
        }
        EventEnvelope::AppRateLimited {} => StatusCode::OK.into_response(),
    }
}
