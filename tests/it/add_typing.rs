//! `/followup add` as reps really type it: phones in several words, punctuation around emails,
//! `cold lead` and `from Globex` read as the fields they mean, `note:` to the end of the line,
//! long names questioned rather than stored, and bare numbers naming a prospect. The router
//! tests run on SQLite and Postgres.

use crate::common;

use std::sync::Arc;

use chrono::{DateTime, NaiveTime, Utc};
use common::app::{TestApp, ALICE};
use common::{at, date};
use followup::clock::FixedClock;
use followup::command::{parse, Command, CommandError};
use followup::csv_io::{import, read_prospects};
use followup::domain::lifecycle::ProspectState;
use followup::domain::{CadenceId, LeadTemp, NewProspect, Phone, Prospect, RepRef, TouchStatus};
use followup::service::Service;
use proptest::prelude::*;

/// Monday 2026-11-02, 14:00 UTC.
fn start_time() -> DateTime<Utc> {
    at(2026, 11, 2, 14, 0)
}

fn added(text: &str) -> NewProspect {
    match parse(text, date(2026, 11, 2)) {
        Ok(Command::Add(new)) => *new,
        other => panic!("`{text}` should be an add: {other:?}"),
    }
}

fn phone_of(new: &NewProspect) -> (&str, Option<&str>) {
    let phone = new
        .phone
        .as_ref()
        .unwrap_or_else(|| panic!("no phone in {new:?}"));
    (phone.as_str(), phone.e164())
}

async fn stored(app: &TestApp) -> Vec<ProspectState> {
    app.snapshot(&TestApp::alice()).await
}

fn named<'a>(states: &'a [ProspectState], name: &str) -> &'a Prospect {
    states
        .iter()
        .map(|s| &s.prospect)
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no prospect named `{name}` in {states:#?}"))
}

// ---------------------------------------------------------------------------------------------
// The parser alone

#[test]
fn a_phone_typed_in_several_words_is_one_phone_and_never_part_of_the_name() {
    let cases = [
        (
            "add Jane Doe jane@acme.com +1 555 010 2030 company:\"Acme Corp\"",
            "Jane Doe",
            "+1 555 010 2030",
            Some("+15550102030"),
        ),
        (
            "add Sam Hill +1 415 555 0100",
            "Sam Hill",
            "+1 415 555 0100",
            Some("+14155550100"),
        ),
        (
            "add Sam Hill +1 415-555-0100 lead:hot",
            "Sam Hill",
            "+1 415-555-0100",
            Some("+14155550100"),
        ),
        (
            "add Daniel Kim (415) 555-0142 company:Initech",
            "Daniel Kim",
            "(415) 555-0142",
            Some("+14155550142"),
        ),
        (
            "add Nigel Pratt +44 20 7946 0958",
            "Nigel Pratt",
            "+44 20 7946 0958",
            Some("+442079460958"),
        ),
        (
            "add Ann Lee 415.555.0142 company:Acme",
            "Ann Lee",
            "415.555.0142",
            Some("+14155550142"),
        ),
        (
            "add Ann Lee +1 415-555-0100 ext 12 company:Acme",
            "Ann Lee",
            "+1 415-555-0100 ext 12",
            Some("+14155550100"),
        ),
        (
            "add Ann Lee +1 415 555 0100 x12",
            "Ann Lee",
            "+1 415 555 0100 x12",
            Some("+14155550100"),
        ),
        // Seven digits and no country: kept as typed, no E.164 guessed.
        ("add Ann Lee 555-0142", "Ann Lee", "555-0142", None),
        // The punctuation of the sentence is not the number's.
        (
            "add Ann Lee, +1 415 555 0100, cold lead",
            "Ann Lee",
            "+1 415 555 0100",
            Some("+14155550100"),
        ),
        (
            "add Ann Lee (+44 20 7946 0958).",
            "Ann Lee",
            "+44 20 7946 0958",
            Some("+442079460958"),
        ),
        // The field and Slack's link keep working, and `phone:` takes the words after it.
        (
            "add Ann Lee phone:\"+1 415 555 0100\"",
            "Ann Lee",
            "+1 415 555 0100",
            Some("+14155550100"),
        ),
        (
            "add Ann Lee phone:+1 415 555 0100 company:Acme",
            "Ann Lee",
            "+1 415 555 0100",
            Some("+14155550100"),
        ),
        (
            "add Ann Lee <tel:+14155550100|+1 415 555 0100>",
            "Ann Lee",
            "+1 415 555 0100",
            Some("+14155550100"),
        ),
    ];
    for (text, name, typed, e164) in cases {
        let new = added(text);
        assert_eq!(new.name.as_str(), name, "{text}");
        assert_eq!(phone_of(&new), (typed, e164), "{text}");
    }
}

#[test]
fn only_a_ten_digit_number_in_nanp_form_is_given_a_country_when_none_was_typed() {
    let e164 = |raw: &str| {
        Phone::parse(raw)
            .ok()
            .and_then(|p| p.e164().map(String::from))
    };
    assert_eq!(e164("(415) 555-0142").as_deref(), Some("+14155550142"));
    assert_eq!(e164("1 415 555 0142").as_deref(), Some("+14155550142"));
    // Area code starting with 0 or 1 is not NANP; an 11-digit national number is not either.
    assert_eq!(e164("015 555 0142"), None);
    assert_eq!(e164("020 7946 0958"), None);
    assert_eq!(e164("555 0142"), None);
    // A country code no one uses.
    assert_eq!(e164("+999 1234 5678"), None);
    // A trunk prefix written in brackets comes off.
    assert_eq!(
        e164("+44 (0)20 7946 0958").as_deref(),
        Some("+442079460958")
    );
}

#[test]
fn what_is_not_a_phone_is_still_refused_as_one() {
    for text in [
        "add Ann Lee +1",
        "add Ann Lee 42",
        "add Ann Lee ++1 415 555 0100",
        "add Ann Lee 1234567890123456",
        "add Ann Lee phone:",
    ] {
        assert!(
            matches!(
                parse(text, date(2026, 11, 2)),
                Err(CommandError::Domain(
                    followup::domain::DomainError::BadPhone(_)
                ))
            ),
            "{text}"
        );
    }
}

#[test]
fn loose_typing_becomes_the_fields_it_means() {
    let tom = added("add Tom Becker from Globex, tom.becker@globex.io, cold lead");
    assert_eq!(tom.name.as_str(), "Tom Becker");
    assert_eq!(tom.company.as_deref(), Some("Globex"));
    assert_eq!(
        tom.email.as_ref().map(|e| e.as_str()),
        Some("tom.becker@globex.io")
    );
    assert_eq!(tom.lead, Some(LeadTemp::Cold));
    assert_eq!(tom.chosen_cadence(CadenceId::Proposal), CadenceId::Cold);

    let ann = added("add Ann, Lee at Acme Corp (ann@acme.com); hot lead");
    assert_eq!(ann.name.as_str(), "Ann Lee");
    assert_eq!(ann.company.as_deref(), Some("Acme Corp"));
    assert_eq!(ann.email.as_ref().map(|e| e.as_str()), Some("ann@acme.com"));
    assert_eq!(ann.lead, Some(LeadTemp::Hot));

    let warm = added("add Bo Diaz lead warm at Initech");
    assert_eq!(
        (warm.name.as_str(), warm.lead, warm.company.as_deref()),
        ("Bo Diaz", Some(LeadTemp::Warm), Some("Initech"))
    );

    // `company:` says it outright; `from …` does not overrule it.
    let both = added("add Bo Diaz from Globex company:Initech");
    assert_eq!(both.company.as_deref(), Some("Initech"));
    assert_eq!(both.name.as_str(), "Bo Diaz");
}

#[test]
fn a_long_name_is_questioned_unless_it_was_quoted() {
    let err = parse(
        "add Tom Becker from home office cold call",
        date(2026, 11, 2),
    )
    .expect_err("six words of name");
    assert_eq!(
        err,
        CommandError::LongName("Tom Becker from home office cold call".into())
    );
    let text = err.to_string();
    assert!(
        text.contains("*Tom Becker from home office cold call*") && text.contains("in quotes"),
        "{text}"
    );
    let long = added("add \"Maria de los Angeles Garcia Lopez\" company:Acme");
    assert_eq!(long.name.as_str(), "Maria de los Angeles Garcia Lopez");
    // Five words are a name.
    assert_eq!(
        added("add Jean Paul de la Tour").name.as_str(),
        "Jean Paul de la Tour"
    );
}

#[test]
fn an_unquoted_note_takes_the_rest_of_the_line() {
    let priya = added("add Priya Shah note:sent proposal today, decision by end of month");
    assert_eq!(priya.name.as_str(), "Priya Shah");
    assert_eq!(
        priya.notes.as_deref(),
        Some("sent proposal today, decision by end of month")
    );
    let fields = added(
        "add Priya Shah priya@acme.com company:Acme lead:hot note: call her re: pricing company:x",
    );
    assert_eq!(fields.company.as_deref(), Some("Acme"));
    assert_eq!(fields.lead, Some(LeadTemp::Hot));
    assert_eq!(
        fields.notes.as_deref(),
        Some("call her re: pricing company:x")
    );
    // Quoted right after the colon, the note ends at its quote and fields may follow.
    let quoted = added("add Priya Shah note:\"call after lunch\" company:Acme");
    assert_eq!(quoted.notes.as_deref(), Some("call after lunch"));
    assert_eq!(quoted.company.as_deref(), Some("Acme"));
}

#[test]
fn a_bare_number_names_a_prospect_by_its_id() {
    let today = date(2026, 11, 2);
    for (text, words) in [
        ("show 13", vec![]),
        ("done 13 left a voicemail", vec!["left", "a", "voicemail"]),
        ("replied 13", vec![]),
    ] {
        let target = match parse(text, today) {
            Ok(Command::Show(t) | Command::Done(t, _) | Command::Replied(t)) => t,
            other => panic!("{text}: {other:?}"),
        };
        assert_eq!(target.id, Some(13), "{text}");
        assert_eq!(target.words, words, "{text}");
    }
    assert!(matches!(
        parse("snooze 13 3d", today),
        Ok(Command::Snooze { target, .. }) if target.id == Some(13)
    ));
    assert!(matches!(
        parse("reassign 13 <@U0BOB|bob>", today),
        Ok(Command::Reassign { id: 13, .. })
    ));
}

#[test]
fn every_add_example_in_the_readme_and_the_modals_phone_placeholder_parse() {
    let readme = include_str!("../../README.md");
    let mut examples = 0;
    for line in readme.lines() {
        for (_, after) in line
            .match_indices("/followup add")
            .map(|(at, _)| line.split_at(at))
        {
            // A code block's description follows the command after a run of spaces; prose
            // ends the command at its closing backtick.
            let command = after
                .split('`')
                .next()
                .unwrap_or_default()
                .split("   ")
                .next()
                .unwrap_or_default()
                .trim_start_matches("/followup ");
            assert!(
                parse(command, date(2026, 11, 2)).is_ok(),
                "README's `{command}` does not parse: {:?}",
                parse(command, date(2026, 11, 2))
            );
            examples += 1;
        }
    }
    assert!(examples >= 2, "README's add examples were not found");

    let modal = include_str!("../../src/slack/render/modals/add_prospect.rs");
    let placeholder = modal
        .split("input(\"phone\"")
        .nth(1)
        .and_then(|rest| rest.split("text_input(\"value\", \"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("the add modal's phone placeholder");
    let new = added(&format!("add Jane Doe {placeholder}"));
    assert_eq!(new.name.as_str(), "Jane Doe");
    assert_eq!(
        new.phone.as_ref().map(|p| p.as_str()),
        Some(placeholder),
        "the placeholder is one phone"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// libphonenumber's parser has panicked on odd input before (rust-phonenumber #32, #43):
    /// nothing a rep types next to a name may reach it and panic.
    #[test]
    fn phone_like_text_never_panics(text in "[0-9+()\\-. x#ext,;a-z]{0,60}") {
        let _ = Phone::parse(&text);
        let _ = parse(&format!("add Jane {text}"), date(2026, 11, 2));
    }
}

// ---------------------------------------------------------------------------------------------
// Through the real router, on both databases

on_both_apps! {
    async fn phones_as_reps_type_them_are_stored_as_typed_with_their_e164_form(app) {
        let reply = app
            .say(ALICE, "add Jane Doe jane@acme.com +1 555 010 2030 company:\"Acme Corp\"")
            .await;
        assert!(reply.contains("✅ Added *Jane Doe* · Acme Corp as *#"), "{reply}");
        assert!(reply.contains("phone +1 555 010 2030"), "{reply}");
        let reply = app.say(ALICE, "add Daniel Kim (415) 555-0142 company:Initech").await;
        assert!(reply.contains("Added *Daniel Kim* · Initech"), "{reply}");
        app.say(ALICE, "add Nigel Pratt +44 20 7946 0958").await;
        app.say(ALICE, "add Ann Lee +1 415-555-0100 ext 12").await;
        app.say(ALICE, "add Bo Diaz 555-0142").await;

        let states = stored(app).await;
        assert_eq!(states.len(), 5, "{states:#?}");
        for (name, typed, e164) in [
            ("Jane Doe", "+1 555 010 2030", Some("+15550102030")),
            ("Daniel Kim", "(415) 555-0142", Some("+14155550142")),
            ("Nigel Pratt", "+44 20 7946 0958", Some("+442079460958")),
            ("Ann Lee", "+1 415-555-0100 ext 12", Some("+14155550100")),
            ("Bo Diaz", "555-0142", None),
        ] {
            let p = named(&states, name);
            assert_eq!(p.phone.as_deref(), Some(typed), "{name}");
            assert_eq!(p.phone_e164.as_deref(), e164, "{name}");
        }
    }

    async fn loose_typing_is_read_as_the_fields_meant_and_the_reply_says_so(app) {
        let reply = app
            .say(ALICE, "add Tom Becker from Globex, tom.becker@globex.io, cold lead")
            .await;
        assert!(
            reply.contains("✅ Added *Tom Becker* · Globex · cold lead as *#1* on the `cold` cadence"),
            "{reply}"
        );
        assert!(reply.contains("email tom.becker@globex.io"), "{reply}");
        let states = stored(app).await;
        let tom = named(&states, "Tom Becker");
        assert_eq!(tom.company.as_deref(), Some("Globex"));
        assert_eq!(tom.email.as_deref(), Some("tom.becker@globex.io"));
        assert_eq!(tom.lead, Some(LeadTemp::Cold));
        assert_eq!(tom.cadence, CadenceId::Cold);

        let reply = app
            .say(ALICE, "add Ann Lee ann@acme.com value:12k stage:qualified start:2026-11-09")
            .await;
        for read in ["email ann@acme.com", "value *$12,000*", "stage *qualified*", "starts *"] {
            assert!(reply.contains(read), "`{read}` in {reply}");
        }
    }

    async fn a_long_name_is_questioned_and_nothing_is_stored(app) {
        let reply = app
            .say(ALICE, "add Tom Becker from home office cold call")
            .await;
        assert!(
            reply.contains("Tom Becker from home office cold call") && reply.contains("quotes"),
            "{reply}"
        );
        assert!(!reply.contains("Added"), "{reply}");
        assert!(stored(app).await.is_empty());

        let reply = app
            .say(ALICE, "add \"Maria de los Angeles Garcia Lopez\" company:Acme")
            .await;
        assert!(reply.contains("Added *Maria de los Angeles Garcia Lopez*"), "{reply}");
    }

    async fn an_unquoted_note_is_the_rest_of_the_line(app) {
        let reply = app
            .say(ALICE, "add Priya Shah company:Acme note:sent proposal today, decision by end of month")
            .await;
        assert!(reply.contains("Added *Priya Shah* · Acme"), "{reply}");
        let states = stored(app).await;
        let priya = named(&states, "Priya Shah");
        assert_eq!(
            priya.notes.as_deref(),
            Some("sent proposal today, decision by end of month")
        );
    }

    async fn a_bare_number_names_a_prospect_like_its_hash_id(app) {
        app.say(ALICE, "add Jane Doe").await;
        app.say(ALICE, "add Ann Lee").await;
        let shown = app.say(ALICE, "show 2").await;
        assert!(shown.contains("Ann Lee") && !shown.contains("couldn't find"), "{shown}");

        let before = stored(app).await;
        let first_due = |states: &[ProspectState]| {
            let jane = states.iter().find(|s| s.prospect.name == "Jane Doe").expect("Jane");
            jane.touches
                .iter()
                .find(|t| t.status == TouchStatus::Pending)
                .map(|t| t.due_on)
        };
        let snoozed = app.say(ALICE, "snooze 1 3d").await;
        assert!(!snoozed.contains("couldn't find"), "{snoozed}");
        let after = stored(app).await;
        assert_eq!(
            first_due(&after),
            first_due(&before).map(|d| d + chrono::Duration::days(3)),
            "{snoozed}"
        );
    }
}

on_both_databases! {
    async fn a_csv_import_stores_the_e164_form_beside_the_typed_phone(store) {
        let service = Service::new(
            store.clone(),
            Arc::new(FixedClock::new(start_time())),
            NaiveTime::from_hms_opt(8, 0, 0).expect("a time of day"),
        );
        let rep = RepRef::new("T1", "U1");
        let rows = read_prospects(
            "name,phone\nAnn Lee,(415) 555-0142\nNigel Pratt,+44 20 7946 0958\n".as_bytes(),
            date(2026, 11, 2),
        )
        .expect("a readable file");
        import(&service, &rep, rows).await;
        let prospects = store.team_prospects("T1", None).await.expect("prospects");
        let e164 = |name: &str| {
            prospects
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.phone_e164.clone())
        };
        assert_eq!(e164("Ann Lee").as_deref(), Some("+14155550142"));
        assert_eq!(e164("Nigel Pratt").as_deref(), Some("+442079460958"));
    }
}
