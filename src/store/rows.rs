//! Turning stored text back into domain values; a value no version of the code wrote is corrupt.

use crate::domain::rep::TzSource;
use crate::domain::{Channel, LeadTemp, Pace, ProspectStatus, Stage, TouchStatus};

use super::StoreError;

fn corrupt(what: &str, raw: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} `{raw}`"))
}

pub fn stage(raw: &str) -> Result<Stage, StoreError> {
    Stage::parse(raw).map_err(|_| corrupt("stage", raw))
}
pub fn status(raw: &str) -> Result<ProspectStatus, StoreError> {
    ProspectStatus::parse(raw).map_err(|_| corrupt("prospect status", raw))
}
pub fn touch_status(raw: &str) -> Result<TouchStatus, StoreError> {
    TouchStatus::parse(raw).map_err(|_| corrupt("touch status", raw))
}
pub fn pace(raw: &str) -> Result<Pace, StoreError> {
    Pace::parse(raw).map_err(|_| corrupt("pace", raw))
}
pub fn lead(raw: Option<String>) -> Result<Option<LeadTemp>, StoreError> {
    raw.map(|r| LeadTemp::parse(&r).map_err(|_| corrupt("lead", &r)))
        .transpose()
}
pub fn channel(raw: Option<String>) -> Result<Option<Channel>, StoreError> {
    raw.map(|r| Channel::parse(&r).map_err(|_| corrupt("channel", &r)))
        .transpose()
}
pub fn outcome(raw: Option<String>) -> Result<Option<crate::domain::TouchOutcome>, StoreError> {
    raw.map(|r| crate::domain::TouchOutcome::parse(&r).map_err(|_| corrupt("outcome", &r)))
        .transpose()
}
pub fn tz(raw: Option<String>) -> Result<Option<chrono_tz::Tz>, StoreError> {
    raw.map(|r| r.parse().map_err(|_| corrupt("time zone", &r)))
        .transpose()
}
pub fn tz_source(raw: &str) -> TzSource {
    TzSource::parse(raw)
}
pub fn time_of_day(raw: Option<String>) -> Result<Option<chrono::NaiveTime>, StoreError> {
    raw.map(|r| {
        chrono::NaiveTime::parse_from_str(&r, "%H:%M").map_err(|_| corrupt("digest time", &r))
    })
    .transpose()
}

/// The text a name is searched by: Unicode-aware lower case (SQLite's `lower()` is ASCII-only).
pub fn fold(name: &str) -> String {
    name.to_lowercase()
}

/// `needle` as a `LIKE` pattern matching any text containing it, with `\` escaping.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::from("%");
    for c in fold(needle.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub const PROSPECT_COLUMNS: &str = "p.id, p.team_id, p.user_id, p.name, p.email, p.phone, p.phone_e164, p.linkedin, \
    p.company, p.stage, p.value_cents, p.lead, p.pace, p.notes, p.status, p.cadence_id, p.enrolment_id, \
    p.enrolled_at, p.touches_done, p.first_touch_at, p.last_contact_at, p.last_channel, \
    p.replied_after_touch, p.replied_at, p.paused_on, p.closed_at, p.close_reason, p.created_at, p.version, \
    p.prefers, p.last_note, p.cadence_version";

pub const TOUCH_COLUMNS: &str = "t.id AS t_id, t.prospect_id AS t_prospect_id, \
    t.enrolment_id AS t_enrolment_id, t.cadence_id AS t_cadence_id, t.step_index AS t_step_index, \
    t.step_count AS t_step_count, t.due_on AS t_due_on, t.original_due_on AS t_original_due_on, \
    t.status AS t_status, t.snoozes AS t_snoozes, t.done_at AS t_done_at, t.channel AS t_channel, \
    t.note AS t_note, t.outcome AS t_outcome, t.cadence_version AS t_cadence_version, \
    t.variant AS t_variant";
