//! Keeping promises on Slack: the drafted recap email after a meeting, the open items, and a
//! promise due today in the digest with its Delivered button.

use chrono::NaiveDate;

use crate::domain::dates::short_date;
use crate::domain::items::{ActionItem, NewItem};
use crate::domain::lifecycle::ProspectState;
use crate::domain::TouchStatus;

use super::entry::{bold, link, mailto, quote_part, rich_text, section_part, text};
use crate::slack::actions;
use crate::slack::blocks::{
    actions as actions_block, button, context, section, section_with_id, Message,
};
use crate::slack::mrkdwn::escape;

fn dated(text: &str, due_on: Option<NaiveDate>) -> String {
    match due_on {
        Some(d) => format!("{text} (by {})", short_date(d)),
        None => text.to_string(),
    }
}

/// The same-day recap email, drafted from what the form said: the rep's items, and more softly
/// theirs, ending with one easy question.
pub fn draft(
    first_name: &str,
    items: &[NewItem],
    discussed: Option<&str>,
    next_meeting: Option<NaiveDate>,
) -> String {
    let mine: Vec<String> = items
        .iter()
        .filter(|i| i.mine)
        .map(|i| format!("- {}", dated(&i.text, i.due_on)))
        .collect();
    let theirs: Vec<String> = items
        .iter()
        .filter(|i| !i.mine)
        .map(|i| format!("- {}", dated(&i.text, i.due_on)))
        .collect();
    let mut out = format!("Hi {first_name},\n\nThank you for your time today. Here is a short recap so nothing slips.");
    if let Some(discussed) = discussed {
        out.push_str(&format!("\n\nWhat we discussed: {discussed}"));
    }
    if !mine.is_empty() {
        out.push_str(&format!("\n\nFrom my side:\n{}", mine.join("\n")));
    }
    if !theirs.is_empty() {
        out.push_str(&format!(
            "\n\nFrom yours, whenever it suits:\n{}",
            theirs.join("\n")
        ));
    }
    if let Some(day) = next_meeting {
        out.push_str(&format!("\n\nWe meet again on {}.", short_date(day)));
    }
    out.push_str("\n\nDid I capture everything?");
    out
}

/// The reply to a submitted recap: what was stored, and the email ready to copy or open.
pub fn recapped(
    state: &ProspectState,
    items: &[NewItem],
    discussed: Option<&str>,
    next_meeting: Option<NaiveDate>,
) -> Message {
    let p = &state.prospect;
    let first = p.name.split_whitespace().next().unwrap_or(&p.name);
    let email = draft(first, items, discussed, next_meeting);
    let mine = items.iter().filter(|i| i.mine).count();
    let theirs = items.len() - mine;
    let next = state
        .touches
        .iter()
        .filter(|t| t.status == TouchStatus::Pending)
        .map(|t| t.due_on)
        .min()
        .map(|d| format!(" Next touch {}.", short_date(d)))
        .unwrap_or_default();
    let mut m = Message::new(format!("Recap for {}", p.name));
    m.push(section(&format!(
        "📝 Recap saved for *{}*: {mine} of your items, {theirs} of theirs, on the `{}` cadence.{next} Your items come back in the digest on their dates; the next messages deliver them and ask about theirs.",
        escape(&p.name),
        p.cadence
    )));
    let subject = match &p.company {
        Some(company) => format!("Recap: {company}"),
        None => "Recap of our call".to_string(),
    };
    let mut head = vec![bold("Your recap email, ready to send")];
    if let Some(address) = &p.email {
        head.push(text(" — "));
        head.push(link(
            &mailto(address, &subject, &email),
            "open it in your mail app",
        ));
    }
    m.push(rich_text(
        &format!("recap.{}", p.id),
        vec![section_part(head), quote_part(vec![text(&email)])],
    ));
    m
}

/// `/followup items`: the open promises, the rep's first.
pub fn items(items: &[ActionItem], today: NaiveDate) -> Message {
    let mut m = Message::new(format!("{} open action items", items.len()));
    if items.is_empty() {
        m.push(section(
            "No open action items. After a meeting, `/followup recap jane` records them.",
        ));
        return m;
    }
    for (mine, title) in [(true, "*Yours*"), (false, "*Theirs* (ask softly)")] {
        let lines: Vec<String> = items
            .iter()
            .filter(|i| i.mine == mine)
            .map(|i| {
                let when = match i.due_on {
                    Some(d) if d < today => format!(" · ⏰ was due {}", short_date(d)),
                    Some(d) => format!(" · due {}", short_date(d)),
                    None => String::new(),
                };
                format!(
                    "• {} — *{}* #{}{when}",
                    escape(&i.text),
                    escape(&i.prospect_name),
                    i.prospect_id
                )
            })
            .collect();
        if !lines.is_empty() {
            m.push(section(&format!("{title}\n{}", lines.join("\n"))));
        }
    }
    m.push(context(
        "Your items show in the morning digest on their dates, with a Delivered button.",
    ));
    m
}

/// A promise due by today, in the digest: what, for whom, and Delivered.
pub fn item_blocks(item: &ActionItem, today: NaiveDate) -> Vec<crate::slack::blocks::Block> {
    let late = match item.due_on {
        Some(d) if d < today => format!(" · ⏰ due {}", short_date(d)),
        _ => String::new(),
    };
    vec![
        section_with_id(
            &format!("item.{}", item.id),
            &format!(
                "📦 *You promised {}:* {}{late}",
                escape(&item.prospect_name),
                escape(&item.text)
            ),
        ),
        actions_block(
            &format!("item_act.{}", item.id),
            vec![button(
                "Delivered 📦",
                actions::DELIVERED,
                &item.id.to_string(),
                Some("primary"),
            )],
        ),
    ]
}
