//! One prospect's card: as `/followup add` just enrolled it (with "call now" for a hot lead), and
//! as `/followup show` draws it, cadence and all.

use chrono::NaiveDate;

use crate::domain::dates::short_date;
use crate::domain::due::DueTouch;
use crate::domain::lifecycle::ProspectState;
use crate::domain::{Prospect, Touch, TouchStatus};
use crate::slack::actions;
use crate::slack::blocks::{
    actions as actions_block, button, context, divider, fields, section, Block, Message,
};
use crate::slack::mrkdwn::escape;

use super::{channels_of, lint_hint, who};

fn schedule_line(t: &Touch) -> String {
    let mark = match t.status {
        TouchStatus::Done => "✅",
        TouchStatus::Skipped => "⏭️",
        TouchStatus::Cancelled => "✖️",
        TouchStatus::Paused => "⏸️",
        TouchStatus::Pending if t.snoozes > 0 => "😴",
        TouchStatus::Pending => "▫️",
    };
    let status = match t.status {
        TouchStatus::Pending if t.snoozes > 0 => " · snoozed".to_string(),
        TouchStatus::Pending => String::new(),
        other => format!(" · {other}"),
    };
    let note = t
        .note
        .as_deref()
        .map(|n| format!(" — _{}_", escape(n)))
        .unwrap_or_default();
    if t.status == TouchStatus::Done {
        // What happened: the day it was logged, the channel used and the outcome.
        let day = t.done_at.map(|at| at.date_naive()).unwrap_or(t.due_on);
        let how = t
            .channel
            .map(|c| format!(" · by {}", c.label()))
            .unwrap_or_default();
        let outcome = t.outcome.map(|o| format!(" · {o}")).unwrap_or_default();
        return format!(
            "{mark} {} · {}{}{how}{outcome}{note}",
            short_date(day),
            t.position(),
            t.variant_label()
        );
    }
    format!(
        "{mark} {} · {}{} · {}{status}{note}",
        short_date(t.due_on),
        t.position(),
        t.variant_label(),
        channels_of(t)
    )
}

pub(super) fn added(state: &ProspectState, same_company: &[Prospect], today: NaiveDate) -> Message {
    let p = &state.prospect;
    let mut m = Message::new(format!("Added {} to {}", escape(&p.name), p.cadence));
    // Every field that was read, so a misread line (a company taken for part of the name, an
    // email with a comma) shows at once.
    let mut who = who(p);
    if let Some(lead) = p.lead {
        who.push_str(&format!(" · {lead} lead"));
    }
    let mut read: Vec<String> = Vec::new();
    if let Some(email) = &p.email {
        read.push(format!("email {}", escape(email)));
    }
    if let Some(phone) = &p.phone {
        read.push(format!("phone {}", escape(phone)));
    }
    if p.linkedin.is_some() {
        read.push("LinkedIn".into());
    }
    if let Some(value) = p.value {
        read.push(format!("value *{}*", value.display()));
    }
    if p.stage != crate::domain::Stage::Inquiry {
        read.push(format!("stage *{}*", p.stage));
    }
    if p.pace != crate::domain::Pace::Normal {
        read.push(format!("pace *{}*", p.pace));
    }
    if let Some(first) = state.touches.first() {
        read.push(format!("starts *{}*", short_date(first.due_on)));
    }
    if let Some(note) = &p.notes {
        let short: String = note.chars().take(80).collect();
        let more = if short.len() < note.len() { "…" } else { "" };
        read.push(format!("note “{}{more}”", escape(&short)));
    }
    m.push(section(&format!(
        "✅ Added {who} as *#{}* on the `{}` cadence ({} touches).\n{}",
        p.id,
        p.cadence,
        state.touches.len(),
        read.join(" · ")
    )));
    if let Some(first) = call_now(state, today) {
        m.push(first);
    }
    let lines: Vec<String> = state.touches.iter().map(schedule_line).collect();
    m.push(section(&lines.join("\n")));
    if !same_company.is_empty() {
        let reps: std::collections::BTreeSet<String> = same_company
            .iter()
            .map(|o| format!("<@{}>", o.rep.user_id))
            .collect();
        let verb = if reps.len() == 1 { "is" } else { "are" };
        m.push(section(&format!(
            "🤝 {} {verb} already working {}: talk before you reach out.",
            reps.into_iter().collect::<Vec<_>>().join(", "),
            escape(p.company.as_deref().unwrap_or("this company"))
        )));
    }
    if let Some(hint) = lint_hint(p.notes.as_deref()) {
        m.push(context(&hint));
    }
    m.push(context(&format!(
        "`/followup show #{}` shows it again · the morning digest will remind you on each day",
        p.id
    )));
    m
}

/// For a hot or warm lead whose first touch is due now: the first step, with the number to
/// dial and the opening line — the first 24 hours decide.
fn call_now(state: &ProspectState, today: NaiveDate) -> Option<Block> {
    use super::entry::{bold, link, quote_part, rich_text, section_part, tel, text};
    let p = &state.prospect;
    let hot = matches!(
        p.lead,
        Some(crate::domain::LeadTemp::Hot | crate::domain::LeadTemp::Warm)
    );
    let first = state.touches.first()?;
    if !hot || first.step_index != 0 || first.due_on > today {
        return None;
    }
    let opening = DueTouch::new(p.clone(), first.clone()).suggested_message(today);
    let mut head = vec![bold("📞 Call now"), text(" — the first 24 hours decide. ")];
    match (&p.phone, &p.phone_e164) {
        (Some(phone), Some(e164)) => head.push(link(&format!("tel:{e164}"), phone)),
        (Some(phone), None) => head.push(link(&tel(phone), phone)),
        (None, _) => head.push(text("No phone yet: /followup edit adds one.")),
    }
    head.push(text(
        "\nIf they do not pick up, leave a voicemail and send this:",
    ));
    Some(rich_text(
        &format!("call_now.{}", p.id),
        vec![section_part(head), quote_part(vec![text(&opening)])],
    ))
}

pub(super) fn show(state: &ProspectState, today: NaiveDate) -> Message {
    let p = &state.prospect;
    let mut m = Message::new(format!("{} — {}", escape(&p.name), p.status));
    m.push(section(&format!(
        "{} · *#{}* · {} · `{}` cadence",
        who(p),
        p.id,
        p.status,
        p.cadence
    )));
    let mut details = Vec::new();
    if let Some(e) = &p.email {
        details.push(format!("*Email*\n{}", escape(e)));
    }
    if let Some(ph) = &p.phone {
        details.push(format!("*Phone*\n{}", escape(ph)));
    }
    if let Some(l) = &p.linkedin {
        details.push(format!("*LinkedIn*\n{}", escape(l)));
    }
    details.push(format!("*Stage*\n{}", p.stage));
    if let Some(v) = p.value {
        details.push(format!("*Value*\n{}", v.display()));
    }
    if let Some(lead) = p.lead {
        details.push(format!("*Lead*\n{lead} · pace {}", p.pace));
    }
    details.push(format!(
        "*Last contact*\n{}",
        p.last_contact_at
            .map(|at| format!(
                "{}{}",
                short_date(at.date_naive()),
                p.last_channel
                    .map(|c| format!(" by {}", c.label()))
                    .unwrap_or_default()
            ))
            .unwrap_or_else(|| "none yet".into())
    ));
    m.push(fields(&details));
    if let Some(notes) = &p.notes {
        m.push(context(&format!("📝 {}", escape(notes))));
    }
    m.push(divider());
    let lines: Vec<String> = state
        .touches
        .iter()
        .map(|t| {
            let due = if t.status == TouchStatus::Pending && t.due_on <= today {
                " · *due*"
            } else {
                ""
            };
            format!("{}{due}", schedule_line(t))
        })
        .collect();
    m.push(section(if lines.is_empty() {
        "No touches planned."
    } else {
        ""
    }));
    if !lines.is_empty() {
        m.blocks.pop();
        m.push(section(&lines.join("\n")));
    }
    m.push(actions_block(
        &format!("show_act.{}", p.id),
        vec![button("✏️ Edit", actions::EDIT, &p.id.to_string(), None)],
    ));
    m.push(context(&format!(
        "Or type it: `/followup edit #{id} stage:proposal value:40k` · `/followup move #{id} proposal` · `/followup next #{id} friday call`",
        id = p.id
    )));
    m
}
