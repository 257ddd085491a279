//! One Socket Mode connection: opened with `apps.connections.open`, kept alive with pings, and
//! taken as dead after a silence. Envelopes go to their handlers, whose acknowledgements go to the
//! runner's queue, not to this connection: the runner decides which connection carries them.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use super::envelope::{handle, Envelope};
use super::SocketOptions;
use crate::app::AppState;

/// What a connection tells the runner.
pub(super) enum Event {
    /// Slack greeted the connection: it can carry acknowledgements.
    Hello { link: u64 },
    /// Slack announced it will close the connection soon, with its reason.
    Disconnect { link: u64, reason: String },
    /// The connection is over; `unsent` holds acknowledgements it was given but never wrote.
    Ended {
        link: u64,
        end: End,
        unsent: Vec<Value>,
    },
}

/// Why a connection ended.
pub(super) enum End {
    /// The runner let it go (a newer connection took over, or the app is stopping).
    ClosedByUs,
    /// Slack sent a Close frame.
    ClosedBySlack(Option<CloseFrame>),
    /// The stream ended without a Close frame.
    Dropped,
    /// No frame of any kind arrived for this long.
    Silent(Duration),
    /// Opening, connecting, reading or writing failed.
    Failed(anyhow::Error),
}

/// The runner's end of a connection: acknowledgements sent here are written to it; dropping it
/// closes the connection.
pub(super) struct Link {
    pub id: u64,
    pub outgoing: mpsc::UnboundedSender<Value>,
}

/// What every connection shares with the runner.
#[derive(Clone)]
pub(super) struct Shared {
    pub state: AppState,
    pub app_token: secrecy::SecretString,
    pub options: SocketOptions,
    pub events: mpsc::UnboundedSender<Event>,
    /// The runner's acknowledgement queue.
    pub acks: mpsc::UnboundedSender<Value>,
}

/// Opens connection `id` in its own task.
pub(super) fn open(id: u64, shared: Shared) -> Link {
    let (outgoing, mut queued) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut unsent = Vec::new();
        let end = drive(id, &shared, &mut queued, &mut unsent).await;
        queued.close();
        while let Ok(ack) = queued.try_recv() {
            unsent.push(ack);
        }
        let _ = shared.events.send(Event::Ended {
            link: id,
            end,
            unsent,
        });
    });
    Link { id, outgoing }
}

async fn drive(
    id: u64,
    shared: &Shared,
    queued: &mut mpsc::UnboundedReceiver<Value>,
    unsent: &mut Vec<Value>,
) -> End {
    let options = &shared.options;
    // Until Slack greets this connection the runner sends it nothing but its own end (the
    // channel closing), which cancels the attempt.
    let url = tokio::select! {
        url = shared.state.slack.open_socket(&shared.app_token) => match url {
            Ok(url) => url,
            Err(e) => return failed(e, "apps.connections.open failed"),
        },
        ack = queued.recv() => {
            unsent.extend(ack);
            return End::ClosedByUs;
        }
    };
    let connecting = tokio::time::timeout(
        options.silence_limit,
        tokio_tungstenite::connect_async(url.as_str()),
    );
    let socket = tokio::select! {
        connected = connecting => match connected {
            Ok(Ok((socket, _))) => socket,
            Ok(Err(e)) => return failed(e, "the WebSocket connection failed"),
            Err(_) => return End::Failed(anyhow::anyhow!(
                "no WebSocket handshake within {} ms", options.silence_limit.as_millis()
            )),
        },
        ack = queued.recv() => {
            unsent.extend(ack);
            return End::ClosedByUs;
        }
    };
    let (mut sink, mut stream) = socket.split();
    let mut ping =
        tokio::time::interval_at(Instant::now() + options.ping_every, options.ping_every);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            ack = queued.recv() => match ack {
                Some(ack) => {
                    if let Err(e) = sink.send(WsMessage::Text(ack.to_string().into())).await {
                        unsent.push(ack);
                        return failed(e, "writing an acknowledgement failed");
                    }
                }
                None => {
                    let goodbye = sink.send(WsMessage::Close(None));
                    let _ = tokio::time::timeout(Duration::from_secs(1), goodbye).await;
                    return End::ClosedByUs;
                }
            },
            _ = ping.tick() => {
                if let Err(e) = sink.send(WsMessage::Ping(Default::default())).await {
                    return failed(e, "sending a ping failed");
                }
            }
            _ = tokio::time::sleep_until(heard + options.silence_limit) => {
                return End::Silent(options.silence_limit);
            }
            incoming = stream.next() => {
                heard = Instant::now();
                match incoming {
                    None => return End::Dropped,
                    Some(Err(e)) => return failed(e, "reading from the WebSocket failed"),
                    Some(Ok(WsMessage::Close(frame))) => return End::ClosedBySlack(frame),
                    Some(Ok(WsMessage::Ping(data))) => {
                        if let Err(e) = sink.send(WsMessage::Pong(data)).await {
                            return failed(e, "answering a ping failed");
                        }
                    }
                    Some(Ok(WsMessage::Text(text))) => receive(id, shared, text.as_str()),
                    // Pongs only matter as proof of life; Slack sends no binary frames.
                    Some(Ok(_)) => {}
                }
            }
        }
    }
}

fn failed<E>(error: E, what: &'static str) -> End
where
    E: std::error::Error + Send + Sync + 'static,
{
    End::Failed(anyhow::Error::new(error).context(what))
}

/// Hands a text message to the runner (hello, disconnect) or to the handlers (envelopes).
fn receive(id: u64, shared: &Shared, text: &str) {
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(e) => {
            tracing::warn!(error = %e, "Socket Mode message not understood");
            return;
        }
    };
    match envelope.kind.as_str() {
        "hello" => {
            tracing::info!(
                connections = envelope.num_connections,
                "connected to Slack over Socket Mode"
            );
            let _ = shared.events.send(Event::Hello { link: id });
        }
        "disconnect" => {
            let reason = envelope.reason.unwrap_or_else(|| "none".to_string());
            let _ = shared.events.send(Event::Disconnect { link: id, reason });
        }
        _ if envelope.is_delivery() => {
            let state = shared.state.clone();
            let acks = shared.acks.clone();
            tokio::spawn(async move {
                if let Some(ack) = handle(&state, envelope).await {
                    let _ = acks.send(ack);
                }
            });
        }
        other => tracing::debug!(kind = other, "Socket Mode message ignored"),
    }
}

/// A Close frame's code and reason, for the log.
pub(super) fn describe(frame: &Option<CloseFrame>) -> (u16, String) {
    match frame {
        Some(frame) => (u16::from(frame.code), frame.reason.to_string()),
        None => (1005, String::new()),
    }
}
