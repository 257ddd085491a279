//! Mistakes a user can make, each named so the reply can tell the rep what to fix.

use thiserror::Error;

/// A rule of the domain that a request broke. The text is shown to the rep as it is.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("a prospect needs a name")]
    EmptyName,
    #[error("that name is too long ({0} characters; 200 at most)")]
    NameTooLong(usize),
    #[error("`{0}` is not an email address")]
    BadEmail(String),
    #[error("`{0}` is not a phone number")]
    BadPhone(String),
    #[error("`{0}` is not a LinkedIn profile address")]
    BadLinkedIn(String),
    #[error("`{0}` is too long ({1} characters; {2} at most)")]
    TooLong(&'static str, usize, usize),
    #[error("there is no cadence called `{0}`; the cadences are {known}", known = crate::domain::cadence::CadenceId::known_list())]
    UnknownCadence(String),
    #[error("there is no cadence called `{typed}`; the cadences are {known} (`/followup cadences` shows them)")]
    UnknownTeamCadence { typed: String, known: String },
    #[error("`{0}` is not a date; try 2026-12-01, tomorrow, monday, 3d or 2w")]
    BadDate(String),
    #[error("{0} is too far away; pick a date within ten years of today")]
    DateTooFar(chrono::NaiveDate),
    #[error("{0} is in the past; pick today or a later date")]
    DateInPast(chrono::NaiveDate),
    #[error("`{0}` is not an amount; try 12000, 12,500 or 12.5k")]
    BadAmount(String),
    #[error("a deal value cannot be negative (`{0}`)")]
    NegativeAmount(String),
    #[error("`{0}` is not a lead temperature; use hot, warm or cold")]
    BadLead(String),
    #[error("`{0}` is not an outcome; use connected, voicemail, no-answer or sent")]
    BadOutcome(String),
    #[error("`{0}` is not a pace; use fast, normal or slow")]
    BadPace(String),
    #[error("`{0}` is not a deal stage; use {known}", known = crate::domain::prospect::Stage::known_list())]
    BadStage(String),
    #[error("`{0}` is not a channel; use {known}", known = crate::domain::cadence::Channel::known_list())]
    BadChannel(String),
    #[error(
        "`{0}` is not a time zone; use an IANA name such as Europe/Berlin or America/New_York"
    )]
    BadTimeZone(String),
    #[error("`{0}` is not a time of day; use HH:MM, for example 08:30")]
    BadTimeOfDay(String),
    #[error("{name} has no touch waiting; the cadence is {status}")]
    NoPendingTouch { name: String, status: String },
    #[error("that touch is not part of {0}'s current cadence")]
    UnknownTouch(String),
    #[error("{name} is {status}, so it cannot be {wanted}")]
    WrongStatus {
        name: String,
        status: String,
        wanted: &'static str,
    },
    #[error("snooze to a day after today ({0} is not)")]
    SnoozeNotLater(chrono::NaiveDate),
}
