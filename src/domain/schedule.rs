//! Dates: from an enrolment to dated touches, and how snoozes and pauses move them.
//!
//! Touches are due on the rep's *local dates*, so a schedule never shifts across a DST change:
//! only "what is today" depends on the instant and the time zone.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::cadence::Cadence;
use super::prospect::Pace;

/// The rep's local calendar date at an instant.
pub fn local_date(now: DateTime<Utc>, tz: Tz) -> NaiveDate {
    tz.from_utc_datetime(&now.naive_utc()).date_naive()
}

/// How a pace stretches the gaps between touches.
pub fn pace_factor(pace: Pace) -> f64 {
    match pace {
        Pace::Fast => 0.7,
        Pace::Normal => 1.0,
        Pace::Slow => 1.5,
    }
}

/// One gap scaled by pace; a real gap never shrinks to nothing.
pub fn scale_gap(gap: u32, pace: Pace) -> u32 {
    if gap == 0 {
        return 0;
    }
    ((f64::from(gap) * pace_factor(pace)).round() as u32).max(1)
}

/// The day offsets of every step, with each gap scaled by pace but never below the cadence's
/// floor (`Cadence::min_gap`). The first step's wait after enrolment is not a gap between touches.
pub fn scaled_offsets(cadence: &Cadence, pace: Pace) -> Vec<u32> {
    let mut previous_day = 0;
    let mut offset = 0;
    cadence
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let gap = scale_gap(step.day - previous_day, pace);
            // A step the file allows close to the one before keeps its own gap.
            offset += if i == 0 || step.allow_close {
                gap
            } else {
                gap.max(cadence.min_gap)
            };
            previous_day = step.day;
            offset
        })
        .collect()
}

/// `days by pace — fast: 0, 2, 4 … · normal: … · slow: …`, as the cadence tables print it.
pub fn days_by_pace(cadence: &Cadence) -> String {
    let days = |pace| {
        scaled_offsets(cadence, pace)
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "days by pace — fast: {} · normal: {} · slow: {} (never two touches on the same or consecutive working days; at least {} days apart)",
        days(Pace::Fast),
        days(Pace::Normal),
        days(Pace::Slow),
        cadence.min_gap
    )
}

pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The date itself, or the Monday after when it falls on a weekend the rep keeps free.
pub fn working_day(date: NaiveDate, weekends_off: bool) -> NaiveDate {
    Calendar::weekends(weekends_off).working_day(date)
}

/// The days a rep does not work: weekends (when kept free), the team's holidays, and an absence.
/// No touch is ever dated on one of them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Calendar {
    pub weekends_off: bool,
    /// The team's non-working days, sorted.
    pub holidays: Vec<NaiveDate>,
    /// Away from the first date to the second, both included.
    pub away: Option<(NaiveDate, NaiveDate)>,
}

impl Calendar {
    /// Only weekends (or nothing) off.
    pub fn weekends(weekends_off: bool) -> Self {
        Self {
            weekends_off,
            ..Self::default()
        }
    }

    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.binary_search(&date).is_ok()
    }

    pub fn is_away(&self, date: NaiveDate) -> bool {
        self.away
            .is_some_and(|(from, to)| from <= date && date <= to)
    }

    /// Whether no touch may be dated on `date`.
    pub fn is_off(&self, date: NaiveDate) -> bool {
        (self.weekends_off && is_weekend(date)) || self.is_holiday(date) || self.is_away(date)
    }

    /// The earliest day a prospect's next touch may fall after one on `previous`: not the same
    /// day, and not the working day right after it (Friday, then Monday, is two days running).
    pub fn after_rest(&self, previous: NaiveDate) -> NaiveDate {
        self.working_day(self.working_day(previous + Duration::days(1)) + Duration::days(1))
    }

    /// The date itself, or the first day after it that is not off.
    pub fn working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        // Bounded: an absence ends, holidays are finite, and five weekdays follow any weekend.
        while self.is_off(day) {
            day = match self.away {
                Some((from, to)) if from <= day && day <= to => to + Duration::days(1),
                _ => day + Duration::days(1),
            };
        }
        day
    }
}

/// A touch planned at enrolment: the step and its local due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedTouch {
    pub step_index: usize,
    pub due_on: NaiveDate,
}

/// Every touch of a cadence started on `start`: never before `start`, strictly increasing,
/// and on a weekday when weekends are off.
pub fn plan(
    cadence: &Cadence,
    start: NaiveDate,
    pace: Pace,
    weekends_off: bool,
) -> Vec<PlannedTouch> {
    plan_in(cadence, start, pace, &Calendar::weekends(weekends_off))
}

/// [`plan`] on a rep's calendar: no touch on a day off (weekend, holiday, absence).
pub fn plan_in(
    cadence: &Cadence,
    start: NaiveDate,
    pace: Pace,
    calendar: &Calendar,
) -> Vec<PlannedTouch> {
    let wanted: Vec<NaiveDate> = scaled_offsets(cadence, pace)
        .into_iter()
        .map(|offset| start + Duration::days(i64::from(offset)))
        .collect();
    reflow_spaced(&wanted, None, calendar, cadence.min_gap)
        .into_iter()
        .enumerate()
        .map(|(step_index, due_on)| PlannedTouch { step_index, due_on })
        .collect()
}

/// Makes wanted dates usable: each on a working day, and at rest after the one before (and
/// after a touch made on `after`, when given): never the same day, never the next working day.
pub fn reflow(
    wanted: &[NaiveDate],
    after: Option<NaiveDate>,
    weekends_off: bool,
) -> Vec<NaiveDate> {
    reflow_in(wanted, after, &Calendar::weekends(weekends_off))
}

/// [`reflow`] on a rep's calendar.
pub fn reflow_in(
    wanted: &[NaiveDate],
    after: Option<NaiveDate>,
    calendar: &Calendar,
) -> Vec<NaiveDate> {
    reflow_spaced(wanted, after, calendar, super::cadence::MIN_GAP_DAYS)
}

/// [`reflow_in`], keeping touches at least `min_gap` days apart (a cadence's floor).
pub fn reflow_spaced(
    wanted: &[NaiveDate],
    after: Option<NaiveDate>,
    calendar: &Calendar,
    min_gap: u32,
) -> Vec<NaiveDate> {
    let mut previous = after;
    wanted
        .iter()
        .map(|&date| {
            let earliest = match previous {
                Some(p) => date
                    .max(calendar.after_rest(p))
                    .max(p + Duration::days(i64::from(min_gap))),
                None => date,
            };
            let due = calendar.working_day(earliest);
            previous = Some(due);
            due
        })
        .collect()
}

/// How far a snooze moves a touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeFor {
    Days(u32),
    Until(NaiveDate),
}

/// The day a snoozed touch lands on, counted from today (not from the old due date), on a working day.
pub fn snooze_target(today: NaiveDate, by: SnoozeFor, weekends_off: bool) -> NaiveDate {
    snooze_target_in(today, by, &Calendar::weekends(weekends_off))
}

/// [`snooze_target`] on a rep's calendar: never inside an absence or on a holiday.
pub fn snooze_target_in(today: NaiveDate, by: SnoozeFor, calendar: &Calendar) -> NaiveDate {
    let date = match by {
        SnoozeFor::Days(days) => today + Duration::days(i64::from(days)),
        SnoozeFor::Until(date) => date,
    };
    calendar.working_day(date)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The instant at which a local date and time happen in a zone, resolving DST gaps forward
/// and folds to the earlier instant.
pub fn local_instant(date: NaiveDate, time: chrono::NaiveTime, tz: Tz) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(earlier, _) => earlier.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // In a spring-forward gap: the same wall time an hour later exists.
            let later = naive + Duration::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&naive))
        }
    }
}
