//! followup: a Slack bot that holds each sales rep's follow-up cadence and tells them every
//! morning exactly who to contact today and how.

pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod store;
