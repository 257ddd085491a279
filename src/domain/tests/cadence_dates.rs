//! The six built-in cadences against DOMAIN.md: which days, which channels, and the dates a
//! start date turns into (with and without weekends, and at every pace).
//!
//! Every expected date is written out literally, so an off-by-one day fails.

use crate::domain::cadence::{AfterEnd, CadenceId, Channel, BUILT_IN};
use crate::domain::prospect::Pace;
use crate::domain::schedule::{plan, scale_gap, scaled_offsets};
use chrono::NaiveDate;

use Channel::{Call, Email, LinkedIn, ValueAdd, Voicemail};

/// DOMAIN.md's day offsets for each built-in cadence, in the order `followup cadences` prints them.
const DOMAIN_DAYS: &[(&str, &[u32])] = &[
    ("ten-week", &[0, 2, 4, 14, 16, 18, 35, 37, 39, 63]),
    ("proposal", &[0, 2, 6, 13, 20, 29]),
    ("hot", &[0, 7, 14, 21, 28, 42, 56, 90, 120]),
    ("cold", &[2, 9, 23, 44, 72, 120]),
    ("recap", &[0, 4, 8, 12]),
    ("nurture", &[90]),
];

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn id(text: &str) -> CadenceId {
    CadenceId::parse(text).expect("a built-in cadence id")
}

fn days_of(cadence: CadenceId) -> Vec<u32> {
    cadence.cadence().steps.iter().map(|s| s.day).collect()
}

fn channels_of(cadence: CadenceId) -> Vec<Vec<Channel>> {
    cadence
        .cadence()
        .steps
        .iter()
        .map(|s| s.channels.to_vec())
        .collect()
}

/// The planned due dates, as `YYYY-MM-DD` strings so a failure prints readably.
fn planned(cadence: &str, start: &str, pace: Pace, weekends_off: bool) -> Vec<String> {
    let touches = plan(id(cadence).cadence(), date(start), pace, weekends_off);
    for (i, t) in touches.iter().enumerate() {
        assert_eq!(t.step_index, i, "{cadence}: touches come in step order");
    }
    touches.iter().map(|t| t.due_on.to_string()).collect()
}

fn check_plan_table(start: &str, weekends_off: bool, table: &[(&str, &[&str])]) {
    for (cadence, expected) in table {
        assert_eq!(
            planned(cadence, start, Pace::Normal, weekends_off),
            *expected,
            "{cadence} started on {start}, weekends_off={weekends_off}"
        );
    }
}

#[test]
fn built_in_cadences_are_the_six_of_domain_md_in_order() {
    let ids: Vec<&str> = BUILT_IN.iter().map(|c| c.id.as_str()).collect();
    let expected: Vec<&str> = DOMAIN_DAYS.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, expected);
    for c in BUILT_IN {
        assert_eq!(c.id.cadence(), c, "CadenceId::cadence finds {}", c.id);
    }
}

#[test]
fn every_cadence_has_the_day_offsets_of_domain_md() {
    for (cadence, days) in DOMAIN_DAYS {
        assert_eq!(days_of(id(cadence)), *days, "days of {cadence}");
    }
}

#[test]
fn ten_week_repeats_week_one_channels_in_weeks_three_and_six_and_closes_by_email_and_voicemail() {
    let week = [
        vec![Call, Voicemail, Email],
        vec![Call, Voicemail, LinkedIn],
        vec![Call, Voicemail, Email],
    ];
    let mut expected: Vec<Vec<Channel>> = Vec::new();
    for _ in 0..3 {
        expected.extend(week.iter().cloned());
    }
    expected.push(vec![Email, Voicemail]);
    assert_eq!(channels_of(CadenceId::TenWeek), expected);
    assert!(CadenceId::TenWeek.cadence().steps.iter().all(|s| !s.either));
    assert_eq!(
        CadenceId::TenWeek.cadence().steps[0].channel_label(),
        "call + voicemail + email"
    );
    assert_eq!(
        CadenceId::TenWeek.cadence().steps[1].channel_label(),
        "call + voicemail + LinkedIn message"
    );
    assert_eq!(CadenceId::TenWeek.cadence().after, AfterEnd::AskRep);
}

#[test]
fn proposal_calls_on_day_six_adds_value_on_day_thirteen_and_then_moves_to_nurture() {
    assert_eq!(
        channels_of(CadenceId::Proposal),
        vec![
            vec![Email, Call], // send the proposal, book a call to walk through it
            vec![Email],       // did it arrive?
            vec![Call],        // a call, not another email
            vec![ValueAdd],    // value-add
            vec![Email],       // still considering it?
            vec![Email],       // final attempt: closing the file
        ]
    );
    assert_eq!(
        CadenceId::Proposal.cadence().after,
        AfterEnd::MoveTo(CadenceId::Nurture)
    );
}

#[test]
fn hot_opens_with_call_voicemail_email_then_alternates_call_and_email_weekly() {
    let channels = channels_of(CadenceId::Hot);
    assert_eq!(channels[0], vec![Call, Voicemail, Email]);
    assert_eq!(
        channels[1..5].to_vec(),
        vec![vec![Email], vec![Call], vec![Email], vec![Call]],
        "days 7, 14, 21, 28 alternate call and email"
    );
    assert_eq!(
        channels[5..].to_vec(),
        vec![vec![Email], vec![Call], vec![Email], vec![Email, Voicemail]],
        "days 42, 56, 90, 120"
    );
    assert_eq!(CadenceId::Hot.cadence().after, AfterEnd::AskRep);
}

#[test]
fn cold_starts_with_email_or_call_after_48_hours() {
    let cold = CadenceId::Cold.cadence();
    assert_eq!(cold.steps[0].day, 2);
    assert_eq!(cold.steps[0].channels, &[Email, Call]);
    assert!(cold.steps[0].either, "email OR call, not both");
    assert_eq!(cold.steps[0].channel_label(), "email or call");
    assert!(cold.steps[1..].iter().all(|s| !s.either));
    assert_eq!(
        channels_of(CadenceId::Cold),
        vec![
            vec![Email, Call],
            vec![Call],
            vec![ValueAdd],
            vec![Email],
            vec![ValueAdd],
            vec![Email, Voicemail],
        ]
    );
}

#[test]
fn recap_emails_the_same_day_then_every_four_days_never_daily_or_every_other_day() {
    assert_eq!(
        channels_of(CadenceId::Recap),
        vec![
            vec![Email],
            vec![Email],
            vec![Email, ValueAdd],
            vec![Email, ValueAdd],
        ]
    );
    let days = days_of(CadenceId::Recap);
    assert!(days.windows(2).all(|w| w[1] - w[0] == 4));
}

#[test]
fn nurture_is_one_value_add_every_90_days_without_end() {
    let nurture = CadenceId::Nurture.cadence();
    assert_eq!(channels_of(CadenceId::Nurture), vec![vec![ValueAdd]]);
    assert_eq!(nurture.after, AfterEnd::Repeat { every_days: 90 });
    assert_eq!(nurture.length(), None);
    assert_eq!(
        nurture.step(5).map(|s| s.day),
        Some(90),
        "past the end, nurture repeats its step"
    );
}

#[test]
fn cadence_lengths_count_their_touches() {
    let lengths: Vec<(&str, Option<usize>)> = BUILT_IN
        .iter()
        .map(|c| (c.id.as_str(), c.length()))
        .collect();
    assert_eq!(
        lengths,
        vec![
            ("ten-week", Some(10)),
            ("proposal", Some(6)),
            ("hot", Some(9)),
            ("cold", Some(6)),
            ("recap", Some(4)),
            ("nurture", None),
        ]
    );
}

#[test]
fn with_weekends_worked_a_friday_start_gives_the_raw_offsets() {
    check_plan_table(
        "2026-01-02",
        false,
        &[
            (
                "ten-week",
                &[
                    "2026-01-02",
                    "2026-01-04",
                    "2026-01-06",
                    "2026-01-16",
                    "2026-01-18",
                    "2026-01-20",
                    "2026-02-06",
                    "2026-02-08",
                    "2026-02-10",
                    "2026-03-06",
                ],
            ),
            (
                "proposal",
                &[
                    "2026-01-02",
                    "2026-01-04",
                    "2026-01-08",
                    "2026-01-15",
                    "2026-01-22",
                    "2026-01-31",
                ],
            ),
            (
                "hot",
                &[
                    "2026-01-02",
                    "2026-01-09",
                    "2026-01-16",
                    "2026-01-23",
                    "2026-01-30",
                    "2026-02-13",
                    "2026-02-27",
                    "2026-04-02",
                    "2026-05-02",
                ],
            ),
            (
                "cold",
                &[
                    "2026-01-04",
                    "2026-01-11",
                    "2026-01-25",
                    "2026-02-15",
                    "2026-03-15",
                    "2026-05-02",
                ],
            ),
            (
                "recap",
                &["2026-01-02", "2026-01-06", "2026-01-10", "2026-01-14"],
            ),
            ("nurture", &["2026-04-02"]),
        ],
    );
}

#[test]
fn with_weekends_worked_a_wednesday_start_gives_the_raw_offsets() {
    check_plan_table(
        "2026-01-07",
        false,
        &[
            (
                "ten-week",
                &[
                    "2026-01-07",
                    "2026-01-09",
                    "2026-01-11",
                    "2026-01-21",
                    "2026-01-23",
                    "2026-01-25",
                    "2026-02-11",
                    "2026-02-13",
                    "2026-02-15",
                    "2026-03-11",
                ],
            ),
            (
                "proposal",
                &[
                    "2026-01-07",
                    "2026-01-09",
                    "2026-01-13",
                    "2026-01-20",
                    "2026-01-27",
                    "2026-02-05",
                ],
            ),
            (
                "hot",
                &[
                    "2026-01-07",
                    "2026-01-14",
                    "2026-01-21",
                    "2026-01-28",
                    "2026-02-04",
                    "2026-02-18",
                    "2026-03-04",
                    "2026-04-07",
                    "2026-05-07",
                ],
            ),
            (
                "cold",
                &[
                    "2026-01-09",
                    "2026-01-16",
                    "2026-01-30",
                    "2026-02-20",
                    "2026-03-20",
                    "2026-05-07",
                ],
            ),
            (
                "recap",
                &["2026-01-07", "2026-01-11", "2026-01-15", "2026-01-19"],
            ),
            ("nurture", &["2026-04-07"]),
        ],
    );
}

#[test]
fn with_weekends_off_a_friday_start_moves_weekend_touches_to_monday() {
    // Friday 2 January 2026. Day 2 is Sunday the 4th: Monday the 5th would be the working day
    // right after Friday's touch, so it moves on to Tuesday the 6th.
    check_plan_table(
        "2026-01-02",
        true,
        &[
            (
                "ten-week",
                &[
                    "2026-01-02", // Fri
                    "2026-01-06", // Sun -> Mon, the day after Friday's -> Tue
                    "2026-01-08", // Tue, the day after -> Thu
                    "2026-01-16", // Fri
                    "2026-01-20", // Sun -> Mon -> Tue
                    "2026-01-22", // Tue -> Thu
                    "2026-02-06", // Fri
                    "2026-02-10", // Sun -> Mon -> Tue
                    "2026-02-12", // Tue -> Thu
                    "2026-03-06", // Fri
                ],
            ),
            (
                "proposal",
                &[
                    "2026-01-02", // Fri
                    "2026-01-06", // Sun -> Mon, the day after Friday's -> Tue
                    "2026-01-08", // Thu
                    "2026-01-15", // Thu
                    "2026-01-22", // Thu
                    "2026-02-02", // Sat 31 Jan -> Mon
                ],
            ),
            (
                "hot",
                &[
                    "2026-01-02",
                    "2026-01-09",
                    "2026-01-16",
                    "2026-01-23",
                    "2026-01-30",
                    "2026-02-13",
                    "2026-02-27",
                    "2026-04-02", // Thu
                    "2026-05-04", // Sat 2 May -> Mon
                ],
            ),
            (
                "cold",
                &[
                    "2026-01-05", // Sun -> Mon
                    "2026-01-12", // Sun -> Mon
                    "2026-01-26", // Sun -> Mon
                    "2026-02-16", // Sun -> Mon
                    "2026-03-16", // Sun -> Mon
                    "2026-05-04", // Sat -> Mon
                ],
            ),
            (
                "recap",
                &[
                    "2026-01-02", // Fri
                    "2026-01-06", // Tue
                    "2026-01-12", // Sat -> Mon
                    "2026-01-15", // Wed, two days after Monday's -> Thu (recap: 3 days apart)
                ],
            ),
            ("nurture", &["2026-04-02"]),
        ],
    );
}

#[test]
fn with_weekends_off_a_wednesday_start_moves_weekend_touches_to_monday() {
    // Wednesday 7 January 2026. Day 4 is Sunday the 11th: Monday the 12th would be the working
    // day right after Friday's touch, so it moves on to Tuesday the 13th.
    check_plan_table(
        "2026-01-07",
        true,
        &[
            (
                "ten-week",
                &[
                    "2026-01-07", // Wed
                    "2026-01-09", // Fri
                    "2026-01-13", // Sun -> Mon, the day after Friday's -> Tue
                    "2026-01-21",
                    "2026-01-23",
                    "2026-01-27", // Sun -> Mon -> Tue
                    "2026-02-11",
                    "2026-02-13",
                    "2026-02-17", // Sun -> Mon -> Tue
                    "2026-03-11",
                ],
            ),
            (
                "proposal",
                &[
                    "2026-01-07",
                    "2026-01-09",
                    "2026-01-13",
                    "2026-01-20",
                    "2026-01-27",
                    "2026-02-05",
                ],
            ),
            (
                "hot",
                &[
                    "2026-01-07",
                    "2026-01-14",
                    "2026-01-21",
                    "2026-01-28",
                    "2026-02-04",
                    "2026-02-18",
                    "2026-03-04",
                    "2026-04-07",
                    "2026-05-07",
                ],
            ),
            (
                "cold",
                &[
                    "2026-01-09",
                    "2026-01-16",
                    "2026-01-30",
                    "2026-02-20",
                    "2026-03-20",
                    "2026-05-07",
                ],
            ),
            (
                "recap",
                &[
                    "2026-01-07", // Wed
                    "2026-01-12", // Sun -> Mon
                    "2026-01-15", // Thu
                    "2026-01-19", // Mon
                ],
            ),
            ("nurture", &["2026-04-07"]),
        ],
    );
}

#[test]
fn a_saturday_enrolment_with_weekends_off_starts_on_monday() {
    assert_eq!(
        planned("recap", "2026-01-03", Pace::Normal, true),
        vec!["2026-01-05", "2026-01-08", "2026-01-12", "2026-01-15"],
        "Sat 3 -> Mon 5; day 4 is Wed 7, two days after Monday's: recap keeps 3 days apart -> Thu 8; \
         day 8 Sun 11 -> Mon 12; day 12 Thu 15"
    );
}

#[test]
fn scale_gap_multiplies_by_seven_tenths_one_or_one_and_a_half_rounded_at_least_one() {
    let table: &[(u32, u32, u32, u32)] = &[
        // gap, fast, normal, slow
        (0, 0, 0, 0),
        (1, 1, 1, 2),
        (2, 1, 2, 3),
        (4, 3, 4, 6),
        (7, 5, 7, 11),
        (9, 6, 9, 14),
        (10, 7, 10, 15),
        (17, 12, 17, 26),
        (24, 17, 24, 36),
        (90, 63, 90, 135),
    ];
    for &(gap, fast, normal, slow) in table {
        assert_eq!(scale_gap(gap, Pace::Fast), fast, "fast gap of {gap}");
        assert_eq!(scale_gap(gap, Pace::Normal), normal, "normal gap of {gap}");
        assert_eq!(scale_gap(gap, Pace::Slow), slow, "slow gap of {gap}");
    }
}

#[test]
fn pace_scales_the_offsets_of_ten_week() {
    // Gaps 2, 2, 10, 2, 2, 17, 2, 2, 24.
    assert_eq!(
        scaled_offsets(CadenceId::TenWeek.cadence(), Pace::Fast),
        // Each 2-day gap at 0.7 would be 1: never two days running, so 2.
        vec![0, 2, 4, 11, 13, 15, 27, 29, 31, 48]
    );
    assert_eq!(
        scaled_offsets(CadenceId::TenWeek.cadence(), Pace::Normal),
        vec![0, 2, 4, 14, 16, 18, 35, 37, 39, 63]
    );
    assert_eq!(
        scaled_offsets(CadenceId::TenWeek.cadence(), Pace::Slow),
        vec![0, 3, 6, 21, 24, 27, 53, 56, 59, 95]
    );
}

#[test]
fn pace_scales_the_offsets_of_proposal_cold_recap_and_nurture() {
    let table: &[(&str, &[u32], &[u32])] = &[
        // cadence, fast, slow
        ("proposal", &[0, 2, 5, 10, 15, 21], &[0, 3, 9, 20, 31, 45]),
        ("cold", &[1, 6, 16, 31, 51, 85], &[3, 14, 35, 67, 109, 181]),
        ("recap", &[0, 3, 6, 9], &[0, 6, 12, 18]),
        ("nurture", &[63], &[135]),
        // Hot: at least 7 days apart at any pace.
        (
            "hot",
            &[0, 7, 14, 21, 28, 38, 48, 72, 93],
            &[0, 11, 22, 33, 44, 65, 86, 137, 182],
        ),
    ];
    for (cadence, fast, slow) in table {
        let c = id(cadence).cadence();
        assert_eq!(scaled_offsets(c, Pace::Fast), *fast, "{cadence} fast");
        assert_eq!(scaled_offsets(c, Pace::Slow), *slow, "{cadence} slow");
    }
}

#[test]
fn a_fast_and_a_slow_proposal_started_on_a_wednesday_fall_on_these_dates() {
    assert_eq!(
        planned("proposal", "2026-01-07", Pace::Fast, false),
        // Gaps 2, 4, 7, 7, 9 at 0.7: 1 → 2 (never consecutive days), 3, 5, 5, 6.
        vec![
            "2026-01-07",
            "2026-01-09",
            "2026-01-12",
            "2026-01-17",
            "2026-01-22",
            "2026-01-28",
        ]
    );
    assert_eq!(
        planned("proposal", "2026-01-07", Pace::Fast, true),
        vec![
            "2026-01-07", // Wed
            "2026-01-09", // Fri
            "2026-01-13", // Mon 12 is the working day after Friday's -> Tue
            "2026-01-19", // Sat 17 -> Mon
            "2026-01-22", // Thu
            "2026-01-28", // Wed
        ]
    );
    assert_eq!(
        planned("proposal", "2026-01-07", Pace::Slow, true),
        vec![
            "2026-01-07", // Wed
            "2026-01-12", // Sat 10 -> Mon
            "2026-01-16", // Fri
            "2026-01-27", // Tue
            "2026-02-09", // Sat 7 Feb -> Mon
            "2026-02-23", // Sat 21 Feb -> Mon
        ]
    );
}

#[test]
fn a_hot_or_warm_lead_that_arrives_on_a_saturday_is_called_that_day() {
    use crate::domain::lifecycle::enrol;
    use crate::domain::schedule::Calendar;
    use crate::domain::{LeadTemp, NewProspect, ProspectName};
    let saturday = date("2026-01-03");
    for lead in [LeadTemp::Hot, LeadTemp::Warm] {
        let mut new = NewProspect::named(ProspectName::parse("Kevin Walsh").expect("name"));
        new.lead = Some(lead);
        let (cadence, touches) = enrol(&new, saturday, &Calendar::weekends(true)).expect("plan");
        assert_eq!(cadence, CadenceId::Hot);
        assert_eq!(
            touches[0].due_on, saturday,
            "{lead}: the first 24 hours decide"
        );
        assert_eq!(
            touches[1].due_on,
            date("2026-01-12"),
            "{lead}: day 7 is Saturday 10 → Monday"
        );
    }
    // A cold lead, or a hot one while the rep is away, waits for a working day.
    let mut cold = NewProspect::named(ProspectName::parse("Cal Cold").expect("name"));
    cold.lead = Some(LeadTemp::Cold);
    cold.cadence = Some(CadenceId::Recap);
    let (_, touches) = enrol(&cold, saturday, &Calendar::weekends(true)).expect("plan");
    assert_eq!(touches[0].due_on, date("2026-01-05"));
    let mut hot = NewProspect::named(ProspectName::parse("Hal Hot").expect("name"));
    hot.lead = Some(LeadTemp::Hot);
    let away = Calendar {
        away: Some((saturday, date("2026-01-06"))),
        ..Calendar::weekends(true)
    };
    let (_, touches) = enrol(&hot, saturday, &away).expect("plan");
    assert_eq!(
        touches[0].due_on,
        date("2026-01-07"),
        "nothing is dated inside an absence"
    );
}
