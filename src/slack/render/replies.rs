//! Ephemeral answers to slash commands (and to the clicks that answer the same way): one
//! `Reply` drawn as Block Kit, short and readable on a phone.

use chrono::NaiveDate;

use crate::domain::dates::short_date;
use crate::domain::{Prospect, TouchStatus};
use crate::service::Reply;
use crate::slack::blocks::Message;
use crate::slack::mrkdwn::escape_entities;

use super::agenda::due;
use super::outcome::applied;
use super::pipeline::{list, week};
use super::prospect::{added, show};
use super::{cadences, recap, resources, stats, undo_actions, who};

/// The usage text, with examples.
pub const USAGE: &str = "*How to use followup*\n\
• `/followup add Jane Doe jane@acme.com company:Acme lead:hot` — enrol a prospect (`/followup add` alone opens a form)\n\
• `/followup due` — what to do today · `/followup list` — your pipeline\n\
• `/followup show jane` — details and the whole cadence\n\
• `/followup done jane via:call outcome:connected asked for pricing` — log what happened · `/followup snooze jane 3d` · `/followup skip jane`\n\
• `/followup edit jane stage:proposal value:40k` · `/followup move jane proposal` · `/followup next jane friday call after the board meeting`\n\
• `/followup recap jane` — after a meeting: items, next meeting, the recap email · `/followup items`\n\
• `/followup week` — the next seven days · `/followup replied jane` · `/followup won jane 12k` · `/followup lost jane went with X`\n\
• `/followup pause jane` · `resume` · `nurture` · `stop` — anything can be undone for 10 minutes with its Undo button\n\
• `/followup cadences` · `/followup stats 90d` · `/followup resources` — the team's value-add library (`resources add \"Case study\" https://example.com/case tags`)\n\
• managers: `/followup cadence import` (the team's own cadences) · `settings default-cadence <id>`\n\
• `/followup settings digest 07:30 tz Europe/Berlin weekends off` · managers (admins and owners, and whom they name): `/followup settings managers @dana` · `settings holidays 2026-12-24 2026-12-25` · `settings team-channel #sales`\n\
• `/followup away monday 2w` — time off (or two dates): no digests, nothing dated inside it · `/followup away` shows it · `/followup back` (or `away off`) ends it early\n\
Name a prospect by `#12` or any part of the name. Fields for `add`: `company:` `cadence:` `lead:hot|warm|cold` `value:` `start:` `stage:` `pace:fast|normal|slow` `email:` `phone:` `linkedin:` `note:`";

pub fn reply(reply: &Reply, today: NaiveDate) -> Message {
    match reply {
        Reply::Help => Message::plain(USAGE),
        Reply::Cadences { team, default } => cadences::cadences(team, *default),
        Reply::OpenCadenceImport => Message::plain("Opening the cadence import form…"),
        Reply::CadencesImported(done) => cadences::imported(done),
        Reply::DefaultCadence(id) => cadences::default_set(*id),
        Reply::Added { state, same_company } => added(state, same_company, today),
        Reply::List(items) => list(items),
        Reply::Due(report) => due(report),
        Reply::Show(state) => show(state, today),
        Reply::Applied { state, outcome, undo } => {
            let mut m = applied(state, outcome);
            if let Some(id) = undo {
                m.push(undo_actions("undo.reply", *id));
            }
            m
        }
        Reply::Undone(state) => Message::plain(format!(
            "↩️ Undone: {} is back as it was{}.",
            who(&state.prospect),
            state
                .touches
                .iter()
                .filter(|t| t.status == TouchStatus::Pending)
                .map(|t| t.due_on)
                .min()
                .map(|d| format!(", next touch {}", short_date(d)))
                .unwrap_or_default()
        )),
        Reply::NotUndone(why) => Message::plain(match why {
            crate::store::Undone::Expired => format!(
                "⌛ Too late to undo: an action can be taken back for {} minutes. Change it with a command instead (`/followup help`).",
                crate::store::UNDO_MINUTES
            ),
            crate::store::Undone::Changed => "Nothing undone: the prospect changed again since, and undoing would throw that away. `/followup show` it to see where it stands.".to_string(),
            _ => "Nothing to undo: that was already taken back.".to_string(),
        }),
        Reply::AwayStatus { window: Some((from, to)), today } if to >= today => Message::plain(format!(
            "🏝️ {} from {} to {}: no digests, and nothing is dated inside it. On the first working day back, what waited is spread over the following days.\n`/followup away off` ends it now; `/followup away <from> <to>` sets another.",
            if from <= today { "You are away" } else { "You will be away" },
            short_date(*from),
            short_date(*to)
        )),
        Reply::AwayStatus { .. } => Message::plain(
            "You have no absence set. `/followup away 2026-12-21 2027-01-01` (or `away monday 2w`) sets one: no digests while you are away, nothing dated inside it, and the backlog spread after you are back.",
        ),
        Reply::TeamChannel(channel) => Message::plain(match channel {
            Some(channel) => format!(
                "✅ The team's weekly numbers go to {} on Monday mornings. Invite followup to it (`/invite @followup`) if it is private.",
                channel_mention(channel)
            ),
            None => "✅ The team channel is back to the default: the weekly numbers go where the install says (`FOLLOWUP_TEAM_CHANNEL`), or nowhere.".to_string(),
        }),
        Reply::Holidays { days, moved } => Message::plain(if days.is_empty() {
            "✅ The team has no holidays set now.".to_string()
        } else {
            format!(
                "✅ The team's holidays: {}. No touch is dated on them; {moved} pending {} moved to the next working day.",
                days.iter().map(|d| short_date(*d)).collect::<Vec<_>>().join(", "),
                if *moved == 1 { "touch" } else { "touches" }
            )
        }),
        Reply::Choose { verb, candidates, .. } => choose(verb, candidates),
        Reply::NotFound(what) => Message::plain(format!(
            "I couldn't find `{}` among your prospects. `/followup list` shows them; `#12` names one by number.",
            escape_entities(what)
        )),
        Reply::Stats { metrics, window, rates } => {
            let mut m = stats::stats(metrics, *window);
            stats::push_rates(&mut m, rates);
            m
        }
        Reply::Settings { settings, default_digest, changed } => {
            let digest = settings.digest_time.unwrap_or(*default_digest).format("%H:%M");
            let zone = settings.tz.map(|tz| tz.name().to_string()).unwrap_or_else(|| "UTC (not set yet)".into());
            let weekends = if settings.weekends_off { "off (touches move to Monday)" } else { "on" };
            let head = if *changed { "✅ Settings saved." } else { "Your settings:" };
            let away = settings
                .away
                .map(|(from, to)| format!("\n• Away {} to {}", short_date(from), short_date(to)))
                .unwrap_or_default();
            let holidays = if settings.holidays.is_empty() {
                String::new()
            } else {
                format!(
                    "\n• Team holidays: {}",
                    settings.holidays.iter().map(|d| short_date(*d)).collect::<Vec<_>>().join(", ")
                )
            };
            let away = format!("{away}{holidays}");
            Message::plain(format!(
                "{head}\n• Morning digest at *{digest}*\n• Time zone *{zone}*\n• Weekends *{weekends}*\n• At most *{}* touches a day when a backlog is spread{away}\n\
                 Change with `/followup settings digest 07:30`, `tz Europe/Berlin`, `weekends on|off`, `cap 15`.",
                settings.daily_cap
            ))
        }
        Reply::Duplicate { existing } => {
            let lines: Vec<String> = existing
                .iter()
                .map(|p| format!("• *#{}* {} — <@{}>'s, {}", p.id, who(p), p.rep.user_id, p.status))
                .collect();
            Message::plain(format!(
                "👯 Already in your workspace, so nothing was added:\n{}\nUse `/followup show #{}` to see it.",
                lines.join("\n"),
                existing.first().map(|p| p.id).unwrap_or_default()
            ))
        }
        Reply::Away { window: Some((from, to)), moved, cap } => Message::plain(format!(
            "🏝️ Away from {} to {}: no digests, and your cadences stand still. {moved} touches got new dates after you are back, at most {cap} a day (`/followup settings cap N` changes that). `/followup away off` if you come back early.",
            short_date(*from),
            short_date(*to)
        )),
        Reply::Away { window: None, .. } => Message::plain("👋 Welcome back: away mode is off."),
        Reply::TeamStats { team, by_rep, window, rates } => {
            let mut m = stats::team_stats(team, by_rep, *window);
            stats::push_rates(&mut m, rates);
            m
        }
        Reply::Resources(library) => resources::library(library),
        Reply::ResourceAdded(r) => resources::added(r),
        Reply::ResourceRemoved(r) => resources::removed(r),
        Reply::Week { today, touches } => week(*today, touches),
        Reply::OpenRecap(p) => Message::plain(format!(
            "The recap form for {} opens from Slack: type `/followup recap #{}` there.",
            who(p),
            p.id
        )),
        Reply::Recapped { state, items, discussed, next_meeting } => {
            recap::recapped(state, items, discussed.as_deref(), *next_meeting)
        }
        Reply::Items { items, today } => recap::items(items, *today),
        Reply::Delivered(true) => Message::plain("📦 Delivered — the promise is kept."),
        Reply::Delivered(false) => Message::plain("Nothing to change: that item was already delivered."),
        Reply::Reassigned { id, to } => Message::plain(format!("🔀 #{id} is now <@{to}>'s, with its cadence and history.")),
        Reply::AlreadyOwned { id, owner } => Message::plain(format!("⚠️ #{id} is already <@{}>'s: nothing changed.", escape_entities(owner))),
        Reply::Problem(text) => Message::plain(format!("⚠️ {}\n_`/followup help` shows every command._", escape_entities(text))),
    }
}

/// An unexpected failure: the rep hears that nothing changed.
pub fn apology() -> Message {
    Message::plain("😓 Sorry, something went wrong on our side and nothing was changed. Please try again in a moment.")
}

/// A channel as Slack draws it: `<#C0123>` for an id, the `#name` as typed otherwise.
fn channel_mention(channel: &str) -> String {
    if channel.starts_with('#') {
        escape_entities(channel)
    } else {
        format!("<#{channel}>")
    }
}

fn choose(verb: &str, candidates: &[Prospect]) -> Message {
    let lines: Vec<String> = candidates
        .iter()
        .map(|p| format!("• `/followup {verb} #{}` — {} ({})", p.id, who(p), p.status))
        .collect();
    Message::plain(format!(
        "Several prospects match; nothing changed. Which one?\n{}",
        lines.join("\n")
    ))
}
