//! The agenda: the morning digest, `/followup due` and the top of the Home tab, each touch with its
//! buttons; its summary redrawn after a click; and Monday's look at last week.

use crate::domain::dates::short_date;
use crate::domain::due::{DueReport, DueTouch};
use crate::domain::Prospect;
use crate::slack::actions::{self, MORE_CHOICES, SNOOZE_CHOICES};
use crate::slack::blocks::{
    self, actions as actions_block, button, context, header, option, overflow, section,
    section_with_id, static_select, Block, Message,
};

use super::{entry, recap, resources, who};

/// The morning digest: the agenda, greeting the rep.
pub fn digest(report: &DueReport) -> Message {
    agenda(
        report,
        &format!(
            "☀️ Good morning · {} follow-ups for {}",
            report.touch_count(),
            short_date(report.today)
        ),
    )
}

/// `/followup due`: the same agenda as the digest, now.
pub fn due(report: &DueReport) -> Message {
    agenda(
        report,
        &format!("Today's follow-ups · {}", short_date(report.today)),
    )
}

fn agenda(report: &DueReport, title: &str) -> Message {
    let total = report.touch_count();
    let mut m = Message::new(format!(
        "{total} follow-ups today ({} overdue)",
        report.overdue.len()
    ));
    if let Some((from, to)) = report.away {
        m.push(section_with_id(
            AWAY_BLOCK,
            &format!(
                "🏝️ {} from {} to {}: no digests, and nothing is dated inside it. `/followup away off` if you are back early.",
                if from <= report.today { "You are away" } else { "You will be away" },
                short_date(from),
                short_date(to)
            ),
        ));
    }
    if report.is_empty() {
        m.push(section(
            "🎉 Nothing due today. `/followup list` shows your pipeline.",
        ));
        return m;
    }
    m.push(header(title).with_id(HEADER_BLOCK));
    m.push(counts(report));
    // Keep room for the extra sections and the "more" line.
    let reserved = 8;
    let mut shown = 0;
    for item in &report.items_due {
        if m.room() < reserved + 2 {
            break;
        }
        for block in recap::item_blocks(item, report.today) {
            m.push(block);
        }
    }
    for t in report.overdue.iter().chain(&report.due_today) {
        if m.room() < reserved + 2 {
            break;
        }
        for block in touch_blocks(t, report) {
            m.push(block);
        }
        shown += 1;
    }
    if shown < total {
        m.push(context(&format!(
            "…and {} more. `/followup due` lists them all as you work through these.",
            total - shown
        )));
    }
    if !report.hot_waiting.is_empty() && m.room() > 1 {
        let names: Vec<String> = report
            .hot_waiting
            .iter()
            .map(|p| format!("#{} {}", p.id, who(p)))
            .collect();
        m.push(section_with_id(
            HOT_BLOCK,
            &format!(
                "🔥 *Hot leads waiting over 24 h for a first touch:* {}",
                names.join(", ")
            ),
        ));
    }
    if !report.stale.is_empty() && m.room() > 1 {
        let names: Vec<String> = report
            .stale
            .iter()
            .take(15)
            .map(|p| format!("#{} {}", p.id, who(p)))
            .collect();
        m.push(section_with_id(
            STALE_BLOCK,
            &format!("🕸️ *No contact for 3+ weeks:* {}", names.join(", ")),
        ));
    }
    for p in &report.awaiting {
        if m.room() < 2 {
            break;
        }
        for block in awaiting_blocks(p) {
            m.push(block);
        }
    }
    m
}

/// A cadence that ended without a reply: one more, nurture, or close.
fn awaiting_blocks(p: &Prospect) -> Vec<Block> {
    vec![
        section_with_id(
            &format!("awaiting.{}", p.id),
            &format!(
                "🏁 {} finished the `{}` cadence without a reply. Just one more touch?",
                who(p),
                p.cadence
            ),
        ),
        actions_block(
            &format!("awaiting_act.{}", p.id),
            vec![
                button(
                    "One more touch",
                    actions::ONE_MORE,
                    &p.id.to_string(),
                    Some("primary"),
                ),
                button("Move to nurture", actions::NURTURE, &p.id.to_string(), None),
                blocks::with_confirm(
                    button("Close", actions::CLOSE, &p.id.to_string(), None),
                    "Close the file?",
                    &format!(
                        "This stops the follow-up with this prospect. You can undo it for {} minutes.",
                        crate::store::UNDO_MINUTES
                    ),
                    "Close it",
                ),
            ],
        ),
    ]
}

const HEADER_BLOCK: &str = "agenda.header";
const COUNTS_BLOCK: &str = "agenda.counts";
const HOT_BLOCK: &str = "agenda.hot";
const STALE_BLOCK: &str = "agenda.stale";
const AWAY_BLOCK: &str = "agenda.away";

/// `3 due today · 1 overdue`, with the touches behind when a prospect has several.
fn counts(report: &DueReport) -> Block {
    let behind: usize = report
        .overdue
        .iter()
        .chain(&report.due_today)
        .map(|t| t.behind)
        .sum();
    let behind = match behind {
        0 => String::new(),
        1 => " · 1 more touch behind".to_string(),
        n => format!(" · {n} more touches behind"),
    };
    context(&format!(
        "{} due today · {} overdue{behind}",
        report.due_today.len(),
        report.overdue.len()
    ))
    .with_id(COUNTS_BLOCK)
}

/// One touch in the agenda: what to do and say, and the buttons.
fn touch_blocks(t: &DueTouch, report: &DueReport) -> Vec<Block> {
    let today = report.today;
    let p = &t.prospect;
    // A next step the rep set carries the rep's own words, not a template.
    let message = if t.touch.is_extra() {
        t.touch
            .note
            .clone()
            .unwrap_or_else(|| "The next step you set.".to_string())
    } else {
        // What the rep promised goes in the message; what they offered is asked about.
        match report.promises.get(&p.id) {
            Some((mine, theirs)) => {
                crate::domain::items::weave(&t.suggested_message(today), mine, theirs)
            }
            None => t.suggested_message(today),
        }
    };
    let message = resources::with_suggestion(&message, report.resources.get(&t.touch.id));
    let value = actions::touch_value(p.id, t.touch.id);
    vec![
        entry::entry(t, today, &message),
        actions_block(
            &format!("act.{}", t.touch.id),
            vec![
                button("Done ✅", actions::DONE, &value, Some("primary")),
                button("Log…", actions::LOG, &value, None),
                static_select(
                    "Snooze",
                    actions::SNOOZE,
                    SNOOZE_CHOICES
                        .iter()
                        .map(|(label, suffix)| {
                            option(label, &actions::snooze_value(p.id, t.touch.id, suffix))
                        })
                        .collect(),
                ),
                button("Replied 💬", actions::REPLIED, &value, None),
                blocks::with_confirm(
                    overflow(
                        actions::MORE,
                        MORE_CHOICES
                            .iter()
                            .map(|(label, suffix)| {
                                option(label, &actions::prospect_value(p.id, suffix))
                            })
                            .collect(),
                    ),
                    "Close this follow-up?",
                    &format!(
                        "Won, lost, nurture and stop end this prospect's cadence. You can undo it for {} minutes.",
                        crate::store::UNDO_MINUTES
                    ),
                    "Yes, go ahead",
                ),
            ],
        ),
    ]
}

/// The blocks an agenda draws for one prospect — its touch with the buttons, or its "cadence
/// ended" choice — or none when the prospect has nothing in it.
pub fn agenda_item(report: &DueReport, prospect: crate::domain::ProspectId) -> Vec<Block> {
    if let Some(t) = report
        .overdue
        .iter()
        .chain(&report.due_today)
        .find(|t| t.prospect.id == prospect)
    {
        return touch_blocks(t, report);
    }
    report
        .awaiting
        .iter()
        .find(|p| p.id == prospect)
        .map(awaiting_blocks)
        .unwrap_or_default()
}

/// The agenda's summary blocks — header, counts and the flag lines — redrawn from `fresh` in a
/// message drawn earlier, so after each click they say what is left, not what was there at 8am.
/// Blocks of the message that are not summaries stay as they are.
pub fn refresh_summary(original: &[Block], report: &DueReport) -> Vec<Block> {
    let fresh = due(report);
    let fresh_block = |id: &str| fresh.blocks.iter().find(|b| b.id() == Some(id));
    let mut out = Vec::with_capacity(original.len());
    for block in original {
        match block.id() {
            Some(HEADER_BLOCK) => {
                // Keep the header's own words (digest or `due`), with the count brought up to date.
                let text = block.text().unwrap_or_default();
                out.push(header(&recount_header(text, report.touch_count())).with_id(HEADER_BLOCK));
            }
            Some(id @ (COUNTS_BLOCK | HOT_BLOCK | STALE_BLOCK)) => {
                if let Some(b) = fresh_block(id) {
                    out.push(b.clone());
                } else if id == COUNTS_BLOCK {
                    out.push(context("🎉 All done for today."));
                }
            }
            _ => out.push(block.clone()),
        }
    }
    // A flag that appeared since (a hot lead now past its 24 hours) is not added: the next
    // digest or `/followup due` shows it.
    out.truncate(blocks::MAX_MESSAGE_BLOCKS);
    out
}

/// `☀️ Good morning · 6 follow-ups for Fri 4 Dec` → `… · 3 follow-ups left for Fri 4 Dec`.
fn recount_header(text: &str, left: usize) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    match words
        .iter()
        .position(|w| *w == "follow-ups" || *w == "follow-up")
    {
        Some(i) if i > 0 && words[i - 1].parse::<usize>().is_ok() => {
            let noun = if left == 1 { "follow-up" } else { "follow-ups" };
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[i - 1] = left.to_string();
            out[i] = format!("{noun} left");
            if words.get(i + 1) == Some(&"left") {
                out.remove(i + 1);
            }
            out.join(" ")
        }
        _ => text.to_string(),
    }
}

/// The Monday section of the digest: what the rep did last week.
pub fn last_week(activity: &crate::store::Activity) -> Block {
    let won = crate::domain::Money::from_cents(activity.won_value_cents).unwrap_or_default();
    let count = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    context(&format!(
        "📈 *Last week*: {} logged · {} · {} won ({}) · {} added",
        count(activity.touches_done, "touch", "touches"),
        count(activity.replies, "reply", "replies"),
        activity.won,
        won.display(),
        count(activity.added, "prospect", "prospects"),
    ))
}

/// Monday's digest when nothing is due: last week's numbers alone.
pub fn last_week_alone(activity: &crate::store::Activity) -> Message {
    let mut m = Message::new(format!(
        "Last week: {} touches logged, {} won. Nothing is due today.",
        activity.touches_done, activity.won
    ));
    m.push(last_week(activity));
    m.push(context("☀️ Nothing is due today."));
    m
}
