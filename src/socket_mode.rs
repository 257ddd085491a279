//! Socket Mode: with `SLACK_APP_TOKEN` the bot connects out to Slack over a WebSocket and needs no
//! public URL. Every envelope goes to the same `answer` functions as the HTTP routes, and the
//! answer rides back in the acknowledgement.
//!
//! Written on tokio-tungstenite rather than slack-morphism's listener because the listener hands
//! over typed events (its command event keeps only a few fields, and its strict enums have failed
//! on new payload kinds); here the raw payloads take exactly the path HTTP payloads take.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::app::AppState;
use crate::http::{commands, events, interactions, Answer};
use crate::slack::payload::{EventEnvelope, Interaction, SlashCommand};

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    envelope_id: Option<String>,
    #[serde(default)]
    payload: Value,
    #[serde(default)]
    retry_attempt: Option<u32>,
    #[serde(default)]
    reason: Option<String>,
}

enum Ended {
    Stopped,
    Reconnect,
}

/// Keeps a Socket Mode connection open until `stop` turns true, reconnecting when Slack asks or
/// the connection drops (with backoff up to 30 s).
pub async fn run(state: AppState, app_token: String, mut stop: watch::Receiver<bool>) {
    let mut backoff = Duration::from_secs(1);
    loop {
        if *stop.borrow() {
            return;
        }
        match connect_once(&state, &app_token, &mut stop).await {
            Ok(Ended::Stopped) => return,
            Ok(Ended::Reconnect) => backoff = Duration::from_secs(1),
            Err(e) => {
                tracing::warn!(error = %e, wait_s = backoff.as_secs(), "Socket Mode connection failed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => return,
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
}

async fn connect_once(
    state: &AppState,
    app_token: &str,
    stop: &mut watch::Receiver<bool>,
) -> anyhow::Result<Ended> {
    let url = state.slack.open_socket(app_token).await?;
    let (socket, _) = tokio_tungstenite::connect_async(url.as_str()).await?;
    let (mut sink, mut stream) = socket.split();
    let (acks, mut outgoing) = mpsc::channel::<Value>(64);
    loop {
        tokio::select! {
            _ = stop.changed() => {
                let _ = sink.send(WsMessage::Close(None)).await;
                return Ok(Ended::Stopped);
            }
            Some(ack) = outgoing.recv() => sink.send(WsMessage::Text(ack.to_string().into())).await?,
            incoming = stream.next() => match incoming {
                None | Some(Ok(WsMessage::Close(_))) => return Ok(Ended::Reconnect),
                Some(Err(e)) => return Err(e.into()),
                Some(Ok(WsMessage::Ping(data))) => sink.send(WsMessage::Pong(data)).await?,
                Some(Ok(WsMessage::Text(text))) => {
                    let envelope: Envelope = match serde_json::from_str(text.as_str()) {
                        Ok(envelope) => envelope,
                        Err(e) => {
                            tracing::warn!(error = %e, "Socket Mode message not understood");
                            continue;
                        }
                    };
                    match envelope.kind.as_str() {
                        "hello" => tracing::info!("connected to Slack over Socket Mode"),
                        "disconnect" => {
                            tracing::info!(reason = envelope.reason.as_deref().unwrap_or("none"), "Slack asked to reconnect");
                            return Ok(Ended::Reconnect);
                        }
                        "slash_commands" | "interactive" | "events_api" => {
                            let state = state.clone();
                            let acks = acks.clone();
                            tokio::spawn(async move {
                                let ack = handle(&state, envelope).await;
                                let _ = acks.send(ack).await;
                            });
                        }
                        other => tracing::debug!(kind = other, "Socket Mode message ignored"),
                    }
                }
                Some(Ok(_)) => {}
            }
        }
    }
}

/// The acknowledgement of one envelope, carrying the answer when there is one.
async fn handle(state: &AppState, envelope: Envelope) -> Value {
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
    if let Answer::BadRequest(reason) = &answer {
        tracing::warn!(%reason, "Socket Mode envelope refused");
    }
    match answer {
        Answer::Json(payload) => json!({"envelope_id": envelope.envelope_id, "payload": payload}),
        _ => json!({"envelope_id": envelope.envelope_id}),
    }
}
