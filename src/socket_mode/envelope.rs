//! One Socket Mode message as Slack sends it, and the acknowledgement an envelope earns.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::handlers::{commands, events, interactions, Answer};
use crate::slack::payload::{EventEnvelope, Interaction, SlashCommand};

#[derive(Debug, Deserialize)]
pub(super) struct Envelope {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub envelope_id: Option<String>,
    #[serde(default)]
    pub payload: Value,
    #[serde(default)]
    pub retry_attempt: Option<u32>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub num_connections: Option<u32>,
}

impl Envelope {
    /// Whether this message carries something for the handlers (and wants an acknowledgement).
    pub fn is_delivery(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "slash_commands" | "interactive" | "events_api"
        )
    }
}

/// The acknowledgement of one envelope, carrying the answer when there is one; `None` when the
/// handler asked for the envelope again (`Answer::RetryLater`), so Slack delivers it again.
pub(super) async fn handle(state: &AppState, envelope: Envelope) -> Option<Value> {
    let answer = match envelope.kind.as_str() {
        "slash_commands" => match serde_json::from_value::<SlashCommand>(envelope.payload) {
            Ok(form) => commands::answer(state, form).await,
            Err(e) => Answer::BadRequest(format!("not a slash command: {e}")),
        },
        "interactive" => match serde_json::from_value::<Interaction>(envelope.payload) {
            Ok(interaction) => interactions::answer(state, interaction).await,
            Err(e) => Answer::BadRequest(format!("not an interaction: {e}")),
        },
        _ => match serde_json::from_value::<EventEnvelope>(envelope.payload) {
            Ok(event) => {
                events::answer(state, event, envelope.retry_attempt.unwrap_or(0) > 0).await
            }
            Err(e) => Answer::BadRequest(format!("not an Events API body: {e}")),
        },
    };
    let envelope_id = envelope.envelope_id?;
    match answer {
        Answer::Json(payload) => Some(json!({"envelope_id": envelope_id, "payload": payload})),
        Answer::Ephemeral(message) => {
            Some(json!({"envelope_id": envelope_id, "payload": message.ephemeral_body()}))
        }
        Answer::Prepared(body) => {
            let payload: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            Some(json!({"envelope_id": envelope_id, "payload": payload}))
        }
        Answer::Empty => Some(json!({"envelope_id": envelope_id})),
        Answer::BadRequest(reason) => {
            // Acknowledged all the same: a redelivery would be refused again.
            tracing::warn!(%reason, %envelope_id, "Socket Mode envelope refused");
            Some(json!({"envelope_id": envelope_id}))
        }
        Answer::RetryLater => {
            tracing::warn!(
                %envelope_id,
                "Socket Mode envelope left unacknowledged so that Slack delivers it again"
            );
            None
        }
    }
}
