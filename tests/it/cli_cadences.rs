//! `followup cadences` on the command line: the built-ins as the domain holds them, and a team's
//! own cadences exported, imported, refused and listed through the real binary.

use std::collections::BTreeMap;

use followup::domain::cadence::BUILT_IN;

use crate::common::followup;
use followup::domain::cadence_file::{built_in_defs, parse};

const SAMPLE: &str = include_str!("../../src/demo/sample_cadences.toml");

/// `followup cadences`, split into each cadence id and the days of its steps.
fn printed_cadences() -> (String, BTreeMap<String, Vec<u32>>) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
        .arg("cadences")
        .output()
        .expect("the followup binary runs");
    assert!(
        output.status.success(),
        "followup cadences failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8 output");
    let mut days: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if !line.starts_with(' ') && line.contains(" — ") {
            let id = line.split(" — ").next().unwrap_or_default().to_string();
            days.entry(id.clone()).or_default();
            current = Some(id);
        } else if let Some((_, rest)) = line.split_once(". day ") {
            let day: u32 = rest
                .split_whitespace()
                .next()
                .and_then(|d| d.parse().ok())
                .unwrap_or_else(|| panic!("a day number in {line:?}"));
            let id = current.clone().expect("a step line under a cadence header");
            days.entry(id).or_default().push(day);
        }
    }
    (text, days)
}

#[test]
fn the_cadences_command_lists_all_six_cadences_with_their_days() {
    let (text, printed) = printed_cadences();
    let expected: BTreeMap<String, Vec<u32>> = BUILT_IN
        .iter()
        .map(|c| {
            (
                c.id.as_str().to_string(),
                c.steps.iter().map(|s| s.day).collect(),
            )
        })
        .collect();
    assert_eq!(printed, expected, "output was:\n{text}");
    assert_eq!(
        printed["ten-week"],
        vec![0, 2, 4, 14, 16, 18, 35, 37, 39, 63]
    );
}

#[test]
fn the_cadences_command_shows_channels_and_what_happens_after_the_end() {
    let (text, _) = printed_cadences();
    assert!(text.contains("call + voicemail + email"), "{text}");
    assert!(
        text.contains("call + voicemail + LinkedIn message"),
        "{text}"
    );
    assert!(text.contains("email or call"), "{text}");
    assert!(text.contains("then: moves to `nurture`"), "{text}");
    assert!(
        text.contains("then: repeats every 90 days until a reply or a stop"),
        "{text}"
    );
    assert!(text.contains("one more touch, nurture, or close"), "{text}");
}

#[test]
fn the_command_line_exports_imports_refuses_and_lists_a_teams_cadences() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db_url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let exported = followup(dir.path(), &db_url, &["cadences", "export"]);
    assert!(exported.status.success());
    let text = String::from_utf8(exported.stdout).unwrap();
    assert_eq!(parse(&text, true).unwrap(), built_in_defs());

    // The built-ins as they are: refused (their ids are the built-ins'), nothing stored.
    std::fs::write(dir.path().join("built-ins.toml"), &text).unwrap();
    let refused = followup(
        dir.path(),
        &db_url,
        &["cadences", "import", "--team", "T1", "built-ins.toml"],
    );
    assert!(!refused.status.success());
    let why = String::from_utf8(refused.stderr).unwrap();
    assert!(
        why.contains("nothing imported (6 problems)") && why.contains("`ten-week`, line"),
        "{why}"
    );
    let listed = followup(dir.path(), &db_url, &["cadences", "--team", "T1"]);
    assert!(String::from_utf8(listed.stdout)
        .unwrap()
        .contains("no cadences of its own"));

    std::fs::write(dir.path().join("ours.toml"), SAMPLE).unwrap();
    let imported = followup(
        dir.path(),
        &db_url,
        &["cadences", "import", "--team", "T1", "ours.toml"],
    );
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(String::from_utf8(imported.stdout)
        .unwrap()
        .contains("New: enterprise"));
    let listed =
        String::from_utf8(followup(dir.path(), &db_url, &["cadences", "--team", "T1"]).stdout)
            .unwrap();
    assert!(
        listed.contains("enterprise — Enterprise pilot")
            && listed.contains("variant B: Hi {first_name}"),
        "{listed}"
    );
    // The team's export reads back as what was imported.
    let again = String::from_utf8(
        followup(dir.path(), &db_url, &["cadences", "export", "--team", "T1"]).stdout,
    )
    .unwrap();
    assert_eq!(parse(&again, false).unwrap(), parse(SAMPLE, false).unwrap());
    let same = followup(
        dir.path(),
        &db_url,
        &["cadences", "import", "--team", "T1", "ours.toml"],
    );
    assert!(String::from_utf8(same.stdout)
        .unwrap()
        .contains("Unchanged: enterprise"));
}
