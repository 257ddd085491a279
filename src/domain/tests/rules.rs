//! The rules of the domain one by one: what a rep types, what the suggested messages say, the
//! numbers a manager reads, and what each action does to a prospect and its touches.
//!
//! Every date is fixed; nothing depends on the day the tests run.

use crate::domain::cadence::{parse_cadence, CadenceId, Channel, BUILT_IN};
use crate::domain::dates::{parse_date, parse_time_of_day, parse_time_zone};
use crate::domain::lifecycle::{
    decide, Action, Change, Context, NewTouch, Outcome, ProspectState, TouchRef,
};
use crate::domain::lint::{check, sentence_count, Warning};
use crate::domain::metrics::{compute, Funnel, History, TouchResponse, Window};
use crate::domain::prospect::{
    Email, LeadTemp, Money, NewProspect, Pace, Phone, Prospect, ProspectName, ProspectStatus,
    RepRef, Stage, Touch, TouchStatus,
};
use crate::domain::schedule::SnoozeFor;
use crate::domain::template::{fill, TemplateVars, PERSONAL_SLOT};
use crate::domain::DomainError;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 test instant")
        .with_timezone(&Utc)
}

// =============================================================================================
// What a rep types: dates, times, zones.

/// Monday 30 November 2026.
fn a_monday() -> NaiveDate {
    date("2026-11-30")
}

#[test]
fn an_iso_date_reads_as_itself() {
    assert_eq!(parse_date("2026-12-01", a_monday()), Ok(date("2026-12-01")));
    assert_eq!(
        parse_date("  2027-01-15 ", a_monday()),
        Ok(date("2027-01-15"))
    );
}

#[test]
fn today_and_tomorrow_are_relative_to_the_reps_local_today() {
    assert_eq!(parse_date("today", a_monday()), Ok(date("2026-11-30")));
    assert_eq!(parse_date("Tomorrow", a_monday()), Ok(date("2026-12-01")));
    assert_eq!(parse_date("tmrw", a_monday()), Ok(date("2026-12-01")));
}

#[test]
fn monday_said_on_a_monday_means_next_weeks_monday() {
    assert_eq!(parse_date("monday", a_monday()), Ok(date("2026-12-07")));
    assert_eq!(parse_date("Mon", a_monday()), Ok(date("2026-12-07")));
}

#[test]
fn a_weekday_name_means_the_next_one_after_today() {
    assert_eq!(parse_date("tuesday", a_monday()), Ok(date("2026-12-01")));
    assert_eq!(parse_date("friday", a_monday()), Ok(date("2026-12-04")));
    assert_eq!(parse_date("sun", a_monday()), Ok(date("2026-12-06")));
    // From a Thursday, "monday" is four days on.
    assert_eq!(
        parse_date("monday", date("2026-12-03")),
        Ok(date("2026-12-07"))
    );
}

#[test]
fn day_and_week_spans_count_from_today() {
    assert_eq!(parse_date("3d", a_monday()), Ok(date("2026-12-03")));
    assert_eq!(parse_date("2w", a_monday()), Ok(date("2026-12-14")));
    assert_eq!(parse_date("1 week", a_monday()), Ok(date("2026-12-07")));
    assert_eq!(parse_date("10 days", a_monday()), Ok(date("2026-12-10")));
}

#[test]
fn garbage_is_not_a_date_and_the_error_says_what_to_type() {
    let err = parse_date("next-ish", a_monday()).unwrap_err();
    assert_eq!(err, DomainError::BadDate("next-ish".into()));
    assert_eq!(
        err.to_string(),
        "`next-ish` is not a date; try 2026-12-01, tomorrow, monday, 3d or 2w"
    );
    for raw in ["", "0d", "2026-13-01", "2026-02-30", "soon", "3x"] {
        assert!(
            matches!(parse_date(raw, a_monday()), Err(DomainError::BadDate(_))),
            "{raw:?} should not be a date"
        );
    }
}

#[test]
fn a_time_of_day_is_24_hour_hh_mm() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    assert_eq!(parse_time_of_day("08:30"), Ok(t(8, 30)));
    assert_eq!(parse_time_of_day(" 17:05 "), Ok(t(17, 5)));
    assert_eq!(parse_time_of_day("00:00"), Ok(t(0, 0)));
    assert_eq!(parse_time_of_day("23:59"), Ok(t(23, 59)));
    for raw in ["25:00", "8am", "08:60", "noon", ""] {
        assert_eq!(
            parse_time_of_day(raw),
            Err(DomainError::BadTimeOfDay(raw.trim().into())),
            "{raw:?}"
        );
    }
    assert_eq!(
        parse_time_of_day("8am").unwrap_err().to_string(),
        "`8am` is not a time of day; use HH:MM, for example 08:30"
    );
}

#[test]
fn a_time_zone_is_an_iana_name() {
    assert_eq!(
        parse_time_zone("Europe/Berlin"),
        Ok(chrono_tz::Europe::Berlin)
    );
    assert_eq!(
        parse_time_zone(" America/New_York "),
        Ok(chrono_tz::America::New_York)
    );
    assert_eq!(
        parse_time_zone("Mars/Olympus_Mons"),
        Err(DomainError::BadTimeZone("Mars/Olympus_Mons".into()))
    );
    assert!(parse_time_zone("")
        .unwrap_err()
        .to_string()
        .contains("use an IANA name such as Europe/Berlin"));
}

// =============================================================================================
// Money, names and contact details.

#[test]
fn money_reads_plain_grouped_dollar_and_suffixed_amounts() {
    let table: &[(&str, i64, &str)] = &[
        // typed, cents, shown
        ("12000", 1_200_000, "$12,000"),
        ("12,500", 1_250_000, "$12,500"),
        ("$12,500.50", 1_250_050, "$12,500.50"),
        ("12.5k", 1_250_000, "$12,500"),
        ("12.5K", 1_250_000, "$12,500"),
        ("1.2m", 120_000_000, "$1,200,000"),
        ("€900", 90_000, "$900"),
        (" 0 ", 0, "$0"),
        ("0.05", 5, "$0.05"),
        ("999.99", 99_999, "$999.99"),
    ];
    for &(typed, cents, shown) in table {
        let money = Money::parse(typed).unwrap_or_else(|e| panic!("{typed:?}: {e}"));
        assert_eq!(money.cents(), cents, "{typed:?}");
        assert_eq!(money.display(), shown, "{typed:?}");
    }
}

#[test]
fn money_display_groups_thousands() {
    let table: &[(i64, &str)] = &[
        (100, "$1"),
        (99_900, "$999"),
        (100_000, "$1,000"),
        (1_234_567_890, "$12,345,678.90"),
        (10_000_000_000, "$100,000,000"),
    ];
    for &(cents, shown) in table {
        assert_eq!(Money::from_cents(cents).unwrap().display(), shown);
    }
}

#[test]
fn a_negative_amount_is_refused_as_negative() {
    assert_eq!(
        Money::parse("-5"),
        Err(DomainError::NegativeAmount("-5".into()))
    );
    assert_eq!(
        Money::parse("-5").unwrap_err().to_string(),
        "a deal value cannot be negative (`-5`)"
    );
    assert!(matches!(
        Money::parse("$-1,000"),
        Err(DomainError::NegativeAmount(_))
    ));
    assert!(matches!(
        Money::from_cents(-1),
        Err(DomainError::NegativeAmount(_))
    ));
}

#[test]
fn words_are_not_amounts() {
    assert_eq!(
        Money::parse("abc"),
        Err(DomainError::BadAmount("abc".into()))
    );
    assert_eq!(
        Money::parse("abc").unwrap_err().to_string(),
        "`abc` is not an amount; try 12000, 12,500 or 12.5k"
    );
    for raw in ["", "k", "$", "1.2.3", "12 000 dollars", "1e6", "12€"] {
        assert!(
            matches!(Money::parse(raw), Err(DomainError::BadAmount(_))),
            "{raw:?} should not be an amount"
        );
    }
}

#[test]
fn a_prospect_name_is_trimmed_and_inner_spaces_collapse() {
    assert_eq!(
        ProspectName::parse("  Dana   Reyes ").unwrap().as_str(),
        "Dana Reyes"
    );
}

#[test]
fn an_empty_or_blank_name_is_refused() {
    assert_eq!(ProspectName::parse(""), Err(DomainError::EmptyName));
    assert_eq!(ProspectName::parse(" \t \n"), Err(DomainError::EmptyName));
    assert_eq!(
        DomainError::EmptyName.to_string(),
        "a prospect needs a name"
    );
}

#[test]
fn a_name_of_201_characters_is_too_long_but_200_is_fine() {
    let long = "a".repeat(201);
    assert_eq!(
        ProspectName::parse(&long),
        Err(DomainError::NameTooLong(201))
    );
    assert_eq!(
        DomainError::NameTooLong(201).to_string(),
        "that name is too long (201 characters; 200 at most)"
    );
    assert!(ProspectName::parse(&"a".repeat(200)).is_ok());
    // Characters, not bytes.
    assert!(ProspectName::parse(&"é".repeat(200)).is_ok());
    assert_eq!(
        ProspectName::parse(&"é".repeat(201)),
        Err(DomainError::NameTooLong(201))
    );
}

#[test]
fn an_email_needs_a_local_part_an_at_and_a_dotted_domain() {
    assert_eq!(
        Email::parse(" dana@northwind.example ").unwrap().as_str(),
        "dana@northwind.example"
    );
    assert!(Email::parse("d.reyes+crm@mail.northwind.co.uk").is_ok());
    for raw in [
        "dana",
        "@northwind.example",
        "dana@localhost",
        "dana@.example",
        "dana@northwind.",
        "dana@@northwind.example",
        "dana reyes@northwind.example",
        "<dana@northwind.example>",
    ] {
        assert_eq!(
            Email::parse(raw),
            Err(DomainError::BadEmail(raw.into())),
            "{raw:?}"
        );
    }
}

#[test]
fn a_phone_number_has_seven_to_fifteen_digits_and_common_punctuation() {
    assert_eq!(
        Phone::parse(" +1 (555) 010-2030 ").unwrap().as_str(),
        "+1 (555) 010-2030"
    );
    assert!(Phone::parse("555.0102").is_ok());
    assert!(Phone::parse("1234567").is_ok());
    assert!(Phone::parse("123456789012345").is_ok());
    // An extension is part of the number as typed (and left out of the dialled form).
    assert!(Phone::parse("555-0102 ext 4").is_ok());
    for raw in ["123456", "1234567890123456", "call me"] {
        assert_eq!(
            Phone::parse(raw),
            Err(DomainError::BadPhone(raw.into())),
            "{raw:?}"
        );
    }
}

// =============================================================================================
// Cadences by name and by lead temperature.

#[test]
fn cadence_names_parse_with_their_aliases() {
    assert_eq!(parse_cadence("ten-week"), Ok(CadenceId::TenWeek));
    assert_eq!(parse_cadence("10w"), Ok(CadenceId::TenWeek));
    assert_eq!(parse_cadence("TenWeek"), Ok(CadenceId::TenWeek));
    assert_eq!(parse_cadence(" Proposal "), Ok(CadenceId::Proposal));
    assert_eq!(parse_cadence("nurture"), Ok(CadenceId::Nurture));
}

#[test]
fn an_unknown_cadence_is_refused_with_the_list_of_known_ones() {
    let err = parse_cadence("warm").unwrap_err();
    assert_eq!(err, DomainError::UnknownCadence("warm".into()));
    assert_eq!(
        err.to_string(),
        "there is no cadence called `warm`; the cadences are ten-week, proposal, hot, cold, recap, nurture"
    );
}

fn new_prospect(lead: Option<LeadTemp>, cadence: Option<CadenceId>) -> NewProspect {
    let mut p = NewProspect::named(ProspectName::parse("Dana Reyes").unwrap());
    p.lead = lead;
    p.cadence = cadence;
    p
}

#[test]
fn hot_and_warm_leads_get_the_hot_cadence_cold_leads_the_cold_one_and_others_proposal() {
    let default = CadenceId::TEAM_DEFAULT;
    assert_eq!(default, CadenceId::Proposal);
    let table = [
        (Some(LeadTemp::Hot), CadenceId::Hot),
        (Some(LeadTemp::Warm), CadenceId::Hot),
        (Some(LeadTemp::Cold), CadenceId::Cold),
        (None, CadenceId::Proposal),
    ];
    for (lead, expected) in table {
        assert_eq!(
            new_prospect(lead, None).chosen_cadence(default),
            expected,
            "lead {lead:?}"
        );
    }
}

#[test]
fn a_cadence_the_rep_names_wins_over_the_lead_temperature() {
    let p = new_prospect(Some(LeadTemp::Hot), Some(CadenceId::Recap));
    assert_eq!(p.chosen_cadence(CadenceId::TEAM_DEFAULT), CadenceId::Recap);
    let p = new_prospect(Some(LeadTemp::Cold), Some(CadenceId::TenWeek));
    assert_eq!(
        p.chosen_cadence(CadenceId::TEAM_DEFAULT),
        CadenceId::TenWeek
    );
}

// =============================================================================================
// Suggested messages.

fn vars<'a>(name: &'a str, company: Option<&'a str>) -> TemplateVars<'a> {
    TemplateVars {
        name,
        company,
        send_on: date("2026-03-06"),
    }
}

#[test]
fn a_template_is_filled_with_first_name_and_company_and_keeps_the_personal_slot_marked() {
    let text = fill(
        "Hi {first_name}, {personal} A team like {company} did well. Shall we talk, {name}?",
        vars("Dana Reyes", Some("Northwind")),
    );
    assert_eq!(
        text,
        "Hi Dana, [✍ one personal sentence for Dana] A team like Northwind did well. Shall we talk, Dana Reyes?"
    );
    assert_eq!(PERSONAL_SLOT, "[✍ one personal sentence for {first_name}]");
}

#[test]
fn a_prospect_without_a_company_reads_as_your_team() {
    let text = fill("How is {company} doing?", vars("Dana Reyes", None));
    assert_eq!(text, "How is your team doing?");
}

#[test]
fn the_close_date_is_three_working_days_after_the_message_goes_out() {
    // The message goes out on Friday 6 March 2026; the file closes on Wednesday 11 March.
    let text = fill(
        "I will close your file on {close_date}.",
        vars("Dana", None),
    );
    assert_eq!(text, "I will close your file on Wed 11 Mar.");
}

#[test]
fn braces_in_the_prospects_own_name_or_company_are_not_expanded_again() {
    let text = fill(
        "Hi {first_name}, about {company}: {name}?",
        vars("{company} Smith", Some("{name}")),
    );
    assert_eq!(text, "Hi {company}, about {name}: {company} Smith?");
    let slot = fill("{personal}", vars("{close_date}", Some("x")));
    assert_eq!(slot, "[✍ one personal sentence for {close_date}]");
}

#[test]
fn an_unknown_placeholder_and_a_lone_brace_are_left_as_written() {
    assert_eq!(
        fill("Hi {nickname} {", vars("Dana", None)),
        "Hi {nickname} {"
    );
}

#[test]
fn just_checking_in_is_flagged_in_any_case_and_with_curly_apostrophes() {
    for text in [
        "Just checking in on the proposal. Does Thursday work?",
        "JUST CHECKING IN. Does Thursday work?",
        "Hi Dana, I’m just checking in. Does Thursday work?",
        "Hi Dana, I'm just checking in. Does Thursday work?",
        "Just touching base. Does Thursday work?",
        "Just following up on my last email. Does Thursday work?",
        "Checking in to see how it went. Does Thursday work?",
    ] {
        assert_eq!(check(text, true), vec![Warning::CheckingIn], "{text:?}");
    }
    assert!(Warning::CheckingIn
        .advice()
        .contains("gives them nothing to answer"));
}

#[test]
fn more_than_five_sentences_is_flagged_as_too_long() {
    let five = "One. Two. Three. Four. Does Thursday work?";
    assert_eq!(sentence_count(five), 5);
    assert_eq!(check(five, true), vec![]);
    let six = "One. Two. Three. Four. Five. Does Thursday work?";
    assert_eq!(sentence_count(six), 6);
    assert_eq!(check(six, true), vec![Warning::TooLong(6)]);
    assert!(Warning::TooLong(6)
        .advice()
        .starts_with("6 sentences is long"));
}

#[test]
fn a_message_that_does_not_end_with_a_question_is_flagged_but_a_note_is_not() {
    let text = "We cut onboarding time by a third for a team like yours. Let me know.";
    assert_eq!(check(text, true), vec![Warning::NoQuestion]);
    assert_eq!(check(text, false), vec![]);
    assert_eq!(check("Does Thursday at 10 work?  \n", true), vec![]);
}

#[test]
fn a_message_can_earn_every_warning_at_once() {
    let text = "Just checking in. One. Two. Three. Four. Five. Talk soon.";
    assert_eq!(
        check(text, true),
        vec![
            Warning::CheckingIn,
            Warning::TooLong(7),
            Warning::NoQuestion
        ]
    );
}

#[test]
fn a_slot_between_sentences_counts_as_one_sentence() {
    assert_eq!(
        sentence_count("It went well. [✍ one result] Shall we talk?"),
        3
    );
    assert_eq!(
        sentence_count("Hi Dana, [✍ one personal sentence for Dana] Here it is. Shall we talk?"),
        3
    );
}

#[test]
fn a_slot_inside_or_ending_a_sentence_does_not_count_as_an_extra_sentence() {
    assert_eq!(sentence_count("[✍ one result from a similar client]"), 1);
    assert_eq!(
        sentence_count("From my side: [✍ the items you promised]."),
        1
    );
    assert_eq!(
        sentence_count("How is [✍ their action item] coming along?"),
        1
    );
}

/// Every built-in step's template, filled for Dana Reyes of Northwind, with where it comes from.
fn filled_templates() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in BUILT_IN {
        for (i, step) in c.steps.iter().enumerate() {
            for template in step.templates {
                let text = fill(template, vars("Dana Reyes", Some("Northwind")));
                out.push((format!("{} step {} (day {})", c.id, i + 1, step.day), text));
            }
        }
    }
    out
}

#[test]
fn every_built_in_template_is_fully_filled_keeps_the_personal_slot_and_ends_with_a_question() {
    for (step, text) in filled_templates() {
        assert!(!text.contains('{') && !text.contains('}'), "{step}: {text}");
        assert!(text.starts_with("Hi Dana, "), "{step}: {text}");
        assert!(
            text.contains("[✍ one personal sentence for Dana]"),
            "{step}: {text}"
        );
        assert!(text.trim_end().ends_with('?'), "{step}: {text}");
    }
}

#[test]
fn no_built_in_template_says_just_checking_in() {
    for (step, text) in filled_templates() {
        let lower = text.to_lowercase();
        assert!(!lower.contains("just checking in"), "{step}: {text}");
        assert!(
            !check(&text, true).contains(&Warning::CheckingIn),
            "{step}: {text}"
        );
    }
}

#[test]
fn every_built_in_template_has_three_to_five_sentences_and_earns_no_lint_warning() {
    for (step, text) in filled_templates() {
        let n = sentence_count(&text);
        assert!((3..=5).contains(&n), "{step}: {n} sentences in {text}");
        assert_eq!(check(&text, true), vec![], "{step}: {text}");
    }
}

// =============================================================================================
// Metrics.

#[allow(clippy::too_many_arguments)]
fn history(
    created: &str,
    first_touch_after_minutes: Option<i64>,
    status: ProspectStatus,
    stage: Stage,
    value_dollars: Option<i64>,
    touches_done: i64,
    replied_after_touch: Option<i64>,
) -> History {
    let created_at = at(created);
    let first_touch_at = first_touch_after_minutes.map(|m| created_at + Duration::minutes(m));
    // The first touch after the wait, then one every two days; a reply an hour after the touch it
    // answers; a close the day after the last touch.
    let touches_at: Vec<DateTime<Utc>> = first_touch_at
        .map(|first| {
            (0..touches_done)
                .map(|i| first + Duration::days(2 * i))
                .collect()
        })
        .unwrap_or_default();
    let last = touches_at.last().copied().unwrap_or(created_at);
    History {
        created_at,
        enrolled_at: created_at,
        status,
        stage,
        value: value_dollars.map(|d| Money::from_cents(d * 100).unwrap()),
        touches_done,
        first_touch_at,
        replied_after_touch,
        replied_at: replied_after_touch.map(|n| {
            touches_at
                .get((n - 1).max(0) as usize)
                .copied()
                .unwrap_or(created_at)
                + Duration::hours(1)
        }),
        closed_at: matches!(status, ProspectStatus::Won | ProspectStatus::Lost)
            .then(|| last + Duration::days(1)),
        touches_at,
        stages_reached: Vec::new(),
    }
}

/// Seven prospects created in June 2026 (A to G) and one in April (H), outside a 30-day window
/// at the end of June.
fn june_history() -> Vec<History> {
    use ProspectStatus as S;
    #[rustfmt::skip]
    let rows = [
        // created,             wait (min),  status,     stage,              $ value,      touches, replied after
        ("2026-06-01T09:00:00Z", Some(60),   S::Won,     Stage::Won,         Some(10_000), 4, Some(3)), // A
        ("2026-06-05T09:00:00Z", Some(180),  S::Won,     Stage::Won,         Some(2_500),  2, Some(2)), // B
        ("2026-06-10T08:00:00Z", Some(300),  S::Replied, Stage::Qualified,   None,         1, Some(1)), // C
        ("2026-06-12T09:00:00Z", Some(1440), S::Active,  Stage::SalesReady,  None,         3, None),    // D
        ("2026-06-20T09:00:00Z", None,       S::Active,  Stage::Inquiry,     None,         0, None),    // E
        ("2026-06-15T09:00:00Z", Some(120),  S::Lost,    Stage::Lost,        Some(7_000),  5, None),    // F
        ("2026-06-25T09:00:00Z", Some(30),   S::Won,     Stage::Won,         Some(1_000),  1, Some(1)), // G
        ("2026-04-01T09:00:00Z", Some(10),   S::Won,     Stage::Won,         Some(50_000), 6, Some(6)), // H
    ];
    rows.into_iter()
        .map(|(created, wait, status, stage, value, touches, replied)| {
            history(created, wait, status, stage, value, touches, replied)
        })
        .collect()
}

fn end_of_june() -> DateTime<Utc> {
    at("2026-06-30T12:00:00Z")
}

#[test]
fn the_30_day_window_leaves_out_the_prospect_from_april() {
    let m = compute(&june_history(), Window::Days(30), end_of_june());
    assert_eq!(m.active, 7);
    let all = compute(&june_history(), Window::All, end_of_june());
    assert_eq!(all.active, 8);
}

#[test]
fn response_rate_is_counted_by_touch_number() {
    let m = compute(&june_history(), Window::Days(30), end_of_june());
    let t = |touch, reached, replied| TouchResponse {
        touch,
        reached,
        replied,
    };
    assert_eq!(
        m.response_by_touch,
        vec![t(1, 6, 2), t(2, 4, 1), t(3, 3, 1), t(4, 2, 0), t(5, 1, 0)]
    );
    assert_eq!(m.response_by_touch[0].rate(), 2.0 / 6.0);
    assert_eq!(m.response_by_touch[2].rate(), 1.0 / 3.0);
    assert_eq!(m.response_by_touch[4].rate(), 0.0);
}

#[test]
fn conversion_from_follow_up_counts_wins_among_prospects_that_needed_a_second_touch() {
    let m = compute(&june_history(), Window::Days(30), end_of_june());
    assert_eq!(m.won, 3);
    assert_eq!(
        m.needed_follow_up, 4,
        "A, B, D and F had two touches or more"
    );
    assert_eq!(m.won_after_follow_up, 2, "A and B");
    assert_eq!(m.conversion_from_follow_up(), 0.5);
}

#[test]
fn average_touches_to_close_is_over_won_deals() {
    let m = compute(&june_history(), Window::Days(30), end_of_june());
    assert_eq!(m.avg_touches_to_close, Some(7.0 / 3.0));
    let all = compute(&june_history(), Window::All, end_of_june());
    assert_eq!(all.avg_touches_to_close, Some(3.25));
}

#[test]
fn revenue_recovered_is_the_value_of_deals_won_at_the_third_touch_or_later() {
    let m = compute(&june_history(), Window::Days(30), end_of_june());
    assert_eq!(m.revenue_recovered.display(), "$10,000", "only A");
    let all = compute(&june_history(), Window::All, end_of_june());
    assert_eq!(all.revenue_recovered.display(), "$60,000", "A and H");
}

#[test]
fn speed_to_lead_is_the_median_wait_in_hours() {
    // Waits 30, 60, 120, 180, 300, 1440 minutes: the median is (120 + 180) / 2 = 150 minutes.
    let m = compute(&june_history(), Window::Days(30), end_of_june());
    assert_eq!(m.speed_to_lead_hours, Some(2.5));
    // With H's 10 minutes the median is the fourth of seven: 120 minutes.
    let all = compute(&june_history(), Window::All, end_of_june());
    assert_eq!(all.speed_to_lead_hours, Some(2.0));
}

#[test]
fn the_funnel_counts_how_far_each_prospect_got() {
    let m = compute(&june_history(), Window::Days(30), end_of_june());
    assert_eq!(
        m.funnel,
        Funnel {
            inquiry: 7,
            sales_ready: 5,
            qualified: 4,
            won: 3,
        }
    );
}

#[test]
fn no_history_gives_zeros_and_no_averages() {
    let m = compute(&[], Window::Days(30), end_of_june());
    assert_eq!(m.active, 0);
    assert_eq!(m.response_by_touch, vec![]);
    assert_eq!(m.avg_touches_to_close, None);
    assert_eq!(m.speed_to_lead_hours, None);
    assert_eq!(m.revenue_recovered.display(), "$0");
    assert_eq!(m.conversion_from_follow_up(), 0.0);
}

#[test]
fn a_window_counts_what_happened_in_it_whenever_the_prospect_was_added() {
    // Added in April, touched four times then, twice in June; answered the sixth touch and won.
    let mut h = history(
        "2026-04-01T09:00:00Z",
        Some(10),
        ProspectStatus::Won,
        Stage::Won,
        Some(50_000),
        6,
        Some(6),
    );
    h.touches_at[4] = at("2026-06-20T09:00:00Z");
    h.touches_at[5] = at("2026-06-24T09:00:00Z");
    h.replied_at = Some(at("2026-06-25T09:00:00Z"));
    h.closed_at = Some(at("2026-06-26T09:00:00Z"));
    let m = compute(&[h.clone()], Window::Days(30), end_of_june());
    assert_eq!(
        (m.active, m.added, m.touches_logged, m.replies, m.won),
        (1, 0, 2, 1, 1)
    );
    assert_eq!(m.won_value.display(), "$50,000");
    assert_eq!(m.revenue_recovered.display(), "$50,000");
    assert_eq!((m.won_after_follow_up, m.needed_follow_up), (1, 1));
    let t = |touch, reached, replied| TouchResponse {
        touch,
        reached,
        replied,
    };
    assert_eq!(m.response_by_touch, vec![t(5, 1, 0), t(6, 1, 1)]);
    assert_eq!(m.speed_to_lead_hours, None, "its first touch was in April");
    assert_eq!((m.funnel.inquiry, m.funnel.won), (1, 1));

    // A reply in the window to a touch logged before it counts that touch.
    h.replied_after_touch = Some(4);
    h.status = ProspectStatus::Replied;
    h.stage = Stage::Qualified;
    h.touches_done = 4;
    h.touches_at.truncate(4);
    h.closed_at = None;
    let m = compute(&[h], Window::Days(30), end_of_june());
    assert_eq!(m.response_by_touch, vec![t(4, 1, 1)]);
    assert_eq!((m.active, m.won, m.touches_logged), (1, 0, 0));
}

#[test]
fn the_window_includes_a_prospect_created_exactly_30_days_ago() {
    let h = vec![history(
        "2026-05-31T12:00:00Z",
        None,
        ProspectStatus::Active,
        Stage::Inquiry,
        None,
        0,
        None,
    )];
    assert_eq!(compute(&h, Window::Days(30), end_of_june()).active, 1);
    assert_eq!(
        compute(&h, Window::Days(30), end_of_june() + Duration::seconds(1)).active,
        0
    );
}

// =============================================================================================
// What each action does.

fn prospect(cadence: CadenceId, status: ProspectStatus) -> Prospect {
    let enrolled = at("2026-03-02T09:00:00Z");
    Prospect {
        id: 1,
        rep: RepRef::new("T1", "U1"),
        name: "Dana Reyes".into(),
        email: Some("dana@northwind.example".into()),
        phone: None,
        phone_e164: None,
        linkedin: None,
        company: Some("Northwind".into()),
        stage: Stage::Qualified,
        value: Some(Money::from_cents(1_200_000).unwrap()),
        lead: None,
        pace: Pace::Normal,
        notes: None,
        status,
        cadence,
        enrolment_id: 7,
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

/// A prospect in `cadence` with one pending touch per date, ids 100, 101, … in step order.
fn state(cadence: CadenceId, dues: &[&str]) -> ProspectState {
    let count = cadence.cadence().length().map(|n| n as i64);
    let touches = dues
        .iter()
        .enumerate()
        .map(|(i, due)| Touch {
            variant: None,
            id: 100 + i as i64,
            prospect_id: 1,
            enrolment_id: 7,
            cadence,
            step_index: i as i64,
            step_count: count,
            due_on: date(due),
            original_due_on: date(due),
            status: TouchStatus::Pending,
            snoozes: 0,
            done_at: None,
            channel: None,
            note: None,
            outcome: None,
        })
        .collect();
    ProspectState {
        newer: None,
        prospect: prospect(cadence, ProspectStatus::Active),
        touches,
    }
}

/// Ten weeks from Monday 2 March 2026: every touch falls on a weekday.
fn ten_week() -> ProspectState {
    state(
        CadenceId::TenWeek,
        &[
            "2026-03-02",
            "2026-03-04",
            "2026-03-06",
            "2026-03-16",
            "2026-03-18",
            "2026-03-20",
            "2026-04-06",
            "2026-04-08",
            "2026-04-10",
            "2026-05-04",
        ],
    )
}

/// The first `n` touches logged as done.
fn with_done(mut s: ProspectState, n: usize) -> ProspectState {
    for t in s.touches.iter_mut().take(n) {
        t.status = TouchStatus::Done;
        t.done_at = Some(at(&format!("{}T15:00:00Z", t.due_on)));
    }
    s.prospect.touches_done = n as i64;
    s
}

fn with_status(mut s: ProspectState, status: ProspectStatus) -> ProspectState {
    s.prospect.status = status;
    s
}

/// 15:00 UTC on `today`, for a rep in UTC.
fn ctx(today: &str, weekends_off: bool) -> Context {
    Context {
        now: at(&format!("{today}T15:00:00Z")),
        today: date(today),
        calendar: crate::domain::schedule::Calendar::weekends(weekends_off),
    }
}

/// The state the store would hold after writing `change`.
fn apply(s: &ProspectState, change: &Change) -> ProspectState {
    let mut next = s.clone();
    next.prospect = change.prospect.clone();
    for changed in &change.touches {
        let slot = next
            .touches
            .iter_mut()
            .find(|t| t.id == changed.id)
            .expect("a change only touches existing touches");
        *slot = changed.clone();
    }
    if change.new_enrolment.is_some() {
        next.touches.clear();
        next.prospect.enrolment_id += 1;
    }
    for nt in &change.new_touches {
        next.touches.push(Touch {
            variant: None,
            id: 200 + next.touches.len() as i64,
            prospect_id: 1,
            enrolment_id: next.prospect.enrolment_id,
            cadence: nt.cadence,
            step_index: nt.step_index,
            step_count: nt.step_count,
            due_on: nt.due_on,
            original_due_on: nt.due_on,
            status: TouchStatus::Pending,
            snoozes: 0,
            done_at: None,
            channel: None,
            note: None,
            outcome: None,
        });
    }
    next
}

fn done(touch: TouchRef) -> Action {
    Action::Done {
        touch,
        channel: None,
        outcome: None,
        note: None,
    }
}

fn dues(change: &Change) -> Vec<(i64, String)> {
    change
        .touches
        .iter()
        .map(|t| (t.id, t.due_on.to_string()))
        .collect()
}

#[test]
fn done_marks_the_earliest_pending_touch_and_counts_the_contact() {
    let s = ten_week();
    let c = ctx("2026-03-02", true);
    let action = Action::Done {
        touch: TouchRef::Next,
        channel: None,
        outcome: None,
        note: Some("left a voicemail".into()),
    };
    let change = decide(&s, &action, &c).unwrap();
    assert_eq!(change.touches.len(), 1);
    let t = &change.touches[0];
    assert_eq!(t.id, 100);
    assert_eq!(t.status, TouchStatus::Done);
    assert_eq!(t.done_at, Some(c.now));
    assert_eq!(t.channel, Some(Channel::Call), "the step's first channel");
    assert_eq!(t.note.as_deref(), Some("left a voicemail"));
    let p = &change.prospect;
    assert_eq!(p.touches_done, 1);
    assert_eq!(p.first_touch_at, Some(c.now));
    assert_eq!(p.last_contact_at, Some(c.now));
    assert_eq!(p.last_channel, Some(Channel::Call));
    assert_eq!(p.status, ProspectStatus::Active);
    assert_eq!(p.version, 2);
    assert!(change.new_touches.is_empty());
    assert_eq!(change.new_enrolment, None);
    assert!(matches!(
        change.outcome,
        Outcome::Done { ref touch, next_due: Some(d), cadence_ended: false, .. }
            if touch.id == 100 && d == date("2026-03-04")
    ));
}

#[test]
fn done_on_a_later_touch_keeps_the_first_touch_time_and_records_the_channel_used() {
    let mut s = with_done(ten_week(), 1);
    s.prospect.first_touch_at = Some(at("2026-03-02T15:00:00Z"));
    let c = ctx("2026-03-04", true);
    let action = Action::Done {
        touch: TouchRef::Next,
        channel: Some(Channel::LinkedIn),
        outcome: None,
        note: None,
    };
    let change = decide(&s, &action, &c).unwrap();
    assert_eq!(change.touches[0].id, 101);
    assert_eq!(change.touches[0].channel, Some(Channel::LinkedIn));
    assert_eq!(change.prospect.touches_done, 2);
    assert_eq!(
        change.prospect.first_touch_at,
        Some(at("2026-03-02T15:00:00Z"))
    );
    assert_eq!(change.prospect.last_contact_at, Some(c.now));
    assert_eq!(change.prospect.last_channel, Some(Channel::LinkedIn));
}

#[test]
fn done_on_the_last_touch_of_ten_week_leaves_the_prospect_awaiting_a_decision() {
    let s = with_done(ten_week(), 9);
    let change = decide(&s, &done(TouchRef::Id(109)), &ctx("2026-05-04", true)).unwrap();
    assert_eq!(change.prospect.status, ProspectStatus::Awaiting);
    assert_eq!(change.prospect.touches_done, 10);
    assert!(change.new_touches.is_empty());
    assert_eq!(change.new_enrolment, None);
    assert!(matches!(
        change.outcome,
        Outcome::Done {
            next_due: None,
            cadence_ended: true,
            ..
        }
    ));
}

/// A proposal sent on Monday 2 March 2026, weekends off: Sunday touches moved to Monday.
fn proposal() -> ProspectState {
    state(
        CadenceId::Proposal,
        &[
            "2026-03-02",
            "2026-03-04",
            "2026-03-09",
            "2026-03-16",
            "2026-03-23",
            "2026-03-31",
        ],
    )
}

#[test]
fn done_on_the_last_touch_of_proposal_moves_the_prospect_to_nurture_90_days_later() {
    let s = with_done(proposal(), 5);
    let change = decide(&s, &done(TouchRef::Next), &ctx("2026-03-31", true)).unwrap();
    assert_eq!(change.new_enrolment, Some(CadenceId::Nurture));
    assert_eq!(
        change.new_touches,
        vec![NewTouch {
            cadence: CadenceId::Nurture,
            step_index: 0,
            step_count: None,
            due_on: date("2026-06-29"),
        }]
    );
    assert_eq!(change.prospect.cadence, CadenceId::Nurture);
    assert_eq!(change.prospect.status, ProspectStatus::Active);
    assert!(matches!(
        change.outcome,
        Outcome::Done { next_due: Some(d), cadence_ended: true, .. } if d == date("2026-06-29")
    ));
}

#[test]
fn done_on_a_nurture_touch_plans_the_next_one_90_days_on() {
    let s = state(CadenceId::Nurture, &["2026-06-29"]);
    let change = decide(&s, &done(TouchRef::Next), &ctx("2026-06-29", false)).unwrap();
    assert_eq!(change.new_enrolment, None);
    assert_eq!(
        change.new_touches,
        vec![NewTouch {
            cadence: CadenceId::Nurture,
            step_index: 1,
            step_count: None,
            due_on: date("2026-09-27"),
        }]
    );
    assert_eq!(change.prospect.status, ProspectStatus::Active);
    assert_eq!(change.prospect.cadence, CadenceId::Nurture);

    // Day 90 is Sunday 27 September; with weekends off it is the Monday.
    let change = decide(&s, &done(TouchRef::Next), &ctx("2026-06-29", true)).unwrap();
    assert_eq!(change.new_touches[0].due_on, date("2026-09-28"));
}

#[test]
fn the_same_touch_logged_twice_changes_nothing_the_second_time() {
    let s = ten_week();
    let c = ctx("2026-03-02", true);
    let first = decide(&s, &done(TouchRef::Id(100)), &c).unwrap();
    assert!(!first.is_noop());
    let after = apply(&s, &first);

    let second = decide(&after, &done(TouchRef::Id(100)), &c).unwrap();
    assert!(second.is_noop());
    assert_eq!(
        second.outcome,
        Outcome::AlreadyDone("touch 1 of 10 for Dana Reyes is already done".into())
    );
    assert_eq!(second.prospect, after.prospect, "no version bump, no count");
    assert_eq!(second.prospect.touches_done, 1);
    assert!(second.touches.is_empty());
    assert!(second.new_touches.is_empty());
}

#[test]
fn a_touch_of_another_prospect_or_enrolment_is_refused() {
    let err = decide(
        &ten_week(),
        &done(TouchRef::Id(999)),
        &ctx("2026-03-02", true),
    )
    .unwrap_err();
    assert_eq!(err, DomainError::UnknownTouch("Dana Reyes".into()));
}

#[test]
fn snoozing_one_touch_moves_only_that_touch_when_the_next_is_still_later() {
    // Proposal: Wed 4 March's touch snoozed a day to Thu 5; the next, Mon 9, is still at rest.
    let s = with_done(proposal(), 1);
    let action = Action::Snooze {
        touch: TouchRef::Id(101),
        by: SnoozeFor::Days(1),
        shift_rest: false,
    };
    let change = decide(&s, &action, &ctx("2026-03-04", true)).unwrap();
    assert_eq!(dues(&change), vec![(101, "2026-03-05".into())]);
    assert_eq!(change.touches[0].snoozes, 1);
    assert_eq!(change.touches[0].original_due_on, date("2026-03-04"));
    assert!(matches!(
        change.outcome,
        Outcome::Snoozed { moved_later: 0, .. }
    ));
}

#[test]
fn snoozed_touch_keeps_later_touches_after_it() {
    // Monday's touch snoozed three days lands on Thursday 5 March, past Wednesday's touch:
    // Wednesday's moves on, past Friday 6 (the working day right after Thursday) to Monday 9,
    // and Friday's to Wednesday 11 (weekends off; never two working days running).
    let s = ten_week();
    let action = Action::Snooze {
        touch: TouchRef::Next,
        by: SnoozeFor::Days(3),
        shift_rest: false,
    };
    let change = decide(&s, &action, &ctx("2026-03-02", true)).unwrap();
    assert_eq!(
        dues(&change),
        vec![
            (100, "2026-03-05".into()),
            (101, "2026-03-09".into()),
            (102, "2026-03-11".into()),
        ]
    );
    assert!(matches!(
        change.outcome,
        Outcome::Snoozed { moved_later: 2, .. }
    ));
    let after = apply(&s, &change);
    let dates: Vec<NaiveDate> = after.touches.iter().map(|t| t.due_on).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
}

#[test]
fn snoozing_with_shift_rest_moves_every_later_touch_by_the_same_days() {
    let s = ten_week();
    let action = Action::Snooze {
        touch: TouchRef::Id(100),
        by: SnoozeFor::Days(7),
        shift_rest: true,
    };
    let change = decide(&s, &action, &ctx("2026-03-02", true)).unwrap();
    assert_eq!(
        dues(&change),
        vec![
            (100, "2026-03-09".into()),
            (101, "2026-03-11".into()),
            (102, "2026-03-13".into()),
            (103, "2026-03-23".into()),
            (104, "2026-03-25".into()),
            (105, "2026-03-27".into()),
            (106, "2026-04-13".into()),
            (107, "2026-04-15".into()),
            (108, "2026-04-17".into()),
            (109, "2026-05-11".into()),
        ]
    );
    assert!(matches!(
        change.outcome,
        Outcome::Snoozed { moved_later: 9, .. }
    ));
}

#[test]
fn snoozing_until_a_saturday_with_weekends_off_lands_on_monday() {
    let s = ten_week();
    let action = Action::Snooze {
        touch: TouchRef::Id(100),
        by: SnoozeFor::Until(date("2026-03-07")),
        shift_rest: false,
    };
    let change = decide(&s, &action, &ctx("2026-03-02", true)).unwrap();
    assert_eq!(change.touches[0].due_on, date("2026-03-09"));
}

#[test]
fn snoozing_to_today_or_the_past_is_refused() {
    let s = ten_week();
    let c = ctx("2026-03-02", true);
    for (by, refused) in [
        (SnoozeFor::Days(0), "2026-03-02"),
        (SnoozeFor::Until(date("2026-03-02")), "2026-03-02"),
        (SnoozeFor::Until(date("2026-02-27")), "2026-02-27"),
    ] {
        let action = Action::Snooze {
            touch: TouchRef::Next,
            by,
            shift_rest: false,
        };
        let err = decide(&s, &action, &c).unwrap_err();
        assert_eq!(err, DomainError::SnoozeNotLater(date(refused)));
        assert_eq!(
            err.to_string(),
            format!("snooze to a day after today ({refused} is not)")
        );
    }
}

#[test]
fn a_reply_records_the_touch_it_came_after_and_cancels_what_was_planned() {
    let s = with_done(ten_week(), 2);
    let action = Action::Replied {
        note: Some("wants a call on Tuesday".into()),
    };
    let change = decide(&s, &action, &ctx("2026-03-05", true)).unwrap();
    assert_eq!(change.prospect.status, ProspectStatus::Replied);
    assert_eq!(change.prospect.replied_after_touch, Some(2));
    assert_eq!(
        change.prospect.notes.as_deref(),
        Some("2026-03-05 replied: wants a call on Tuesday")
    );
    let cancelled: Vec<i64> = change.touches.iter().map(|t| t.id).collect();
    assert_eq!(cancelled, (102..=109).collect::<Vec<_>>());
    assert!(change
        .touches
        .iter()
        .all(|t| t.status == TouchStatus::Cancelled));
    assert_eq!(change.outcome, Outcome::Replied);

    let again = decide(&apply(&s, &change), &action, &ctx("2026-03-05", true)).unwrap();
    assert!(again.is_noop());
}

#[test]
fn pausing_holds_every_pending_touch_and_logging_while_paused_is_refused() {
    let s = with_done(ten_week(), 1);
    let change = decide(&s, &Action::Pause, &ctx("2026-03-03", true)).unwrap();
    assert_eq!(change.prospect.status, ProspectStatus::Paused);
    assert_eq!(change.prospect.paused_on, Some(date("2026-03-03")));
    assert_eq!(change.touches.len(), 9);
    assert!(change
        .touches
        .iter()
        .all(|t| t.status == TouchStatus::Paused));
    assert_eq!(change.outcome, Outcome::Paused);

    let paused = apply(&s, &change);
    let err = decide(&paused, &done(TouchRef::Next), &ctx("2026-03-04", true)).unwrap_err();
    assert_eq!(
        err,
        DomainError::WrongStatus {
            name: "Dana Reyes".into(),
            status: "paused".into(),
            wanted: "logged",
        }
    );
    assert_eq!(
        err.to_string(),
        "Dana Reyes is paused, so it cannot be logged"
    );
}

#[test]
fn resuming_ten_days_later_shifts_every_held_touch_by_ten_days() {
    let s = with_done(ten_week(), 1);
    let paused = apply(
        &s,
        &decide(&s, &Action::Pause, &ctx("2026-03-03", false)).unwrap(),
    );
    let change = decide(&paused, &Action::Resume, &ctx("2026-03-13", false)).unwrap();
    assert_eq!(
        dues(&change),
        vec![
            (101, "2026-03-14".into()),
            (102, "2026-03-16".into()),
            (103, "2026-03-26".into()),
            (104, "2026-03-28".into()),
            (105, "2026-03-30".into()),
            (106, "2026-04-16".into()),
            (107, "2026-04-18".into()),
            (108, "2026-04-20".into()),
            (109, "2026-05-14".into()),
        ]
    );
    assert!(change
        .touches
        .iter()
        .all(|t| t.status == TouchStatus::Pending));
    assert_eq!(change.prospect.status, ProspectStatus::Active);
    assert_eq!(change.prospect.paused_on, None);
    assert_eq!(
        change.outcome,
        Outcome::Resumed {
            shifted_days: 10,
            next_due: Some(date("2026-03-14")),
        }
    );
}

#[test]
fn resuming_a_week_later_with_weekends_off_keeps_every_touch_on_its_weekday() {
    let s = with_done(ten_week(), 1);
    let paused = apply(
        &s,
        &decide(&s, &Action::Pause, &ctx("2026-03-03", true)).unwrap(),
    );
    let change = decide(&paused, &Action::Resume, &ctx("2026-03-10", true)).unwrap();
    assert_eq!(
        dues(&change),
        vec![
            (101, "2026-03-11".into()),
            (102, "2026-03-13".into()),
            (103, "2026-03-23".into()),
            (104, "2026-03-25".into()),
            (105, "2026-03-27".into()),
            (106, "2026-04-13".into()),
            (107, "2026-04-15".into()),
            (108, "2026-04-17".into()),
            (109, "2026-05-11".into()),
        ]
    );
}

#[test]
fn a_won_deal_keeps_its_value_closes_and_cancels_the_rest() {
    let s = with_done(ten_week(), 3);
    let c = ctx("2026-03-10", true);
    let value = Money::parse("15k").unwrap();
    let change = decide(&s, &Action::Won { value: Some(value) }, &c).unwrap();
    assert_eq!(change.prospect.status, ProspectStatus::Won);
    assert_eq!(change.prospect.stage, Stage::Won);
    assert_eq!(
        change.prospect.value.map(Money::display).as_deref(),
        Some("$15,000")
    );
    assert_eq!(change.prospect.closed_at, Some(c.now));
    assert_eq!(change.touches.len(), 7);
    assert!(change
        .touches
        .iter()
        .all(|t| t.status == TouchStatus::Cancelled));
    assert_eq!(change.outcome, Outcome::Won);

    // Without a value the estimate stays.
    let change = decide(&s, &Action::Won { value: None }, &c).unwrap();
    assert_eq!(
        change.prospect.value.map(Money::display).as_deref(),
        Some("$12,000")
    );
}

#[test]
fn a_lost_deal_keeps_the_reason_and_cancels_the_rest() {
    let s = with_done(ten_week(), 3);
    let c = ctx("2026-03-10", true);
    let action = Action::Lost {
        reason: Some("went with a competitor".into()),
    };
    let change = decide(&s, &action, &c).unwrap();
    assert_eq!(change.prospect.status, ProspectStatus::Lost);
    assert_eq!(change.prospect.stage, Stage::Lost);
    assert_eq!(
        change.prospect.close_reason.as_deref(),
        Some("went with a competitor")
    );
    assert_eq!(change.prospect.closed_at, Some(c.now));
    assert_eq!(change.touches.len(), 7);
    assert_eq!(change.outcome, Outcome::Lost);
}

#[test]
fn stopping_closes_the_prospect_and_cancels_the_rest() {
    let s = with_done(ten_week(), 3);
    let c = ctx("2026-03-10", true);
    let change = decide(&s, &Action::Stop, &c).unwrap();
    assert_eq!(change.prospect.status, ProspectStatus::Stopped);
    assert_eq!(change.prospect.closed_at, Some(c.now));
    assert_eq!(change.touches.len(), 7);
    assert!(change
        .touches
        .iter()
        .all(|t| t.status == TouchStatus::Cancelled));
    assert_eq!(change.outcome, Outcome::Stopped);
    let again = decide(&apply(&s, &change), &Action::Stop, &c).unwrap();
    assert_eq!(
        again.outcome,
        Outcome::AlreadyDone("Dana Reyes is already stopped".into())
    );
}

#[test]
fn one_more_touch_after_a_finished_cadence_comes_a_week_later() {
    let s = with_status(with_done(ten_week(), 10), ProspectStatus::Awaiting);
    let change = decide(&s, &Action::OneMore, &ctx("2026-05-06", true)).unwrap();
    assert_eq!(
        change.new_touches,
        vec![NewTouch {
            cadence: CadenceId::TenWeek,
            step_index: 10,
            step_count: Some(11),
            due_on: date("2026-05-13"),
        }]
    );
    assert_eq!(change.prospect.status, ProspectStatus::Active);
    assert_eq!(
        change.outcome,
        Outcome::OneMore {
            due_on: date("2026-05-13")
        }
    );
}

#[test]
fn one_more_touch_for_a_slow_decider_waits_eleven_days_and_skips_the_weekend() {
    let mut s = with_status(with_done(ten_week(), 10), ProspectStatus::Awaiting);
    s.prospect.pace = Pace::Slow;
    // 7 × 1.5 = 10.5, rounded to 11: Sunday 17 May, so Monday 18 May.
    let change = decide(&s, &Action::OneMore, &ctx("2026-05-06", true)).unwrap();
    assert_eq!(change.new_touches[0].due_on, date("2026-05-18"));
}

#[test]
fn nothing_left_to_log_after_the_cadence_ends_says_what_to_do() {
    let s = with_status(with_done(ten_week(), 10), ProspectStatus::Awaiting);
    let err = decide(&s, &done(TouchRef::Next), &ctx("2026-05-06", true)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Dana Reyes has no touch waiting; the cadence is finished: choose one more touch, nurture, or close"
    );
}

#[test]
fn actions_in_the_wrong_status_are_refused_with_the_status_named() {
    let table: &[(ProspectStatus, Action, &str)] = &[
        (ProspectStatus::Won, Action::Pause, "paused"),
        (ProspectStatus::Awaiting, Action::Pause, "paused"),
        (ProspectStatus::Stopped, Action::Resume, "resumed"),
        (
            ProspectStatus::Lost,
            Action::Won { value: None },
            "marked as won",
        ),
        (
            ProspectStatus::Won,
            Action::Lost { reason: None },
            "marked as lost",
        ),
        (
            ProspectStatus::Won,
            Action::Replied { note: None },
            "marked as replied",
        ),
        (ProspectStatus::Lost, Action::Stop, "stopped"),
        (
            ProspectStatus::Replied,
            Action::OneMore,
            "given one more touch",
        ),
        (ProspectStatus::Won, Action::Nurture, "moved to nurture"),
        (
            ProspectStatus::Paused,
            Action::Snooze {
                touch: TouchRef::Next,
                by: SnoozeFor::Days(3),
                shift_rest: false,
            },
            "snoozed",
        ),
        (
            ProspectStatus::Paused,
            Action::Skip {
                touch: TouchRef::Next,
            },
            "skipped",
        ),
    ];
    for (status, action, wanted) in table {
        let s = with_status(ten_week(), *status);
        let err = decide(&s, action, &ctx("2026-03-02", true)).unwrap_err();
        assert_eq!(
            err,
            DomainError::WrongStatus {
                name: "Dana Reyes".into(),
                status: status.to_string(),
                wanted,
            },
            "{action:?} on a {status} prospect"
        );
        assert_eq!(
            err.to_string(),
            format!("Dana Reyes is {status}, so it cannot be {wanted}")
        );
    }
}

#[test]
fn repeating_a_state_change_already_made_is_a_no_op_not_an_error() {
    let table: &[(ProspectStatus, Action, &str)] = &[
        (
            ProspectStatus::Paused,
            Action::Pause,
            "Dana Reyes is already paused",
        ),
        (
            ProspectStatus::Active,
            Action::Resume,
            "Dana Reyes is already active",
        ),
        (
            ProspectStatus::Won,
            Action::Won { value: None },
            "Dana Reyes is already won",
        ),
        (
            ProspectStatus::Lost,
            Action::Lost { reason: None },
            "Dana Reyes is already lost",
        ),
        (
            ProspectStatus::Active,
            Action::OneMore,
            "Dana Reyes already has a touch planned",
        ),
    ];
    for (status, action, message) in table {
        let s = with_status(ten_week(), *status);
        let change = decide(&s, action, &ctx("2026-03-02", true)).unwrap();
        assert!(change.is_noop(), "{action:?}");
        assert_eq!(change.outcome, Outcome::AlreadyDone(message.to_string()));
        assert_eq!(change.prospect, s.prospect);
    }
}
