//! The demo's clock: it runs at the speed of real time from a moment the demo chooses, and jumps
//! forward when the page asks for the next morning. The app, its signature check and the digest
//! scheduler all read it, so the whole server lives on demo time.

use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::clock::Clock;

/// Demo time = `base` + the real time elapsed since `set_at`.
#[derive(Debug)]
pub struct DemoClock(Mutex<(DateTime<Utc>, Instant)>);

impl DemoClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new((at, Instant::now())))
    }

    /// Moves the clock to `at`; it keeps running from there. The clock never goes backwards:
    /// a moment in the past is ignored and the current time answered.
    pub fn advance_to(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = guard.0 + elapsed(guard.1);
        let target = at.max(now);
        *guard = (target, Instant::now());
        target
    }
}

fn elapsed(since: Instant) -> Duration {
    Duration::from_std(since.elapsed()).unwrap_or_else(|_| Duration::zero())
}

impl Clock for DemoClock {
    fn now(&self) -> DateTime<Utc> {
        let guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        guard.0 + elapsed(guard.1)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Where a new demo starts: half an hour before the morning digest of `today` (in `tz`), or of
/// the next working day when `today` is a weekend, so the first "next morning" brings today's digest.
pub fn demo_start(today: NaiveDate, digest_at: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let mut date = today;
    while is_weekend(date) {
        date = date.succ_opt().unwrap_or(date);
        if date == today {
            break;
        }
    }
    local(date, digest_at - Duration::minutes(30), tz)
}

/// The next morning digest after `now`: today's at `digest_at` if it is still to come, else the
/// next day's; weekends are skipped when the rep keeps them free.
pub fn next_morning(
    now: DateTime<Utc>,
    digest_at: NaiveTime,
    tz: Tz,
    weekends_off: bool,
) -> DateTime<Utc> {
    let mut date = now.with_timezone(&tz).date_naive();
    loop {
        let at = local(date, digest_at, tz);
        if at > now && !(weekends_off && is_weekend(date)) {
            return at;
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => return now,
        }
    }
}

/// The instant of a local wall-clock time (the earlier one in a DST fold, the moment after a gap).
fn local(date: NaiveDate, time: NaiveTime, tz: Tz) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match tz.from_local_datetime(&naive).earliest() {
        Some(at) => at.with_timezone(&Utc),
        None => tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or_else(|| naive.and_utc()),
    }
}
