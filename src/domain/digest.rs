//! When a rep's morning digest is due: the rep's own digest time, in the rep's own time zone,
//! on the rep's working days. DST needs no special case: the comparison is in local time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

use super::rep::{RepSettings, TzSource};
use super::schedule::{is_weekend, local_date};

/// How long a claimed digest may stay unsent before another pass takes it over.
pub const CLAIM_LEASE_MINUTES: i64 = 10;
/// After a failed send, wait this long before trying that rep again the same day.
pub const RETRY_AFTER_MINUTES: i64 = 5;
/// A claim is given up after this many attempts in one day.
pub const MAX_ATTEMPTS: i64 = 5;
/// Slack's profile time zone is read again after this many days (a rep may travel or move).
pub const TZ_REFRESH_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// The rep's digest time has not come yet today.
    NotYet,
    /// A weekend, and the rep keeps weekends free.
    Weekend,
    /// The rep is away.
    Away,
    /// Send the digest for this local date (if nothing was sent for it yet).
    Due(NaiveDate),
}

/// Whether the rep's digest is due at `now`.
pub fn timing(settings: &RepSettings, default_time: NaiveTime, now: DateTime<Utc>) -> Timing {
    let tz = settings.zone();
    let local = now.with_timezone(&tz);
    let today = local_date(now, tz);
    if settings.weekends_off && is_weekend(today) {
        return Timing::Weekend;
    }
    if settings
        .away
        .is_some_and(|(from, to)| from <= today && today <= to)
    {
        return Timing::Away;
    }
    if local.time() < settings.digest_time.unwrap_or(default_time) {
        return Timing::NotYet;
    }
    Timing::Due(today)
}

/// When a pass next needs to look at a rep it just looked at: at today's digest time if that has
/// not come yet, else at tomorrow's (local), whatever was decided today (sent, nothing due, a
/// weekend, a holiday, away). A change of settings clears it, so a new time takes effect.
pub fn look_again_at(
    settings: &RepSettings,
    default_time: NaiveTime,
    now: DateTime<Utc>,
    timing: Timing,
) -> DateTime<Utc> {
    let tz = settings.zone();
    let today = local_date(now, tz);
    let time = settings.digest_time.unwrap_or(default_time);
    let day = if timing == Timing::NotYet {
        today
    } else {
        today + Duration::days(1)
    };
    super::schedule::local_instant(day, time, tz)
}

/// Whether Slack should be asked for the rep's time zone: never when the rep chose one.
pub fn needs_tz_refresh(settings: &RepSettings, now: DateTime<Utc>) -> bool {
    settings.tz_source != TzSource::Rep
        && settings
            .tz_checked_at
            .is_none_or(|at| now - at > Duration::days(TZ_REFRESH_DAYS))
}

/// The latest local date any zone can have at `now`: candidates are found up to it.
pub fn latest_local_date(now: DateTime<Utc>) -> NaiveDate {
    (now + Duration::hours(14)).date_naive()
}

/// When some time zone is on a Monday at `now`: an instant before the start of last week in
/// every such zone, so reps with anything done since then are found for Monday's numbers.
pub fn weekly_numbers_since(now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    // Local dates run from UTC-12 to UTC+14; last Monday 00:00 local lies within 8 days before
    // now (one more for a DST change), whatever the zone.
    let earliest = (now - Duration::hours(12)).date_naive();
    let latest = latest_local_date(now);
    earliest
        .iter_days()
        .take_while(|d| *d <= latest)
        .any(|d| d.weekday() == Weekday::Mon)
        .then(|| now - Duration::days(9))
}
