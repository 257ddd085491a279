//! followup: a Slack bot that holds each sales rep's follow-up cadence and tells them every
//! morning exactly who to contact today and how.

pub mod app;
pub mod bench_data;
pub mod cli;
mod cli_cadences;
pub mod clock;
pub mod command;
pub mod config;
pub mod csv_io;
pub mod demo;
pub mod digest;
pub mod domain;
pub mod handlers;
pub mod http;
pub mod oauth;
pub mod retention;
pub mod scheduler;
pub mod service;
pub mod settings_cache;
pub mod slack;
pub mod socket_mode;
pub mod store;
pub mod telemetry;
