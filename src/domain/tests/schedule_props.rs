//! Properties of schedules that must hold for every cadence, start date, pace and weekend setting,
//! and of local dates across the 2026 DST changes in New York and Berlin.

use crate::domain::cadence::{CadenceId, BUILT_IN};
use crate::domain::due::{self, DueTouch};
use crate::domain::prospect::{Pace, Prospect, ProspectStatus, RepRef, Stage, Touch, TouchStatus};
use crate::domain::schedule::{local_date, local_instant, plan, reflow, scaled_offsets};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;
use proptest::sample::select;

const PACES: [Pace; 3] = [Pace::Fast, Pace::Normal, Pace::Slow];

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// Any date from 2020-01-01 to 2035-12-31.
fn any_date() -> impl Strategy<Value = NaiveDate> {
    let first = ymd(2020, 1, 1);
    let span = (ymd(2035, 12, 31) - first).num_days();
    (0..=span).prop_map(move |d| first + Duration::days(d))
}

fn any_cadence() -> impl Strategy<Value = CadenceId> {
    select(BUILT_IN.iter().map(|c| c.id).collect::<Vec<_>>())
}

fn any_pace() -> impl Strategy<Value = Pace> {
    select(PACES.to_vec())
}

fn any_time() -> impl Strategy<Value = NaiveTime> {
    (0u32..24, 0u32..60).prop_map(|(h, m)| NaiveTime::from_hms_opt(h, m, 0).expect("a valid time"))
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn gaps(offsets: &[u32]) -> Vec<u32> {
    let mut previous = 0;
    offsets
        .iter()
        .map(|&o| {
            let gap = o - previous;
            previous = o;
            gap
        })
        .collect()
}

fn dates_of(
    cadence: CadenceId,
    start: NaiveDate,
    pace: Pace,
    weekends_off: bool,
) -> Vec<NaiveDate> {
    plan(cadence.cadence(), start, pace, weekends_off)
        .into_iter()
        .map(|t| t.due_on)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn planned_touches_never_come_before_the_start(
        cadence in any_cadence(),
        start in any_date(),
        pace in any_pace(),
        weekends_off in any::<bool>(),
    ) {
        let dates = dates_of(cadence, start, pace, weekends_off);
        prop_assert_eq!(dates.len(), cadence.cadence().steps.len());
        for d in &dates {
            prop_assert!(*d >= start, "{} planned {} before start {}", cadence, d, start);
        }
    }

    #[test]
    fn planned_touches_are_strictly_increasing(
        cadence in any_cadence(),
        start in any_date(),
        pace in any_pace(),
        weekends_off in any::<bool>(),
    ) {
        let dates = dates_of(cadence, start, pace, weekends_off);
        for pair in dates.windows(2) {
            prop_assert!(pair[0] < pair[1], "{} gives {:?}", cadence, dates);
        }
    }

    #[test]
    fn no_two_touches_fall_on_the_same_or_consecutive_working_days_at_any_pace(
        cadence in any_cadence(),
        start in any_date(),
        pace in any_pace(),
        weekends_off in any::<bool>(),
    ) {
        let calendar = crate::domain::schedule::Calendar::weekends(weekends_off);
        let dates = dates_of(cadence, start, pace, weekends_off);
        for pair in dates.windows(2) {
            prop_assert!(pair[1] >= calendar.after_rest(pair[0]), "{} {:?} gives {:?}", cadence, pace, dates);
            prop_assert!((pair[1] - pair[0]).num_days() >= i64::from(cadence.cadence().min_gap), "{} {:?} gives {:?}", cadence, pace, dates);
        }
        if cadence == CadenceId::Hot {
            prop_assert!(dates.windows(2).all(|p| (p[1] - p[0]).num_days() >= 7), "hot at {:?}: {:?}", pace, dates);
        }
    }

    #[test]
    fn with_weekends_off_no_touch_falls_on_a_saturday_or_sunday(
        cadence in any_cadence(),
        start in any_date(),
        pace in any_pace(),
    ) {
        for d in dates_of(cadence, start, pace, true) {
            prop_assert!(!is_weekend(d), "{} planned on {} ({})", cadence, d, d.weekday());
        }
    }

    #[test]
    fn weekends_off_moves_a_touch_later_by_at_most_four_days(
        cadence in any_cadence(),
        start in any_date(),
        pace in any_pace(),
    ) {
        let raw = dates_of(cadence, start, pace, false);
        let off = dates_of(cadence, start, pace, true);
        for (r, o) in raw.iter().zip(&off) {
            prop_assert!(o >= r, "{} moved earlier to {}", r, o);
            // A Saturday goes to Monday, and on to Tuesday when Friday had a touch (never two
            // working days running); a burst behind it follows two days on.
            prop_assert!((*o - *r).num_days() <= 4, "{} moved to {}: {:?}", r, o, off);
            if !is_weekend(*r) && (*o - *r).num_days() > 0 {
                // A weekday touch only moves when an earlier touch was pushed onto it, onto the
                // working day before it, or closer than the cadence's floor.
                let weekdays = crate::domain::schedule::Calendar::weekends(true);
                let floor = i64::from(cadence.cadence().min_gap);
                prop_assert!(off.iter().any(|d| d < o
                    && (weekdays.after_rest(*d) > *r || (*r - *d).num_days() < floor)));
            }
        }
    }

    #[test]
    fn with_weekends_worked_the_dates_are_the_scaled_offsets_from_the_start(
        cadence in any_cadence(),
        start in any_date(),
        pace in any_pace(),
    ) {
        let expected: Vec<NaiveDate> = scaled_offsets(cadence.cadence(), pace)
            .into_iter()
            .map(|o| start + Duration::days(i64::from(o)))
            .collect();
        prop_assert_eq!(dates_of(cadence, start, pace, false), expected);
    }

    #[test]
    fn each_gap_is_no_longer_fast_than_normal_and_no_longer_normal_than_slow(
        cadence in any_cadence(),
        start in any_date(),
    ) {
        let c = cadence.cadence();
        let [fast, normal, slow] = PACES.map(|p| gaps(&scaled_offsets(c, p)));
        for i in 0..normal.len() {
            prop_assert!(fast[i] <= normal[i] && normal[i] <= slow[i],
                "{} gap {}: fast {} normal {} slow {}", cadence, i, fast[i], normal[i], slow[i]);
            if normal[i] > 0 {
                prop_assert!(fast[i] >= 1, "a real gap never shrinks to nothing");
            }
        }
        // The same holds for real dates when weekends are worked.
        let [fd, nd, sd] = PACES.map(|p| dates_of(cadence, start, p, false));
        for i in 1..nd.len() {
            let f = fd[i] - fd[i - 1];
            let n = nd[i] - nd[i - 1];
            let s = sd[i] - sd[i - 1];
            prop_assert!(f <= n && n <= s);
        }
    }

    #[test]
    fn the_whole_span_is_no_longer_fast_than_normal_and_no_longer_normal_than_slow(
        cadence in any_cadence(),
        start in any_date(),
    ) {
        let span = |pace| {
            let dates = dates_of(cadence, start, pace, false);
            *dates.last().expect("a cadence has steps") - start
        };
        prop_assert!(span(Pace::Fast) <= span(Pace::Normal));
        prop_assert!(span(Pace::Normal) <= span(Pace::Slow));
        let last_normal = *cadence.cadence().steps.last().unwrap();
        prop_assert_eq!(span(Pace::Normal).num_days(), i64::from(last_normal.day));
    }

    #[test]
    fn reflowed_dates_are_strictly_increasing_and_never_before_wanted(
        wanted in prop::collection::vec(any_date(), 0..12),
        after in prop::option::of(any_date()),
        weekends_off in any::<bool>(),
    ) {
        let out = reflow(&wanted, after, weekends_off);
        prop_assert_eq!(out.len(), wanted.len());
        for (o, w) in out.iter().zip(&wanted) {
            prop_assert!(o >= w, "{} reflowed to earlier {}", w, o);
        }
        for pair in out.windows(2) {
            prop_assert!(pair[0] < pair[1], "not increasing: {:?}", out);
        }
        if let (Some(after), Some(first)) = (after, out.first()) {
            prop_assert!(*first > after, "{} is not after {}", first, after);
        }
        if weekends_off {
            prop_assert!(out.iter().all(|d| !is_weekend(*d)), "weekend in {:?}", out);
        }
    }

    #[test]
    fn reflow_leaves_dates_at_least_two_days_apart_alone(
        start in any_date(),
        steps in prop::collection::vec(2i64..20, 0..10),
    ) {
        let mut wanted = Vec::new();
        let mut day = start;
        for s in steps {
            wanted.push(day);
            day += Duration::days(s);
        }
        prop_assert_eq!(reflow(&wanted, None, false), wanted);
    }
}

// ---------------------------------------------------------------------------------------------
// Local dates across DST.

/// Every date of the weeks around the 2026 DST changes (US: 8 March and 1 November;
/// EU: 29 March and 25 October), with the zone to read them in.
fn dst_week_dates() -> Vec<(Tz, NaiveDate)> {
    let weeks: [(Tz, NaiveDate); 4] = [
        (chrono_tz::America::New_York, ymd(2026, 3, 8)),
        (chrono_tz::America::New_York, ymd(2026, 11, 1)),
        (chrono_tz::Europe::Berlin, ymd(2026, 3, 29)),
        (chrono_tz::Europe::Berlin, ymd(2026, 10, 25)),
    ];
    weeks
        .iter()
        .flat_map(|&(tz, change)| (-3..=3).map(move |d| (tz, change + Duration::days(d))))
        .collect()
}

fn any_dst_week_date() -> impl Strategy<Value = (Tz, NaiveDate)> {
    select(dst_week_dates())
}

#[test]
fn the_dst_weeks_really_contain_a_23_or_25_hour_day() {
    for (tz, change, hours) in [
        (chrono_tz::America::New_York, ymd(2026, 3, 8), 23),
        (chrono_tz::America::New_York, ymd(2026, 11, 1), 25),
        (chrono_tz::Europe::Berlin, ymd(2026, 3, 29), 23),
        (chrono_tz::Europe::Berlin, ymd(2026, 10, 25), 25),
    ] {
        let noon = |d: NaiveDate| local_instant(d, NaiveTime::from_hms_opt(12, 0, 0).unwrap(), tz);
        let across = noon(change) - noon(change - Duration::days(1));
        assert_eq!(
            across,
            Duration::hours(hours),
            "{tz}: noon to noon into {change}"
        );
        let after = noon(change + Duration::days(1)) - noon(change);
        assert_eq!(
            after,
            Duration::hours(24),
            "{tz}: noon to noon after {change}"
        );
    }
}

#[test]
fn a_wall_time_in_the_spring_gap_is_read_an_hour_later_on_the_same_day() {
    let new_york = chrono_tz::America::New_York;
    let at = local_instant(
        ymd(2026, 3, 8),
        NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        new_york,
    );
    // 03:30 EDT is 07:30 UTC.
    assert_eq!(at, Utc.with_ymd_and_hms(2026, 3, 8, 7, 30, 0).unwrap());
    let berlin = chrono_tz::Europe::Berlin;
    let at = local_instant(
        ymd(2026, 3, 29),
        NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        berlin,
    );
    // 03:30 CEST is 01:30 UTC.
    assert_eq!(at, Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap());
}

#[test]
fn a_wall_time_in_the_autumn_fold_is_read_as_the_earlier_instant() {
    let new_york = chrono_tz::America::New_York;
    let at = local_instant(
        ymd(2026, 11, 1),
        NaiveTime::from_hms_opt(1, 30, 0).unwrap(),
        new_york,
    );
    // 01:30 EDT (the first one) is 05:30 UTC.
    assert_eq!(at, Utc.with_ymd_and_hms(2026, 11, 1, 5, 30, 0).unwrap());
    let berlin = chrono_tz::Europe::Berlin;
    let at = local_instant(
        ymd(2026, 10, 25),
        NaiveTime::from_hms_opt(2, 30, 0).unwrap(),
        berlin,
    );
    // 02:30 CEST (the first one) is 00:30 UTC.
    assert_eq!(at, Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap());
}

fn prospect(id: i64) -> Prospect {
    let enrolled = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
    Prospect {
        id,
        rep: RepRef::new("T1", "U1"),
        name: "Dana Reyes".into(),
        email: Some("dana@northwind.example".into()),
        phone: None,
        phone_e164: None,
        linkedin: None,
        company: Some("Northwind".into()),
        stage: Stage::Inquiry,
        value: None,
        lead: None,
        pace: Pace::Normal,
        notes: None,
        status: ProspectStatus::Active,
        cadence: CadenceId::Proposal,
        enrolment_id: 1,
        enrolled_at: enrolled,
        touches_done: 0,
        first_touch_at: None,
        last_contact_at: None,
        last_channel: None,
        replied_after_touch: None,
        replied_at: None,
        paused_on: None,
        closed_at: None,
        close_reason: None,
        created_at: enrolled,
        version: 1,
        prefers: None,
        last_note: None,
    }
}

fn touch_due(id: i64, due_on: NaiveDate) -> Touch {
    Touch {
        variant: None,
        id,
        prospect_id: 1,
        enrolment_id: 1,
        cadence: CadenceId::Proposal,
        step_index: 2,
        step_count: Some(6),
        due_on,
        original_due_on: due_on,
        status: TouchStatus::Pending,
        snoozes: 0,
        done_at: None,
        channel: None,
        note: None,
        outcome: None,
    }
}

/// The digest a rep in `tz` gets at the local wall time `time` on `day`, for one touch due on `due`.
fn digest_at(day: NaiveDate, time: NaiveTime, tz: Tz, due: NaiveDate) -> due::DueReport {
    let now: DateTime<Utc> = local_instant(day, time, tz);
    let today = local_date(now, tz);
    let touches = vec![DueTouch::new(prospect(1), touch_due(10, due))];
    due::build(today, now, touches, Vec::new())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_local_wall_time_in_a_dst_week_reads_back_as_the_same_local_date(
        (tz, date) in any_dst_week_date(),
        time in any_time(),
    ) {
        let at = local_instant(date, time, tz);
        prop_assert_eq!(local_date(at, tz), date, "{} {} in {}", date, time, tz);
    }

    #[test]
    fn a_touch_due_on_a_dst_week_date_is_due_at_eight_that_morning_not_at_half_past_eleven_the_night_before(
        (tz, due_on) in any_dst_week_date(),
    ) {
        let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        let morning = digest_at(due_on, eight, tz, due_on);
        prop_assert_eq!(morning.today, due_on);
        prop_assert_eq!(morning.due_today.len(), 1);
        prop_assert_eq!(morning.due_today[0].touch.id, 10);
        prop_assert!(morning.overdue.is_empty());

        let late = NaiveTime::from_hms_opt(23, 30, 0).unwrap();
        let eve = digest_at(due_on - Duration::days(1), late, tz, due_on);
        prop_assert_eq!(eve.today, due_on - Duration::days(1));
        prop_assert!(eve.due_today.is_empty(), "listed the evening before in {}", tz);
        prop_assert!(eve.overdue.is_empty());
        prop_assert_eq!(eve.touch_count(), 0);
    }

    #[test]
    fn a_touch_due_yesterday_is_overdue_by_one_day_at_any_local_time(
        (tz, day) in any_dst_week_date(),
        time in any_time(),
    ) {
        let report = digest_at(day, time, tz, day - Duration::days(1));
        prop_assert!(report.due_today.is_empty());
        prop_assert_eq!(report.overdue.len(), 1);
        prop_assert_eq!(report.overdue[0].days_late(report.today), 1);
    }
}
