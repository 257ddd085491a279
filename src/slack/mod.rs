//! Slack at the edge: request signatures, wire payloads, Block Kit rendering and the Web API client.

pub mod actions;
pub mod api;
pub mod blocks;
pub mod manifest;
pub mod mrkdwn;
pub mod payload;
pub mod render;
pub mod signature;
