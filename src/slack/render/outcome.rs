//! What an action did (done, snooze, skip, won, edit, move …), as the one line the rep reads.

use chrono::NaiveDate;

use crate::domain::cadence::AfterEnd;
use crate::domain::dates::short_date;
use crate::domain::lifecycle::{Outcome, ProspectState};
use crate::domain::ProspectStatus;
use crate::slack::blocks::Message;
use crate::slack::mrkdwn::escape;

use super::{lint_hint, who};

pub(super) fn applied(state: &ProspectState, outcome: &Outcome) -> Message {
    let p = &state.prospect;
    let name = who(p);
    let next = |due: &Option<NaiveDate>| match due {
        Some(d) => format!(" Next touch {}.", short_date(*d)),
        None => String::new(),
    };
    let text = match outcome {
        Outcome::Done {
            touch,
            next_due,
            cadence_ended,
            caught_up,
        } => {
            let ended = if *cadence_ended {
                match p.cadence.cadence().after {
                    _ if p.status == ProspectStatus::Awaiting => " That was the last touch of the cadence: one more, nurture or close? (`/followup due`)".to_string(),
                    AfterEnd::MoveTo(c) if p.cadence == c => format!(" The cadence is over; {} moves to `{c}`.", escape(&p.name)),
                    _ => String::new(),
                }
            } else {
                String::new()
            };
            let hint = lint_hint(touch.note.as_deref())
                .map(|h| format!("\n{h}"))
                .unwrap_or_default();
            let caught_up = match caught_up {
                0 => String::new(),
                1 => " You were behind: 1 missed touch was skipped, and the rest of the cadence now runs from today.".to_string(),
                n => format!(" You were behind: {n} missed touches were skipped, and the rest of the cadence now runs from today."),
            };
            let how = match (touch.channel, touch.outcome) {
                (Some(c), Some(o)) => format!(" by {} ({})", c.label(), o),
                (Some(c), None) => format!(" by {}", c.label()),
                (None, Some(o)) => format!(" ({o})"),
                (None, None) => String::new(),
            };
            format!(
                "✅ Logged {} for {name}{how}.{}{caught_up}{ended}{hint}",
                touch.position(),
                next(next_due)
            )
        }
        Outcome::Skipped { touch, next_due } => format!(
            "⏭️ Skipped {} for {name}.{}",
            touch.position(),
            next(next_due)
        ),
        Outcome::Snoozed { touch, moved_later } => {
            let moved = if *moved_later > 0 {
                format!(" ({moved_later} later touches moved too)")
            } else {
                String::new()
            };
            format!(
                "😴 Snoozed {} for {name} to {}.{moved}",
                touch.position(),
                short_date(touch.due_on)
            )
        }
        Outcome::Replied => format!("💬 {name} replied — the cadence stops here. Go talk to them!"),
        Outcome::Won => format!(
            "🎉 Won: {name}{}!",
            p.value
                .map(|v| format!(" for {}", v.display()))
                .unwrap_or_default()
        ),
        Outcome::Lost => format!(
            "Closed {name} as lost. `/followup nurture #{}` keeps in touch every 90 days.",
            p.id
        ),
        Outcome::Paused => format!(
            "⏸️ Paused {name}. `/followup resume #{}` picks the cadence up again.",
            p.id
        ),
        Outcome::Resumed {
            shifted_days,
            next_due,
        } => format!(
            "▶️ Resumed {name}; the remaining touches moved {shifted_days} days.{}",
            next(next_due)
        ),
        Outcome::Nurtured { first_due } => format!(
            "🌱 {name} moved to nurture: a value-add every 90 days.{}",
            next(first_due)
        ),
        Outcome::Stopped => format!("⏹️ Stopped the cadence for {name}."),
        Outcome::Edited { changed } => {
            format!("✏️ Updated {name}: {}.", escape(&changed.join(", ")))
        }
        Outcome::Moved {
            cadence,
            skipped,
            first_due,
        } => {
            let skipped = match skipped {
                0 => String::new(),
                1 => " 1 open touch of the old cadence was skipped (kept in its history).".into(),
                n => format!(
                    " {n} open touches of the old cadence were skipped (kept in its history)."
                ),
            };
            format!(
                "🔀 {name} is on the `{cadence}` cadence now.{}{skipped}",
                next(first_due)
            )
        }
        Outcome::NextSet {
            due_on,
            moved_later,
        } => {
            let moved = match moved_later {
                0 => String::new(),
                1 => " 1 cadence touch was within two days of it and moved past it.".into(),
                n => format!(
                    " {n} cadence touches moved past it, to keep two days clear and their rests."
                ),
            };
            format!(
                "📌 Next step with {name} on {}: it will be in that morning's digest.{moved}",
                short_date(*due_on)
            )
        }
        Outcome::OneMore { due_on } => {
            format!("➕ One more touch for {name} on {}.", short_date(*due_on))
        }
        Outcome::AlreadyDone(why) if why.is_empty() => {
            format!("Nothing to change for {name}: that was already done.")
        }
        Outcome::AlreadyDone(why) => format!("Nothing to change: {}.", escape(why)),
    };
    Message::plain(text)
}
