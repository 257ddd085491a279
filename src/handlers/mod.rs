//! Where a Slack payload is decided on, whatever carried it: the HTTP routes (`crate::http`) and
//! Socket Mode (`crate::socket_mode`) are two thin adapters that parse a payload, call one of
//! these handlers and turn its [`Answer`] into their own acknowledgement.

mod cadence_import;
pub mod commands;
pub mod events;
pub mod interactions;

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
    /// [`Answer::Ephemeral`] of a message that never changes (`/followup help`), serialized once
    /// for the life of the process: the body's JSON.
    Prepared(&'static [u8]),
    /// The body was malformed or unknown: 400 with this reason.
    BadRequest(String),
    /// Something on our side failed and Slack should deliver it again (events only).
    RetryLater,
}
