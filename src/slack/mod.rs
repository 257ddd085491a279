//! Slack at the edge: request signatures, wire payloads, Block Kit rendering and the Web API client.

pub mod actions;
pub mod api;
pub mod blocks;
pub mod cadence_list;
pub mod cadence_modal;
pub mod edit_modal;
pub mod entry;
pub mod log_modal;
pub mod manifest;
pub mod modal;
pub mod mrkdwn;
pub mod payload;
pub mod recap;
pub mod recap_modal;
pub mod render;
pub mod resources_render;
pub mod signature;
pub mod stats_render;
