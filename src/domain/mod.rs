//! The sales follow-up practice as pure code: cadences, schedules, prospects, what is due, metrics.
//!
//! Nothing here does I/O or reads the clock: `now`, `today` and the rep's time zone are arguments.

pub mod away;
pub mod cadence;
pub mod cadence_change;
pub mod cadence_file;
pub mod dates;
pub mod digest;
pub mod due;
pub mod edit;
pub mod error;
pub mod items;
pub mod lifecycle;
pub mod lint;
mod messages;
pub mod metrics;
pub mod prospect;
pub mod rep;
pub mod reply_rates;
pub mod resources;
pub mod schedule;
pub mod team_cadences;
pub mod template;
#[cfg(test)]
mod tests;

pub use cadence::{Cadence, CadenceId, Channel, Step};
pub use error::DomainError;
pub use lifecycle::{decide, Action, Change, Context, Outcome, ProspectState};
pub use prospect::{
    Email, LeadTemp, Money, NewProspect, Pace, Phone, Prospect, ProspectId, ProspectName,
    ProspectStatus, RepRef, Stage, Touch, TouchId, TouchOutcome, TouchStatus,
};
pub use rep::{RepSettings, TzSource};
