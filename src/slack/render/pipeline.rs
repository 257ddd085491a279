//! The rep's pipeline (`/followup list`) and the coming seven days (`/followup week`).

use chrono::NaiveDate;

use crate::domain::dates::short_date;
use crate::domain::due::{DueTouch, ProspectNext};
use crate::domain::ProspectStatus;
use crate::slack::blocks::{context, header, section, Message};
use crate::slack::mrkdwn::escape;

use super::{channels_of, who};

pub(super) fn list(items: &[ProspectNext]) -> Message {
    let mut m = Message::new(format!("Your pipeline: {} open prospects", items.len()));
    if items.is_empty() {
        m.push(section("Your pipeline is empty. Add someone with `/followup add Jane Doe jane@acme.com company:Acme`."));
        return m;
    }
    m.push(header(&format!("Your pipeline ({})", items.len())));
    let lines: Vec<String> = items
        .iter()
        .map(|item| {
            let p = &item.prospect;
            let next = match (&item.next, p.status) {
                (_, ProspectStatus::Replied) => "replied — talk to them".to_string(),
                (_, ProspectStatus::Awaiting) => {
                    "cadence ended: one more, nurture or close?".to_string()
                }
                (Some(t), ProspectStatus::Paused) => format!("paused · next {}", t.position()),
                (Some(t), _) => format!(
                    "{} · {} · {}",
                    t.position(),
                    channels_of(t),
                    short_date(t.due_on)
                ),
                (None, _) => "nothing planned".to_string(),
            };
            let value = p
                .value
                .map(|v| format!(" · {}", v.display()))
                .unwrap_or_default();
            format!("*#{}* {} — {} · _{}_{}", p.id, who(p), next, p.stage, value)
        })
        .collect();
    // Each section holds up to 3000 characters: pack lines into as few sections as fit.
    let mut chunk = String::new();
    let mut shown = 0;
    for line in &lines {
        if chunk.len() + line.len() + 1 > 2900 {
            if m.room() <= 2 {
                break;
            }
            m.push(section(&chunk));
            chunk.clear();
        }
        chunk.push_str(line);
        chunk.push('\n');
        shown += 1;
    }
    if !chunk.is_empty() {
        m.push(section(&chunk));
    }
    if shown < lines.len() {
        m.push(context(&format!("…and {} more.", lines.len() - shown)));
    }
    m
}

/// `/followup week`: the touches of the coming seven days, by day, with the late ones first.
pub(super) fn week(today: NaiveDate, touches: &[DueTouch]) -> Message {
    let mut m = Message::new(format!("Your week from {}", short_date(today)));
    m.push(header(&format!(
        "Your week · {} to {}",
        short_date(today),
        short_date(today + chrono::Duration::days(6))
    )));
    if touches.is_empty() {
        m.push(section(
            "Nothing planned for the next seven days. `/followup list` shows your pipeline.",
        ));
        return m;
    }
    let mut days: std::collections::BTreeMap<NaiveDate, Vec<String>> =
        std::collections::BTreeMap::new();
    for t in touches {
        let day = t.touch.due_on.max(today - chrono::Duration::days(1));
        let what = if t.touch.is_extra() {
            format!(
                "next step{}{}",
                t.touch
                    .channel
                    .map(|c| format!(" · {}", c.label()))
                    .unwrap_or_default(),
                t.touch
                    .note
                    .as_deref()
                    .map(|n| format!(" — _{}_", escape(n)))
                    .unwrap_or_default()
            )
        } else {
            format!("{} · {}", t.touch.position(), channels_of(&t.touch))
        };
        days.entry(day).or_default().push(format!(
            "• {} *#{}* — {what}",
            who(&t.prospect),
            t.prospect.id
        ));
    }
    for (day, lines) in days {
        if m.room() < 2 {
            m.push(context(
                "…and more: `/followup due` works through them day by day.",
            ));
            break;
        }
        let title = if day < today {
            "⏰ Late".to_string()
        } else if day == today {
            format!("Today · {}", short_date(day))
        } else {
            short_date(day)
        };
        let mut text = format!("*{title}* ({})\n", lines.len());
        for line in lines {
            if text.len() + line.len() > 2900 {
                text.push('…');
                break;
            }
            text.push_str(&line);
            text.push('\n');
        }
        m.push(section(&text));
    }
    m
}
