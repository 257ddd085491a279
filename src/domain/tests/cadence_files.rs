//! Cadence files: the built-ins export and read back as they are, a team's file is checked
//! whole, and every problem is named by cadence, step and line.

use crate::domain::cadence::{CadenceId, BUILT_IN};
use crate::domain::cadence_file::{self, built_in_defs, parse, CadenceDef, Problem};

const SAMPLE: &str = include_str!("../../demo/sample_cadences.toml");

#[test]
fn exported_built_ins_read_back_as_the_same_cadences() {
    let text = cadence_file::export(&built_in_defs());
    let read = parse(&text, true).unwrap_or_else(|p| panic!("{}", cadence_file::describe(&p)));
    assert_eq!(read, built_in_defs());
    assert_eq!(read.len(), BUILT_IN.len());
    // And each definition builds the cadence it came from: days, channels, messages, the end.
    for (def, built_in) in read.iter().zip(BUILT_IN) {
        let team = CadenceDef {
            id: format!("our-{}", def.id),
            ..def.clone()
        }
        .team_cadence(1);
        let c = team.cadence();
        assert_eq!(c.name, built_in.name);
        assert_eq!(c.min_gap, built_in.min_gap, "{}", def.id);
        assert_eq!(c.steps.len(), built_in.steps.len());
        for (a, b) in c.steps.iter().zip(built_in.steps) {
            assert_eq!(
                (a.day, a.channels, a.either, a.templates),
                (b.day, b.channels, b.either, b.templates)
            );
        }
        assert_eq!(c.length(), built_in.length(), "{}", def.id);
    }
}

#[test]
fn the_built_ins_cannot_be_imported_as_a_teams_own() {
    let text = cadence_file::export(&built_in_defs());
    let problems = parse(&text, false).unwrap_err();
    assert_eq!(problems.len(), BUILT_IN.len(), "{problems:?}");
    assert!(
        problems[0]
            .to_string()
            .contains("`ten-week` is a built-in cadence; give yours its own id"),
        "{}",
        problems[0]
    );
}

#[test]
fn the_sample_file_is_valid_with_variants() {
    let defs = parse(SAMPLE, false).unwrap_or_else(|p| panic!("{}", cadence_file::describe(&p)));
    assert_eq!(defs.len(), 1);
    let id = defs[0].team_cadence(1);
    assert!(matches!(id, CadenceId::Team(_)));
    assert_eq!(id.as_str(), "enterprise");
    let first = &id.cadence().steps[0];
    assert_eq!(first.variants.len(), 2);
    assert_eq!(first.variant_for(10), Some("A".into()));
    assert_eq!(first.variant_for(11), Some("B".into()));
    assert!(first
        .message(0, Some("B"))
        .starts_with("Hi {first_name}, {personal} Rather than a long deck"));
    assert_eq!(
        id.cadence().steps[1].variant_for(11),
        None,
        "a step with one message has no variant"
    );
    // The same definition interned again is the same cadence.
    assert_eq!(parse(SAMPLE, false).unwrap()[0].team_cadence(1), id);
    assert_ne!(defs[0].team_cadence(2), id);
}

const BROKEN: &str = r#"
[[cadence]]
id = "enterprise"
name = "Enterprise"
after = "ask"

[[cadence.step]]
day = 0
channels = ["email"]
message = "Hi {first_name}, just checking in on the proposal. Any news?"

[[cadence.step]]
day = 1
channels = ["fax"]
message = "Hi {first_name}, {personal} We cut costs by 40% for a client like {company}. It was quick. Shall we talk on Tuesday?"

[[cadence]]
id = "proposal"
name = "Mine"
after = "later"

[[cadence.step]]
day = 5
channels = ["call"]
variants = ["Hi {first_name}, {personal} I have [✍ one idea] for {company}. It is short. Would a call on Friday work?"]
"#;

#[test]
fn a_broken_file_lists_every_problem_by_cadence_step_and_line() {
    let problems = parse(BROKEN, false).unwrap_err();
    let text = cadence_file::describe(&problems);
    let has = |cadence: &str, step: Option<usize>, line: usize, what: &str| {
        problems.iter().any(|p: &Problem| {
            p.cadence == cadence && p.step == step && p.line == line && p.what.contains(what)
        })
    };
    assert!(
        has("enterprise", Some(1), 7, "says \"just checking in\""),
        "{text}"
    );
    assert!(
        has("enterprise", Some(1), 7, "sentence(s); three to five"),
        "{text}"
    );
    assert!(has("enterprise", Some(1), 7, "no `[✍ …]` slot"), "{text}");
    assert!(
        has("enterprise", Some(2), 12, "`fax` is not a channel"),
        "{text}"
    );
    assert!(
        has("enterprise", Some(2), 12, "1 day(s) after the step before"),
        "{text}"
    );
    assert!(
        has("enterprise", Some(2), 12, "states `40%` itself"),
        "{text}"
    );
    assert!(has("proposal", None, 17, "is a built-in cadence"), "{text}");
    assert!(has("proposal", None, 17, "`after = \"later\"`"), "{text}");
    assert!(
        has("proposal", Some(1), 22, "one variant is just a message"),
        "{text}"
    );
    assert!(
        text.contains("`enterprise` step 2, line 12: `fax` is not a channel"),
        "{text}"
    );
}

#[test]
fn allow_close_lets_a_step_follow_the_day_after() {
    let file = SAMPLE.replace("day = 3\n", "day = 1\nallow_close = true\n");
    assert!(parse(&file, false).is_ok());
    let without = SAMPLE.replace("day = 3\n", "day = 1\n");
    let problems = parse(&without, false).unwrap_err();
    assert!(
        problems[0].what.contains("allow_close = true"),
        "{problems:?}"
    );
}

#[test]
fn unreadable_toml_names_its_line() {
    let problems = parse("[[cadence]]\nid = \"x\"\nname = \n", false).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 3, "{problems:?}");
    assert!(
        problems[0].what.starts_with("not readable as TOML"),
        "{problems:?}"
    );
}
