//! The `/followup` grammar: text exactly as Slack delivers it, to commands.

use crate::command::{parse, Command, CommandError, SettingsChange, Target, TouchLog};
use crate::domain::metrics::Window;
use crate::domain::schedule::SnoozeFor;
use crate::domain::{CadenceId, DomainError, LeadTemp, Money, Pace, Stage};
use chrono::{NaiveDate, NaiveTime};

/// Monday 2026-11-02.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()
}

fn ok(text: &str) -> Command {
    parse(text, today()).unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
}

fn err(text: &str) -> CommandError {
    parse(text, today()).expect_err(text)
}

fn words(w: &[&str]) -> Target {
    Target {
        id: None,
        words: w.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn empty_text_and_help_show_usage() {
    assert_eq!(ok(""), Command::Help);
    assert_eq!(ok("   "), Command::Help);
    assert_eq!(ok("help"), Command::Help);
    assert_eq!(ok("HELP"), Command::Help);
}

#[test]
fn add_alone_opens_the_modal() {
    assert_eq!(ok("add"), Command::AddModal);
}

#[test]
fn add_reads_name_email_and_every_field() {
    let Command::Add(p) = ok("add Jane Doe jane@acme.com +1-555-010-2030 company:Acme cadence:ten-week lead:hot value:12.5k start:2026-12-01 stage:qualified pace:slow") else {
        panic!("not an add")
    };
    assert_eq!(p.name.as_str(), "Jane Doe");
    assert_eq!(p.email.as_ref().map(|e| e.as_str()), Some("jane@acme.com"));
    assert_eq!(
        p.phone.as_ref().map(|e| e.as_str()),
        Some("+1-555-010-2030")
    );
    assert_eq!(p.company.as_deref(), Some("Acme"));
    assert_eq!(p.cadence, Some(CadenceId::TenWeek));
    assert_eq!(p.lead, Some(LeadTemp::Hot));
    assert_eq!(p.value, Some(Money::from_cents(1_250_000).unwrap()));
    assert_eq!(p.start_on, NaiveDate::from_ymd_opt(2026, 12, 1));
    assert_eq!(p.stage, Stage::Qualified);
    assert_eq!(p.pace, Pace::Slow);
}

#[test]
fn add_understands_quotes_and_slacks_escaped_forms() {
    let Command::Add(p) = ok("add \"Mary Ann\" O'Neil <mailto:mary@acme.co|mary@acme.co> <tel:+15550102030|+1 555 010 2030> company:\"Acme Corp &amp; Sons\" <https://www.linkedin.com/in/maryann|linkedin.com/in/maryann>") else {
        panic!("not an add")
    };
    assert_eq!(p.name.as_str(), "Mary Ann O'Neil");
    assert_eq!(p.email.as_ref().map(|e| e.as_str()), Some("mary@acme.co"));
    assert_eq!(
        p.phone.as_ref().map(|e| e.as_str()),
        Some("+1 555 010 2030")
    );
    assert_eq!(p.company.as_deref(), Some("Acme Corp & Sons"));
    assert_eq!(
        p.linkedin.as_deref(),
        Some("https://www.linkedin.com/in/maryann")
    );
}

#[test]
fn curly_quotes_from_phones_work_like_straight_ones() {
    let Command::Add(p) = ok("add Jane company:“Acme Corp”") else {
        panic!("not an add")
    };
    assert_eq!(p.company.as_deref(), Some("Acme Corp"));
}

#[test]
fn add_refuses_bad_fields_with_a_named_reason() {
    assert_eq!(
        err("add company:Acme"),
        CommandError::Domain(DomainError::EmptyName)
    );
    // An id that is no built-in's may be one of the team's own: the service looks it up (and
    // refuses it, naming the cadences there are, when the team has none by that id).
    match ok("add Jane cadence:weekly") {
        Command::Add(new) => assert_eq!(
            (new.cadence, new.team_cadence.as_deref()),
            (None, Some("weekly"))
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(err("add Jane cadence:we!kly"), CommandError::Domain(DomainError::UnknownCadence(c)) if c == "we!kly")
    );
    assert!(matches!(
        err("add Jane value:-5"),
        CommandError::Domain(DomainError::NegativeAmount(_))
    ));
    assert!(matches!(
        err("add Jane value:lots"),
        CommandError::Domain(DomainError::BadAmount(_))
    ));
    assert!(matches!(
        err("add Jane start:someday"),
        CommandError::Domain(DomainError::BadDate(_))
    ));
    assert!(matches!(
        err("add Jane lead:lukewarm"),
        CommandError::Domain(DomainError::BadLead(_))
    ));
    assert!(matches!(
        err("add Jane jane@"),
        CommandError::Domain(DomainError::BadEmail(_))
    ));
    assert_eq!(
        err("add Jane colour:red"),
        CommandError::UnknownField("colour".into())
    );
    let unknown = err("add Jane cadence:weekly!").to_string();
    assert!(
        unknown.contains("ten-week") && unknown.contains("nurture"),
        "{unknown}"
    );
}

#[test]
fn simple_commands() {
    assert_eq!(ok("list"), Command::List);
    assert_eq!(ok("due"), Command::Due);
    assert_eq!(ok("cadences"), Command::Cadences);
}

#[test]
fn prospects_are_named_by_id_or_words_with_the_rest_as_note() {
    assert_eq!(
        ok("show #12"),
        Command::Show(Target {
            id: Some(12),
            words: vec![]
        })
    );
    assert_eq!(
        ok("done jane sent the deck"),
        Command::Done(words(&["jane", "sent", "the", "deck"]), TouchLog::default())
    );
    assert_eq!(
        ok("done #7 left a voicemail"),
        Command::Done(
            Target {
                id: Some(7),
                words: vec!["left".into(), "a".into(), "voicemail".into()]
            },
            TouchLog::default()
        )
    );
    assert_eq!(ok("replied jane"), Command::Replied(words(&["jane"])));
    assert_eq!(
        ok("lost jane went with a competitor"),
        Command::Lost(words(&["jane", "went", "with", "a", "competitor"]))
    );
    assert_eq!(ok("pause jane"), Command::Pause(words(&["jane"])));
    assert_eq!(ok("resume jane"), Command::Resume(words(&["jane"])));
    assert_eq!(ok("nurture jane"), Command::Nurture(words(&["jane"])));
    assert_eq!(ok("stop jane"), Command::Stop(words(&["jane"])));
    assert_eq!(ok("skip jane"), Command::Skip(words(&["jane"])));
}

#[test]
fn a_command_without_its_prospect_says_so() {
    assert_eq!(err("done"), CommandError::MissingProspect { verb: "done" });
    assert_eq!(err("show"), CommandError::MissingProspect { verb: "show" });
    assert_eq!(
        err("snooze 3d"),
        CommandError::MissingProspect { verb: "snooze" }
    );
}

#[test]
fn snooze_takes_days_weeks_or_a_date() {
    assert_eq!(
        ok("snooze jane 1d"),
        Command::Snooze {
            target: words(&["jane"]),
            by: SnoozeFor::Days(1)
        }
    );
    assert_eq!(
        ok("snooze jane doe 3d"),
        Command::Snooze {
            target: words(&["jane", "doe"]),
            by: SnoozeFor::Days(3)
        }
    );
    assert_eq!(
        ok("snooze #4 1w"),
        Command::Snooze {
            target: Target {
                id: Some(4),
                words: vec![]
            },
            by: SnoozeFor::Days(7)
        }
    );
    assert_eq!(
        ok("snooze jane 2026-12-01"),
        Command::Snooze {
            target: words(&["jane"]),
            by: SnoozeFor::Until(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        }
    );
    assert_eq!(
        ok("snooze jane monday"),
        Command::Snooze {
            target: words(&["jane"]),
            by: SnoozeFor::Until(NaiveDate::from_ymd_opt(2026, 11, 9).unwrap())
        }
    );
    assert_eq!(err("snooze jane"), CommandError::MissingSnooze);
    assert!(matches!(
        err("snooze jane 2026-13-45"),
        CommandError::Domain(DomainError::BadDate(_))
    ));
}

#[test]
fn won_takes_an_optional_value() {
    assert_eq!(
        ok("won jane 12k"),
        Command::Won {
            target: words(&["jane"]),
            value: Some(Money::from_cents(1_200_000).unwrap())
        }
    );
    assert_eq!(
        ok("won jane doe"),
        Command::Won {
            target: words(&["jane", "doe"]),
            value: None
        }
    );
    assert_eq!(
        ok("won #3 $4,500"),
        Command::Won {
            target: Target {
                id: Some(3),
                words: vec![]
            },
            value: Some(Money::from_cents(450_000).unwrap())
        }
    );
}

#[test]
fn stats_take_a_period() {
    assert_eq!(ok("stats"), Command::Stats(Window::Days(30)));
    assert_eq!(ok("stats 90d"), Command::Stats(Window::Days(90)));
    assert_eq!(ok("stats all"), Command::Stats(Window::All));
    assert_eq!(
        err("stats forever"),
        CommandError::BadWindow("forever".into())
    );
}

#[test]
fn settings_show_or_change() {
    assert_eq!(ok("settings"), Command::Settings(SettingsChange::default()));
    assert_eq!(
        ok("settings digest 07:30 tz Europe/Berlin weekends on"),
        Command::Settings(SettingsChange {
            digest_time: NaiveTime::from_hms_opt(7, 30, 0),
            tz: Some(chrono_tz::Europe::Berlin),
            weekends_off: Some(false),
            daily_cap: None,
            managers: None,
            holidays: None,
            team_channel: None,
            default_cadence: None,
        })
    );
    assert!(matches!(
        err("settings tz Mars/Olympus"),
        CommandError::Domain(DomainError::BadTimeZone(_))
    ));
    assert!(matches!(
        err("settings digest 25:00"),
        CommandError::Domain(DomainError::BadTimeOfDay(_))
    ));
    assert!(matches!(
        err("settings weekends maybe"),
        CommandError::BadSetting(_)
    ));
    assert!(matches!(
        err("settings colour blue"),
        CommandError::BadSetting(_)
    ));
}

#[test]
fn away_takes_two_dates_or_a_span_and_off_ends_it() {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    assert_eq!(
        ok("away 2026-12-21 2027-01-01"),
        Command::Away {
            from: d(12, 21),
            to: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        }
    );
    assert_eq!(
        ok("away monday 2w"),
        Command::Away {
            from: d(11, 9),
            to: d(11, 22)
        }
    );
    assert_eq!(ok("away off"), Command::Back);
    assert_eq!(err("away 2026-12-21"), CommandError::BadAway);
    assert_eq!(err("away 2026-12-21 2026-12-01"), CommandError::BadAway);
    assert!(matches!(
        err("away 2026-10-01 2026-12-01"),
        CommandError::Domain(DomainError::DateInPast(_))
    ));
    assert!(matches!(
        ok("settings cap 12"),
        Command::Settings(SettingsChange {
            daily_cap: Some(12),
            ..
        })
    ));
    assert!(matches!(
        err("settings cap lots"),
        CommandError::BadSetting(_)
    ));
}

#[test]
fn managers_and_reassign_take_slack_mentions() {
    assert!(matches!(
        ok("settings managers <@U0DANA|dana> <@U0LEE>"),
        Command::Settings(SettingsChange { managers: Some(m), .. }) if m == vec!["U0DANA".to_string(), "U0LEE".to_string()]
    ));
    assert!(matches!(
        err("settings managers dana"),
        CommandError::SettingNeeds(_)
    ));
    // The team channel: Slack's channel mention gives the id; `#name` as typed is kept; `none`
    // goes back to the default.
    for (typed, wanted) in [
        ("settings team-channel <#C0SALES|sales>", Some("C0SALES")),
        ("settings team-channel #sales", Some("#sales")),
        ("settings team-channel none", None),
    ] {
        assert_eq!(
            ok(typed),
            Command::Settings(SettingsChange {
                team_channel: Some(wanted.map(str::to_string)),
                ..SettingsChange::default()
            }),
            "{typed}"
        );
    }
    for typed in ["settings team-channel", "settings team-channel sales"] {
        let said = err(typed);
        assert!(matches!(said, CommandError::SettingNeeds(_)), "{typed}");
        assert!(
            said.to_string().contains("`settings team-channel #sales`"),
            "{said}"
        );
    }
    assert_eq!(
        ok("reassign #12 <@U0BOB|bob>"),
        Command::Reassign {
            id: 12,
            to: "U0BOB".into()
        }
    );
    assert_eq!(err("reassign jane bob"), CommandError::BadReassign);
}

#[test]
fn slacks_special_mentions_read_back_as_what_the_rep_typed() {
    let Command::Add(p) =
        ok("add <!channel> <!here> <#C0123|general> <!subteam^S1|@sales> &lt;b&gt;")
    else {
        panic!("not an add")
    };
    assert_eq!(p.name.as_str(), "@channel @here #general @sales <b>");
}

#[test]
fn a_typo_suggests_the_closest_command() {
    assert_eq!(
        err("dne jane"),
        CommandError::Unknown {
            word: "dne".into(),
            suggestion: Some("due")
        }
    );
    assert_eq!(
        err("snoze jane 1d"),
        CommandError::Unknown {
            word: "snoze".into(),
            suggestion: Some("snooze")
        }
    );
    assert_eq!(
        err("lsit"),
        CommandError::Unknown {
            word: "lsit".into(),
            suggestion: Some("list")
        }
    );
    assert_eq!(
        err("setings"),
        CommandError::Unknown {
            word: "setings".into(),
            suggestion: Some("settings")
        }
    );
    assert_eq!(
        err("xyzzy"),
        CommandError::Unknown {
            word: "xyzzy".into(),
            suggestion: None
        }
    );
    assert!(err("snoze")
        .to_string()
        .contains("Did you mean `/followup snooze`?"));
}
