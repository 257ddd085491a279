//! The integration tests: one binary, one module per area. Each drives followup from the outside
//! (the real router over HTTP with signed requests, the real binary, a real SQLite file and a real
//! Postgres, a fake Slack on loopback); the pure domain rules are unit tests inside `src/`.
//! `common` is the shared support: fresh databases, the test app, signed Slack requests and the
//! fake Slack.

#[macro_use]
mod common;

mod add_typing;
mod agenda_and_away;
mod away;
mod bench_data;
mod bench_digest;
mod cli_cadences;
mod csv;
mod demo;
mod demo_e2e;
mod digest;
mod digest_plans;
mod faults;
mod first_week;
mod fuzz_props;
mod grid;
mod group_commit;
mod injection;
mod load;
mod manifest;
mod migrations;
mod oauth;
mod operations;
mod query_plans;
mod readme_examples;
mod rep_week;
mod resources;
mod slack_api;
mod slack_support;
mod slack_surface;
mod socket_mode;
mod store_suite;
mod team;
mod team_cadences;
mod workspaces;
