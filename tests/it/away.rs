//! Away mode: cadences stand still, and the backlog comes back spread under the daily cap.

use crate::common;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use common::app::{TestApp, ALICE};
use common::{at, date};
use followup::domain::away::{plan, Pending};
use followup::domain::LeadTemp;
use proptest::prelude::*;

fn start_time() -> chrono::DateTime<chrono::Utc> {
    at(2026, 11, 2, 14, 0)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Applies a plan and checks the rules that must always hold; answers the final dates.
fn check(
    touches: &[Pending],
    from: NaiveDate,
    to: NaiveDate,
    cap: usize,
) -> BTreeMap<i64, NaiveDate> {
    let moves: HashMap<i64, NaiveDate> = plan(touches, from, to, cap, true).into_iter().collect();
    let finals: BTreeMap<i64, NaiveDate> = touches
        .iter()
        .map(|t| (t.id, *moves.get(&t.id).unwrap_or(&t.due_on)))
        .collect();
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (id, day) in &finals {
        assert!(
            !(from <= *day && *day <= to),
            "touch {id} due while away on {day}"
        );
        assert!(!is_weekend(*day), "touch {id} on a weekend {day}");
        *per_day.entry(*day).or_default() += 1;
    }
    // The cap governs the days after the return; before leaving, the rep's schedule is their own.
    for (day, n) in per_day.iter().filter(|(day, _)| **day > to) {
        assert!(*n <= cap, "{n} touches on {day}, cap {cap}");
    }
    let mut by_prospect: BTreeMap<i64, Vec<(NaiveDate, NaiveDate)>> = BTreeMap::new();
    for t in touches {
        by_prospect
            .entry(t.prospect)
            .or_default()
            .push((t.due_on, finals[&t.id]));
    }
    for (prospect, mut dates) in by_prospect {
        dates.sort();
        assert!(
            dates.windows(2).all(|w| w[0].1 < w[1].1),
            "prospect {prospect} out of order: {dates:?}"
        );
    }
    finals
}

#[test]
fn a_fortnight_away_spreads_forty_touches_under_a_cap_of_eight() {
    // 20 prospects, each with a touch every other working day from Monday 2 Nov; away 9–20 Nov.
    let mut touches = Vec::new();
    let mut id = 0;
    for prospect in 0..20 {
        for k in 0..4 {
            id += 1;
            let due = common::date(2026, 11, 2) + Duration::days(2 * k + (prospect % 3));
            let due = if is_weekend(due) {
                due + Duration::days(2)
            } else {
                due
            };
            touches.push(Pending {
                id,
                prospect,
                due_on: due,
                lead: if prospect < 5 {
                    Some(LeadTemp::Hot)
                } else {
                    None
                },
            });
        }
    }
    let from = date(2026, 11, 9);
    let to = date(2026, 11, 20);
    let finals = check(&touches, from, to, 8);
    let back = date(2026, 11, 23);
    let first_day: Vec<i64> = finals
        .iter()
        .filter(|(_, d)| **d == back)
        .map(|(id, _)| *id)
        .collect();
    assert!(first_day.len() <= 8);
    // Among the touches that want the day back, hot leads get it first: none is pushed later
    // while a colder touch that wanted the same day kept it.
    let absence = (to - from).num_days() + 1;
    let wanted_back: Vec<&Pending> = touches
        .iter()
        .filter(|t| t.due_on >= from && t.due_on + Duration::days(absence) <= back)
        .collect();
    assert!(
        wanted_back.len() > 8,
        "the scenario must overflow the day back ({})",
        wanted_back.len()
    );
    // (A prospect's second touch moves on anyway: one prospect, one touch a day, in order.)
    let on_back = |prospect: i64| {
        touches
            .iter()
            .any(|o| o.prospect == prospect && finals[&o.id] == back)
    };
    let hot_pushed = wanted_back
        .iter()
        .any(|t| t.lead == Some(LeadTemp::Hot) && finals[&t.id] > back && !on_back(t.prospect));
    let cold_kept = wanted_back
        .iter()
        .any(|t| t.lead.is_none() && finals[&t.id] == back);
    assert!(
        !(hot_pushed && cold_kept),
        "a cold touch kept the day back while a hot one was pushed"
    );
    assert_eq!(first_day.len(), 8, "the day back is filled to the cap");
    // Touches before the absence stay where they were.
    for t in touches.iter().filter(|t| t.due_on < from) {
        assert_eq!(finals[&t.id], t.due_on);
    }
}

proptest! {
    #[test]
    fn a_plan_never_leaves_a_touch_in_the_absence_over_the_cap_or_out_of_order(
        dues in proptest::collection::vec((0i64..30, 0i64..40), 1..120),
        away_start in 0i64..20,
        away_len in 1i64..15,
        cap in 1usize..10,
    ) {
        let base = date(2026, 11, 2);
        let mut touches: Vec<Pending> = dues.iter().enumerate().map(|(i, (prospect, offset))| {
            let mut due = base + Duration::days(*offset);
            while is_weekend(due) { due += Duration::days(1); }
            Pending { id: i as i64, prospect: *prospect, due_on: due, lead: None }
        }).collect();
        // One prospect's touches are on distinct days in a real schedule.
        touches.sort_by_key(|t| (t.prospect, t.due_on, t.id));
        touches.dedup_by_key(|t| (t.prospect, t.due_on));
        let from = base + Duration::days(away_start);
        check(&touches, from, from + Duration::days(away_len - 1), cap);
    }
}

on_both_apps! {
    async fn going_away_moves_the_backlog_after_the_return_under_the_cap(app) {
        for i in 0..12 {
            app.say(ALICE, &format!("add Prospect {i:02} cadence:ten-week")).await;
        }
        assert!(app.say(ALICE, "settings cap 5").await.contains("At most *5*"));
        let shown = app.say(ALICE, "away 2026-11-03 2026-11-13").await;
        assert!(shown.contains("Away from Tue 3 Nov to Fri 13 Nov") && shown.contains("at most 5 a day"), "{shown}");
        let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        for state in app.snapshot(&TestApp::alice()).await {
            let dues: Vec<NaiveDate> = state.touches.iter().map(|t| t.due_on).collect();
            assert!(dues.windows(2).all(|w| w[0] < w[1]), "{dues:?}");
            for d in &dues[1..] {
                assert!(!(date(2026, 11, 3) <= *d && *d <= date(2026, 11, 13)), "due while away: {d}");
            }
            for d in dues {
                *per_day.entry(d).or_default() += 1;
            }
        }
        assert!(per_day.values().all(|n| *n <= 12), "{per_day:?}");
        assert!(per_day.iter().filter(|(d, _)| **d > date(2026, 11, 13)).all(|(_, n)| *n <= 5), "{per_day:?}");
        let settings = app.store.rep_settings(&TestApp::alice()).await.unwrap().unwrap();
        assert_eq!(settings.away, Some((date(2026, 11, 3), date(2026, 11, 13))));
        assert!(app.say(ALICE, "away off").await.contains("Welcome back"));
        assert_eq!(app.store.rep_settings(&TestApp::alice()).await.unwrap().unwrap().away, None);
    }
}
