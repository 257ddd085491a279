//! `/followup cadences` (the built-ins and the team's own) and what an import of a cadence
//! file did, as Block Kit.

use crate::domain::cadence::{AfterEnd, Cadence, CadenceId, BUILT_IN};
use crate::store::CadenceImport;

use crate::slack::blocks::{context, header, section, Message};
use crate::slack::mrkdwn::{escape, truncate};

/// Most team cadences shown in full; the rest are listed by id (Block Kit's 50 blocks).
const MAX_SHOWN: usize = 40;

pub fn cadences(team: &[CadenceId], default: CadenceId) -> Message {
    let title = if team.is_empty() {
        "The built-in cadences"
    } else {
        "The built-in cadences and the team's own"
    };
    let mut m = Message::new(title);
    m.push(header("Cadences"));
    for c in BUILT_IN {
        m.push(section(&describe(c, false)));
    }
    if !team.is_empty() {
        m.push(header("The team's own"));
        for id in team.iter().take(MAX_SHOWN) {
            m.push(section(&describe(id.cadence(), true)));
        }
        if team.len() > MAX_SHOWN {
            let rest: Vec<String> = team[MAX_SHOWN..]
                .iter()
                .map(|c| format!("`{}`", c.as_str()))
                .collect();
            m.push(section(&truncate(
                &format!("Also: {}", rest.join(", ")),
                2900,
            )));
        }
    }
    m.push(context(&format!(
        "Pick one with `cadence:<id>` when adding; `lead:hot|warm` picks `hot`, `lead:cold` picks `cold`, otherwise `{default}` (the team default; managers change it with `/followup settings default-cadence <id>`)."
    )));
    m
}

fn describe(c: &Cadence, team: bool) -> String {
    let days: Vec<String> = c
        .steps
        .iter()
        .map(|s| {
            let variants = match s.variants.len() {
                0 | 1 => String::new(),
                n => format!(", {n} variants"),
            };
            format!("{} ({}{variants})", s.day, s.channel_label())
        })
        .collect();
    let then = match c.after {
        AfterEnd::AskRep => "then: one more, nurture or close".to_string(),
        AfterEnd::MoveTo(next) => format!("then: moves to `{next}`"),
        AfterEnd::Repeat { every_days } => format!("repeats every {every_days} days"),
    };
    // A team's names and descriptions are a manager's text: escaped.
    let (name, when) = if team {
        (escape(c.name), escape(c.when))
    } else {
        (c.name.to_string(), c.when.to_string())
    };
    truncate(
        &format!(
            "*`{}`* — {name}\n_{when}_\nDays: {}\n_{}_\n{then}",
            c.id,
            days.join(", "),
            crate::domain::schedule::days_by_pace(c)
        ),
        2900,
    )
}

/// What an import did, in one message.
pub fn imported(done: &CadenceImport) -> Message {
    Message::plain(imported_text(done))
}

/// The import's result in words (the CLI prints the same).
pub fn imported_text(done: &CadenceImport) -> String {
    let list = |ids: &[String]| {
        ids.iter()
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut lines = vec!["✅ Cadences imported.".to_string()];
    if !done.added.is_empty() {
        lines.push(format!("New: {}", list(&done.added)));
    }
    if !done.changed.is_empty() {
        lines.push(format!(
            "Changed: {} — prospects on them keep the touch already planned and follow the new steps after it",
            list(&done.changed)
        ));
    }
    if !done.unchanged.is_empty() {
        lines.push(format!("Unchanged: {}", list(&done.unchanged)));
    }
    if !done.retired.is_empty() {
        lines.push(format!(
            "Removed: {} — nobody new joins them; prospects on them finish them",
            list(&done.retired)
        ));
    }
    lines.join("\n")
}

pub fn default_set(id: CadenceId) -> Message {
    Message::plain(format!(
        "✅ New prospects now join `{id}` when `add` names no cadence and no lead temperature."
    ))
}
