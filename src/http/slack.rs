//! `POST /slack/commands`, `/slack/interactions` and `/slack/events`: the HTTP adapter. Each route
//! parses Slack's body, hands the payload to its handler in [`crate::handlers`] and turns the
//! [`Answer`] into the response that acknowledges it. The signature layer ([`super::verify`]) sits
//! over all of them.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use crate::app::AppState;
use crate::handlers::{commands, events, interactions, Answer};
use crate::slack::manifest::{COMMANDS_PATH, EVENTS_PATH, INTERACTIONS_PATH};
use crate::slack::payload::{EventEnvelope, Interaction, SlashCommand};

use super::verify::{bad_request, signed, SignedBody};

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        use axum::http::StatusCode;
        match self {
            Answer::Empty => StatusCode::OK.into_response(),
            Answer::Json(body) => axum::Json(body).into_response(),
            Answer::Ephemeral(message) => axum::Json(message.ephemeral_body()).into_response(),
            Answer::Prepared(body) => (
                [(
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Answer::BadRequest(reason) => (StatusCode::BAD_REQUEST, reason).into_response(),
            Answer::RetryLater => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// Slack's three routes, every one behind the signature layer.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route(COMMANDS_PATH, post(slash_command))
        .route(INTERACTIONS_PATH, post(interaction))
        .route(EVENTS_PATH, post(event))
        .route_layer(axum::middleware::from_fn_with_state(state, signed))
}

async fn slash_command(State(state): State<AppState>, signed: SignedBody) -> Response {
    match serde_urlencoded::from_bytes::<SlashCommand>(&signed.body) {
        Ok(form) => commands::answer(&state, form).await.into_response(),
        Err(e) => bad_request(format!("not a slash command: {e}")),
    }
}

async fn interaction(State(state): State<AppState>, signed: SignedBody) -> Response {
    let form: HashMap<String, String> = match serde_urlencoded::from_bytes(&signed.body) {
        Ok(form) => form,
        Err(e) => return bad_request(format!("not a form body: {e}")),
    };
    let Some(payload) = form.get("payload") else {
        return bad_request("missing the `payload` field");
    };
    match serde_json::from_str::<Interaction>(payload) {
        Ok(interaction) => interactions::answer(&state, interaction)
            .await
            .into_response(),
        Err(e) => bad_request(format!("`payload` is not an interaction: {e}")),
    }
}

async fn event(State(state): State<AppState>, signed: SignedBody) -> Response {
    match serde_json::from_slice::<EventEnvelope>(&signed.body) {
        Ok(envelope) => events::answer(&state, envelope, signed.retry.is_some())
            .await
            .into_response(),
        Err(e) => bad_request(format!("not an Events API body: {e}")),
    }
}
