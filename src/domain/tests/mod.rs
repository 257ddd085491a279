//! The domain's rules, tested without a database or a network: cadences and their dates, the
//! lifecycle's decisions, suggested messages, team cadence files, and schedule properties.

mod cadence_dates;
mod cadence_files;
mod messages;
mod rules;
mod schedule_props;
