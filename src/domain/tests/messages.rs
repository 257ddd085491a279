//! Messages a rep can send as they are: every built-in suggested message, each "one more" and a
//! run of nurture touches, against the practice in DOMAIN.md. Pure domain: no database.
//!
//! Every date is fixed; nothing depends on the day the tests run.

use crate::domain::cadence::Channel;
use crate::domain::cadence::{AfterEnd, Cadence, CadenceId, BUILT_IN, ONE_MORE};
use crate::domain::dates::short_date;
use crate::domain::due::{Detail, DueTouch};
use crate::domain::lint::{check, sentence_count};
use crate::domain::prospect::{
    Money, Pace, Prospect, ProspectStatus, RepRef, Stage, Touch, TouchStatus,
};
use crate::domain::template::{close_file_date, fill, TemplateVars, SLOT_OPEN};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// Friday 6 March 2026: the day every message of the catalogue goes out.
fn send_on() -> NaiveDate {
    date("2026-03-06")
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 test instant")
        .with_timezone(&Utc)
}

const PERSONAL: &str = "[✍ one personal sentence for Dana]";

/// Results, figures and customers a template may not state itself.
const RESULT_CLAIMS: &[&str] = &[
    "halved",
    "doubled",
    "tripled",
    "percent",
    "per cent",
    "a team much like",
    "a team like",
    "teams like",
    "similar team",
    "customer",
    "client",
    "saved them",
    "cut their",
];

/// Past conversations and actions a template may not claim on its own.
const HISTORY_CLAIMS: &[&str] = &[
    "you mentioned",
    "you told me",
    "you said",
    "you asked",
    "you sent",
    "we last spoke",
    "we spoke",
    "when we met",
    "as discussed",
    "we discussed",
    "our conversation",
    "our call",
    "last time we",
    "thanks for getting in touch",
];

/// How many touches past a cadence's steps a test looks at: enough to see every rotating text
/// come round twice.
const EXTRA_TOUCHES: usize = 8;

/// The touch indexes a cadence can reach: its steps, then a repeating cadence's further turns, or
/// "one more" touches after the end of any other.
fn indexes(c: &Cadence) -> std::ops::Range<usize> {
    0..c.steps.len() + EXTRA_TOUCHES
}

/// The touch indexes whose text must differ from every other one in the cadence: its steps and
/// one full turn of whatever comes after them.
fn distinct_indexes(c: &Cadence) -> std::ops::Range<usize> {
    let extra = match c.after {
        AfterEnd::Repeat { .. } => c.steps.last().map_or(0, |s| s.templates.len()) - 1,
        _ => ONE_MORE.templates.len(),
    };
    0..c.steps.len() + extra
}

fn label(c: &Cadence, index: usize) -> String {
    format!("{} touch {}", c.id, index + 1)
}

fn filled(c: &Cadence, index: usize, company: Option<&str>) -> String {
    fill(
        c.template(index),
        TemplateVars {
            name: "Dana Reyes",
            company,
            send_on: send_on(),
        },
    )
}

/// Every message a rep can be shown, filled for Dana Reyes of Northwind, with where it comes from.
fn every_message() -> Vec<(String, String)> {
    BUILT_IN
        .iter()
        .flat_map(|c| indexes(c).map(move |i| (label(c, i), filled(c, i, Some("Northwind")))))
        .collect()
}

/// The text with every `[✍ …]` slot taken out: what the template itself says.
fn outside_slots(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(SLOT_OPEN) {
        out.push_str(&rest[..start]);
        let slot = &rest[start..];
        rest = slot.find(']').map_or("", |end| &slot[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// What the template says on its own, without slots or the close date it names.
fn own_words(text: &str) -> String {
    outside_slots(text).replace(&short_date(close_file_date(send_on())), "the close date")
}

/// The claims among `phrases` that the template makes on its own, plus any digit or `%`.
fn claims_in(text: &str, phrases: &[&str]) -> Vec<String> {
    let own = own_words(text).to_lowercase();
    let mut found: Vec<String> = phrases
        .iter()
        .filter(|p| own.contains(*p))
        .map(|p| p.to_string())
        .collect();
    found.extend(
        own.chars()
            .filter(|c| c.is_ascii_digit() || *c == '%')
            .map(String::from),
    );
    found
}

fn prospect(cadence: CadenceId, company: Option<&str>) -> Prospect {
    let enrolled = at("2026-01-05T09:00:00Z");
    Prospect {
        id: 1,
        rep: RepRef::new("T1", "U1"),
        name: "Dana Reyes".into(),
        email: Some("dana@northwind.example".into()),
        phone: None,
        linkedin: None,
        company: company.map(String::from),
        stage: Stage::Qualified,
        value: Money::from_cents(1_200_000).ok(),
        lead: None,
        pace: Pace::Normal,
        notes: None,
        status: ProspectStatus::Active,
        cadence,
        enrolment_id: 7,
        enrolled_at: enrolled,
        touches_done: 3,
        first_touch_at: Some(enrolled),
        last_contact_at: Some(enrolled),
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
        phone_e164: None,
    }
}

/// The pending touch at `step_index` of `cadence`, due on `due_on`, for Dana Reyes of Northwind.
fn due_touch(cadence: CadenceId, step_index: usize, due_on: NaiveDate) -> DueTouch {
    let c = cadence.cadence();
    let touch = Touch {
        variant: None,
        id: 100,
        prospect_id: 1,
        enrolment_id: 7,
        cadence,
        step_index: step_index as i64,
        step_count: c.length().map(|n| n.max(step_index + 1) as i64),
        due_on,
        original_due_on: due_on,
        status: TouchStatus::Pending,
        snoozes: 0,
        done_at: None,
        channel: None,
        note: None,
        outcome: None,
    };
    DueTouch::new(prospect(cadence, Some("Northwind")), touch)
}

/// Weekdays after `from`, up to and including `to`.
fn working_days_between(from: NaiveDate, to: NaiveDate) -> usize {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count()
}

// =============================================================================================
// What every message is made of.

#[test]
fn every_message_leaves_the_personal_slot_and_carries_something_the_rep_supplies_or_a_date() {
    let close = short_date(close_file_date(send_on()));
    for (touch, text) in every_message() {
        assert!(
            !text.contains('{') && !text.contains('}'),
            "{touch}: {text}"
        );
        assert_eq!(text.matches(PERSONAL).count(), 1, "{touch}: {text}");
        let other_slots = text.matches(SLOT_OPEN).count() - 1;
        assert!(
            other_slots >= 1 || text.contains(&close),
            "{touch} carries nothing: no slot beside the personal one and no close date: {text}"
        );
    }
}

#[test]
fn every_message_is_three_to_five_sentences_earns_no_warning_and_ends_with_one_question() {
    for (touch, text) in every_message() {
        let n = sentence_count(&text);
        assert!((3..=5).contains(&n), "{touch}: {n} sentences in {text}");
        assert_eq!(check(&text, true), vec![], "{touch}: {text}");
        assert!(text.ends_with('?'), "{touch}: {text}");
        assert_eq!(
            outside_slots(&text).matches('?').count(),
            1,
            "{touch} asks one question: {text}"
        );
    }
}

#[test]
fn no_message_states_a_result_figure_or_customer_outside_a_slot() {
    for (touch, text) in every_message() {
        assert_eq!(
            claims_in(&text, RESULT_CLAIMS),
            Vec::<String>::new(),
            "{touch}: {text}"
        );
    }
}

#[test]
fn no_message_claims_a_past_conversation_outside_a_slot() {
    for (touch, text) in every_message() {
        assert_eq!(
            claims_in(&text, HISTORY_CLAIMS),
            Vec::<String>::new(),
            "{touch}: {text}"
        );
    }
}

#[test]
fn the_claim_checker_sees_claims_and_figures_but_not_what_sits_in_a_slot() {
    let text = "Hi Dana, [✍ one result from a similar client, in numbers] A team much like yours halved it. As you mentioned, it took 3 weeks and 40% less. Shall we talk?";
    assert_eq!(
        claims_in(text, RESULT_CLAIMS),
        vec!["halved", "a team much like", "3", "4", "0", "%"]
    );
    assert_eq!(
        claims_in(text, HISTORY_CLAIMS),
        vec!["you mentioned", "3", "4", "0", "%"]
    );
    assert_eq!(
        claims_in(
            "Hi Dana, [✍ 3 clients doubled it, 40%] Shall we talk?",
            RESULT_CLAIMS
        ),
        Vec::<String>::new()
    );
}

// =============================================================================================
// No repeats.

#[test]
fn within_one_cadence_no_two_touches_send_the_same_text() {
    for c in BUILT_IN {
        let texts: Vec<(String, String)> = distinct_indexes(c)
            .map(|i| (label(c, i), filled(c, i, Some("Northwind"))))
            .collect();
        for (i, (a, text_a)) in texts.iter().enumerate() {
            for (b, text_b) in &texts[i + 1..] {
                assert_ne!(text_a, text_b, "{a} and {b} send the same text");
            }
        }
    }
}

#[test]
fn consecutive_nurture_touches_send_different_texts() {
    let nurture = CadenceId::Nurture.cadence();
    let texts: Vec<String> = (0..12)
        .map(|i| due_touch(CadenceId::Nurture, i, send_on()).suggested_message(send_on()))
        .collect();
    for (i, pair) in texts.windows(2).enumerate() {
        assert_ne!(pair[0], pair[1], "nurture touches {} and {}", i + 1, i + 2);
    }
    assert!(
        nurture.steps[0].templates.len() >= 3,
        "nurture rotates through several texts"
    );
    for i in 0..12 {
        assert_eq!(
            due_touch(CadenceId::Nurture, i, send_on()).channels(),
            "value-add"
        );
    }
}

#[test]
fn weeks_three_and_six_of_ten_week_read_as_later_attempts() {
    let c = CadenceId::TenWeek.cadence();
    let first_contact = filled(c, 0, Some("Northwind")).to_lowercase();
    assert!(!first_contact.contains("again"), "{first_contact}");
    for i in 3..9 {
        let text = filled(c, i, Some("Northwind")).to_lowercase();
        assert!(
            ["again", "while", "since", "weeks", "last note"]
                .iter()
                .any(|w| text.contains(w)),
            "{} (day {}) should read as a later attempt: {text}",
            label(c, i),
            c.steps[i].day
        );
    }
}

// =============================================================================================
// The close-the-file date.

#[test]
fn the_close_date_is_three_working_days_after_the_day_it_goes_out_and_on_a_weekday() {
    // Monday 2 to Sunday 8 March 2026.
    for offset in 0..7 {
        let sent = date("2026-03-02") + Duration::days(offset);
        let close = close_file_date(sent);
        assert_eq!(working_days_between(sent, close), 3, "sent {sent}");
        assert!(
            !matches!(close.weekday(), Weekday::Sat | Weekday::Sun),
            "sent {sent}: {close}"
        );
    }
    assert_eq!(close_file_date(date("2026-03-06")), date("2026-03-11"));
    assert_eq!(close_file_date(date("2026-03-02")), date("2026-03-05"));
}

#[test]
fn a_closing_touch_ten_days_late_names_a_date_three_working_days_after_today() {
    // Today is Thursday 12 March 2026; each closing touch was due on Monday 2 March.
    let today = date("2026-03-12");
    let due_on = today - Duration::days(10);
    for (cadence, index) in [
        (CadenceId::TenWeek, 9),
        (CadenceId::Proposal, 5),
        (CadenceId::Hot, 8),
        (CadenceId::Cold, 5),
    ] {
        let text = due_touch(cadence, index, due_on).suggested_message(today);
        let close = close_file_date(today);
        assert_eq!(close, date("2026-03-17"), "Tuesday 17 March");
        assert!(working_days_between(today, close) >= 3);
        assert!(!matches!(close.weekday(), Weekday::Sat | Weekday::Sun));
        assert!(
            text.contains(&short_date(close)),
            "{cadence}: names {}: {text}",
            short_date(close)
        );
        assert!(
            !text.contains(&short_date(close_file_date(due_on))),
            "{cadence}: not the date counted from the due date: {text}"
        );
    }
}

#[test]
fn a_closing_touch_shown_before_its_due_date_counts_from_the_due_date() {
    // Shown on Monday 2 March, due on Wednesday 4 March: the file closes on Monday 9 March.
    let text =
        due_touch(CadenceId::TenWeek, 9, date("2026-03-04")).suggested_message(date("2026-03-02"));
    assert!(text.contains("Mon 9 Mar"), "{text}");
}

// =============================================================================================
// "One more" after the closing touch.

#[test]
fn one_more_after_the_closing_touch_is_a_new_attempt_not_a_second_goodbye() {
    let today = send_on();
    for c in BUILT_IN
        .iter()
        .filter(|c| !matches!(c.after, AfterEnd::Repeat { .. }))
    {
        let last = c.steps.len() - 1;
        let closing = due_touch(c.id, last, today).suggested_message(today);
        for extra in 0..EXTRA_TOUCHES {
            let touch = due_touch(c.id, c.steps.len() + extra, today);
            let text = touch.suggested_message(today);
            let own = own_words(&text).to_lowercase();
            assert_ne!(text, closing, "{}: one more repeats the goodbye", c.id);
            for goodbye in [
                "close the file",
                "close your file",
                "closing",
                "welcome back",
                "last note",
                "goodbye",
                "stop",
            ] {
                assert!(!own.contains(goodbye), "{}: says {goodbye:?}: {text}", c.id);
            }
            assert!(
                text.contains("[✍ a useful resource") || text.contains("[✍ a new angle"),
                "{}: a new angle or a resource: {text}",
                c.id
            );
            assert_eq!(touch.channels(), "email + value-add", "{}", c.id);
        }
        let first = due_touch(c.id, c.steps.len(), today).suggested_message(today);
        let second = due_touch(c.id, c.steps.len() + 1, today).suggested_message(today);
        assert_ne!(
            first, second,
            "{}: a second one more says something new",
            c.id
        );
    }
}

// =============================================================================================
// A prospect without a company.

#[test]
fn every_message_reads_naturally_without_a_company() {
    for c in BUILT_IN {
        for i in indexes(c) {
            let text = filled(c, i, None);
            let touch = label(c, i);
            assert!(!text.contains('{'), "{touch}: {text}");
            for awkward in [
                " at your team",
                "your team's team",
                "the your team",
                "your your",
                ". your team",
                ": your team",
            ] {
                assert!(!text.contains(awkward), "{touch}: {awkward:?} in {text}");
            }
            if c.template(i).contains("{company}") {
                assert!(text.contains("your team"), "{touch}: {text}");
            }
            assert_eq!(check(&text, true), vec![], "{touch}: {text}");
        }
    }
}

#[test]
fn a_touch_names_the_contact_details_it_needs_that_the_record_lacks() {
    let on = date("2026-03-06");
    // Dana has an email address and nothing else.
    let missing = |step: usize| due_touch(CadenceId::Cold, step, on).missing_details();
    // Cold step 1 is "email or call": the email will do.
    assert_eq!(missing(0), vec![]);
    // Step 2 is a call.
    assert_eq!(missing(1), vec![Detail::Phone]);
    // Step 3 is a value-add: nothing needed from the record.
    assert_eq!(missing(2), vec![]);
    // The last is an email and a voicemail: both are to be done, so the number is missing.
    assert_eq!(missing(5), vec![Detail::Phone]);

    // With neither an email nor a phone, "email or call" lacks both, in the step's order.
    let mut bare = due_touch(CadenceId::Cold, 0, on);
    bare.prospect.email = None;
    assert_eq!(bare.missing_details(), vec![Detail::Email, Detail::Phone]);
    // Given a number, the call can be made.
    let mut called = due_touch(CadenceId::Cold, 1, on);
    called.prospect.phone = Some("+1 415 555 0100".into());
    assert_eq!(called.missing_details(), vec![]);

    // A touch the rep set outside the cadence needs what its own channel needs.
    let mut extra = due_touch(CadenceId::Cold, 0, on);
    extra.touch.step_index = -1;
    extra.touch.channel = Some(Channel::LinkedIn);
    assert_eq!(extra.missing_details(), vec![Detail::LinkedIn]);
    extra.prospect.linkedin = Some("linkedin.com/in/danareyes".into());
    assert_eq!(extra.missing_details(), vec![]);
    extra.touch.channel = None;
    assert_eq!(extra.missing_details(), vec![]);
}
