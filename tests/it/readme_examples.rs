//! Every `/followup` example README.md shows works when pasted: sent as Slack sends it, through
//! the real router on both databases, each gets a reply that is not a "didn't understand".

use crate::common;

use common::app::{reply_text, ALICE};
use common::at;

fn start_time() -> chrono::DateTime<chrono::Utc> {
    at(2026, 11, 2, 14, 0)
}

/// The `/followup …` examples of README.md: each line of its `/followup` block, with the
/// explanation after two spaces cut off and `a | b | c` alternatives split, and every inline
/// `` `/followup …` `` span. Placeholders (`<from>`, `…`, `N`, `[…]`) are not examples.
fn examples() -> Vec<String> {
    let readme = include_str!("../../README.md");
    let mut found = Vec::new();
    let mut in_block = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block && line.starts_with("/followup") {
            let command = line.split("  ").next().unwrap_or(line).trim();
            let rest = command.trim_start_matches("/followup").trim();
            // `list | due | cadences` are verbs; `won jane 12k | lost jane …` whole commands.
            for alternative in rest.split(" | ") {
                found.extend(expand(alternative.trim()));
            }
        }
        for span in line.split('`').skip(1).step_by(2) {
            if let Some(rest) = span.strip_prefix("/followup") {
                found.push(rest.trim().to_string());
            }
        }
    }
    found.retain(|c| {
        !c.contains('<')
            && !c.contains('…')
            && !c.contains('[')
            && !c.contains("HH:MM")
            && !c.contains(" N")
    });
    found.sort();
    found.dedup();
    found
}

/// `stats 30d|90d|all` → `stats 30d`, `stats 90d`, `stats all`.
fn expand(command: &str) -> Vec<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    match words.iter().position(|w| w.contains('|')) {
        Some(i) => words[i]
            .split('|')
            .map(|choice| {
                let mut each = words.clone();
                each[i] = choice;
                each.join(" ")
            })
            .collect(),
        None => vec![command.to_string()],
    }
}

#[test]
fn readme_has_the_examples_a_rep_pastes() {
    let all = examples();
    for wanted in [
        "add Jane Doe jane@acme.com +1 555 010 2030",
        "done jane via:call",
        "edit jane stage:proposal",
        "move jane proposal",
        "next jane friday call",
        "week",
        "settings holidays",
    ] {
        assert!(
            all.iter().any(|e| e.starts_with(wanted)),
            "README lost its `{wanted}` example: {all:#?}"
        );
    }
}

on_both_apps! {
    async fn every_followup_example_in_the_readme_works_when_pasted(app) {
        // What the examples name: Jane, Dana, Lee, #12, a manager (Alice).
        app.slack.make_admin(ALICE);
        for i in 1..=12 {
            app.say(ALICE, &format!("add Prospect Number{i:02}")).await;
        }
        app.say(ALICE, "add Jane Doe company:Initech").await;
        let mut failures = Vec::new();
        let examples = examples();
        assert!(examples.len() >= 30, "{examples:#?}");
        for example in &examples {
            // Slack escapes what people type: `&`, `<`, `>`; mentions arrive as <@U…|name>.
            let text = example
                .replace("@dana", "<@U0DANA|dana>")
                .replace("@lee", "<@U0LEE|lee>")
                .replace("@rep", "<@U0REP|rep>")
                .replace("@a @b", "<@U0A|a> <@U0B|b>")
                // Naming managers keeps Alice one, so the manager-only examples after it work.
                .replace("settings managers <@U0DANA|dana> <@U0LEE|lee>", &format!("settings managers <@U0DANA|dana> <@U0LEE|lee> <@{ALICE}|alice>"))
                .replace("settings managers <@U0A|a> <@U0B|b>", &format!("settings managers <@U0A|a> <@U0B|b> <@{ALICE}|alice>"))
                .replace("@you", &format!("<@{ALICE}|alice>"));
            // Adding a second Jane Doe would make "jane" ambiguous for the examples after it.
            let user = if example.starts_with("add ") { common::app::BOB } else { ALICE };
            let (status, reply) = app.command(user, &text).await;
            let shown = reply_text(&reply);
            let not_understood = ["I don't know", "I don't understand", "is not a", "needs a prospect", "no field", "which cadence?", "when?", "edit what?", "away from when", "snooze for how long", "couldn't find", "went wrong", "only a manager", "Several prospects match", "can't be", "cannot be", "Nothing to do"];
            if status != 200 || not_understood.iter().any(|p| shown.contains(p)) {
                failures.push(format!("/followup {example}  →  {status}: {shown}"));
            }
            // Put things back so the next example finds Jane as the README expects her.
            if example.starts_with("won") || example.starts_with("lost") || example.starts_with("stop") || example.starts_with("replied") {
                app.say(ALICE, "nurture jane").await;
            }
        }
        assert!(failures.is_empty(), "README examples that do not work when pasted:\n{}", failures.join("\n"));
    }
}
