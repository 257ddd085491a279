//! Replies as Block Kit: short, readable on a phone, and with every person's text escaped.

pub mod cadences;
pub mod entry;
pub mod modals;
pub mod recap;
pub mod resources;
pub mod stats;

use chrono::NaiveDate;

use crate::domain::cadence::AfterEnd;
use crate::domain::dates::short_date;
use crate::domain::due::{DueReport, DueTouch, ProspectNext};
use crate::domain::lifecycle::{Outcome, ProspectState};
use crate::domain::metrics::{Metrics, Window};
use crate::domain::{Prospect, ProspectStatus, Touch, TouchStatus};
use crate::service::Reply;

use super::actions::{self, MORE_CHOICES, SNOOZE_CHOICES};
use super::blocks::{
    self, actions as actions_block, button, context, divider, fields, header, option, overflow,
    section, section_with_id, static_select, Block, Message,
};
use super::mrkdwn::{escape, escape_entities};

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
            let mut m = stats(metrics, *window);
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
            let mut m = team_stats(team, by_rep, *window);
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

/// The Home tab: today's agenda with the same buttons, the pipeline by stage, recent wins, the
/// rep's settings, and for a manager the team board.
pub fn home(home: &crate::service::Home) -> serde_json::Value {
    let mut blocks = vec![
        header("followup"),
        actions_block(
            "home_actions",
            vec![button(
                "➕ Add a prospect",
                actions::OPEN_ADD_MODAL,
                "home",
                Some("primary"),
            )],
        ),
    ];
    // The agenda may use up to 50 blocks; the rest of the Home tab fits in the other 50.
    blocks.extend(due(&home.agenda).capped());
    blocks.push(divider());
    let mut stages: std::collections::BTreeMap<u8, (String, usize, i64)> =
        std::collections::BTreeMap::new();
    for item in &home.pipeline {
        let p = &item.prospect;
        let order = crate::domain::Stage::ALL
            .iter()
            .position(|s| *s == p.stage)
            .unwrap_or(0) as u8;
        let entry = stages.entry(order).or_insert((p.stage.to_string(), 0, 0));
        entry.1 += 1;
        entry.2 += p.value.map(|v| v.cents()).unwrap_or(0);
    }
    let pipeline: Vec<String> = stages
        .values()
        .map(|(stage, n, cents)| {
            let value = crate::domain::Money::from_cents(*cents).unwrap_or_default();
            format!("• *{stage}*: {n} · {}", value.display())
        })
        .collect();
    blocks.push(section(&format!(
        "*📊 Pipeline* ({} open)\n{}",
        home.pipeline.len(),
        if pipeline.is_empty() {
            "empty — add your first prospect".to_string()
        } else {
            pipeline.join("\n")
        }
    )));
    if !home.recent_wins.is_empty() {
        let wins: Vec<String> = home
            .recent_wins
            .iter()
            .take(10)
            .map(|p| {
                format!(
                    "• {}{}",
                    who(p),
                    p.value
                        .map(|v| format!(" · {}", v.display()))
                        .unwrap_or_default()
                )
            })
            .collect();
        blocks.push(section(&format!(
            "*🎉 Won in the last 30 days*\n{}",
            wins.join("\n")
        )));
    }
    if let Some(board) = &home.team_overdue {
        let lines: Vec<String> = board
            .iter()
            .take(25)
            .map(|(user, n)| format!("• <@{user}>: {n} overdue"))
            .collect();
        blocks.push(section(&format!(
            "*🧭 Team board* (you are a manager)\n{}\n_Hand a prospect over with `/followup reassign #12 @rep`._",
            if lines.is_empty() { "Nobody has anything overdue.".to_string() } else { lines.join("\n") }
        )));
    }
    let s = &home.settings;
    blocks.push(context(&format!(
        "⚙️ Digest at {} · {} · weekends {} · at most {} touches a day after time away · `/followup settings` changes these",
        s.digest_time.unwrap_or(home.default_digest).format("%H:%M"),
        s.tz.map(|tz| tz.name().to_string()).unwrap_or_else(|| "UTC".into()),
        if s.weekends_off { "off" } else { "on" },
        s.daily_cap
    )));
    blocks.truncate(blocks::MAX_MODAL_BLOCKS);
    serde_json::json!({"type": "home", "blocks": blocks})
}

fn team_stats(team: &Metrics, by_rep: &[(String, Metrics)], window: Window) -> Message {
    let mut m = stats(team, window);
    m.blocks[0] = header(&format!("Team numbers · {}", period(window)));
    let lines: Vec<String> = by_rep
        .iter()
        .map(|(user, r)| {
            format!(
                "• <@{user}>: {} · {} · {} won ({}) · {} recovered · {} avg touches to close",
                count(r.touches_logged, "touch", "touches"),
                count(r.replies, "reply", "replies"),
                r.won,
                r.won_value.display(),
                r.revenue_recovered.display(),
                r.avg_touches_to_close
                    .map(|a| format!("{a:.1}"))
                    .unwrap_or_else(|| "—".into())
            )
        })
        .collect();
    if !lines.is_empty() && m.room() > 1 {
        m.push(section(&format!("*By rep*\n{}", lines.join("\n"))));
    }
    m
}

/// The team channel's Monday message: last week's numbers by rep.
pub fn team_week(lines: &[(String, crate::store::Activity)]) -> Message {
    let mut m = Message::new("Last week's follow-up numbers");
    m.push(header("📈 Last week's follow-ups"));
    if lines.is_empty() {
        m.push(section("No touches logged last week."));
        return m;
    }
    let total: i64 = lines.iter().map(|(_, a)| a.touches_done).sum();
    let won: i64 = lines.iter().map(|(_, a)| a.won_value_cents).sum();
    m.push(section(&format!(
        "*{total}* touches logged, *{}* won",
        crate::domain::Money::from_cents(won)
            .unwrap_or_default()
            .display()
    )));
    let rows: Vec<String> = lines
        .iter()
        .map(|(user, a)| {
            format!(
                "• <@{user}>: {} touches · {} replies · {} won · {} added",
                a.touches_done, a.replies, a.won, a.added
            )
        })
        .collect();
    m.push(section(&rows.join("\n")));
    m
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

/// An unexpected failure: the rep hears that nothing changed.
pub fn apology() -> Message {
    Message::plain("😓 Sorry, something went wrong on our side and nothing was changed. Please try again in a moment.")
}

fn who(p: &Prospect) -> String {
    match &p.company {
        Some(company) => format!("*{}* · {}", escape(&p.name), escape(company)),
        None => format!("*{}*", escape(&p.name)),
    }
}

fn channels_of(t: &Touch) -> String {
    if t.is_extra() {
        return t
            .channel
            .map(|c| c.label().to_string())
            .unwrap_or_else(|| "any channel".into());
    }
    // Past the cadence's end: its repeating step, or the "one more" step.
    t.cadence
        .cadence()
        .touch_step(t.step_index as usize)
        .0
        .channel_label()
}

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

/// A gentle note when text says "just checking in" or runs long, with a better example.
fn lint_hint(text: Option<&str>) -> Option<String> {
    let warnings = crate::domain::lint::check(text?, false);
    (!warnings.is_empty()).then(|| {
        let advice: Vec<String> = warnings.iter().map(|w| w.advice()).collect();
        format!("💡 {}", advice.join(" "))
    })
}

fn added(state: &ProspectState, same_company: &[Prospect], today: NaiveDate) -> Message {
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
    use entry::{bold, link, quote_part, rich_text, section_part, tel, text};
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

fn list(items: &[ProspectNext]) -> Message {
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

/// A channel as Slack draws it: `<#C0123>` for an id, the `#name` as typed otherwise.
fn channel_mention(channel: &str) -> String {
    if channel.starts_with('#') {
        escape_entities(channel)
    } else {
        format!("<#{channel}>")
    }
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

/// The Undo button shown after an action.
pub fn undo_actions(block_id: &str, undo_id: i64) -> Block {
    actions_block(
        block_id,
        vec![button("↩️ Undo", actions::UNDO, &undo_id.to_string(), None)],
    )
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

fn show(state: &ProspectState, today: NaiveDate) -> Message {
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

fn applied(state: &ProspectState, outcome: &Outcome) -> Message {
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

/// `/followup week`: the touches of the coming seven days, by day, with the late ones first.
fn week(today: NaiveDate, touches: &[DueTouch]) -> Message {
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

/// `n` with the noun that fits it: "1 reply", "2 replies".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn period(window: Window) -> String {
    match window {
        Window::All => "all time".to_string(),
        Window::Days(d) => format!("last {d} days"),
    }
}

/// The numbers of a window (see `domain::metrics` for what each counts).
fn stats(m: &Metrics, window: Window) -> Message {
    let period = period(window);
    let mut out = Message::new(format!("Your follow-up numbers, {period}"));
    out.push(header(&format!("Your numbers · {period}")));
    if m.active == 0 {
        out.push(section(&match window {
            Window::All => "Nothing recorded yet: add a prospect with `/followup add`.".to_string(),
            Window::Days(_) => format!("Nothing happened in the {period}: no prospect added, touched, answered, won or lost."),
        }));
        return out;
    }
    out.push(section(&format!(
        "{} logged · {} · {} added · *{} won ({})*",
        count(m.touches_logged, "touch", "touches"),
        count(m.replies, "reply", "replies"),
        count(m.added, "prospect", "prospects"),
        m.won,
        m.won_value.display(),
    )));
    let bars: Vec<String> = m
        .response_by_touch
        .iter()
        .map(|r| {
            let pct = (r.rate() * 100.0).round() as usize;
            format!(
                "`touch {:>2}` {} {pct}% ({}/{})",
                r.touch,
                "█".repeat(pct / 5).to_string() + if pct % 5 >= 3 { "▌" } else { "" },
                r.replied,
                r.reached
            )
        })
        .collect();
    out.push(section(&format!(
        "*Response rate by touch*\n{}",
        if bars.is_empty() {
            "no touches logged in this period".into()
        } else {
            bars.join("\n")
        }
    )));
    out.push(fields(&[
        format!("*Won*\n{} · {}", m.won, m.won_value.display()),
        format!(
            "*Conversion from follow-up*\n{:.0}% ({} of {})",
            m.conversion_from_follow_up() * 100.0,
            m.won_after_follow_up,
            m.needed_follow_up
        ),
        format!(
            "*Average touches to close*\n{}",
            m.avg_touches_to_close
                .map(|a| format!("{a:.1}"))
                .unwrap_or_else(|| "—".into())
        ),
        format!(
            "*Revenue recovered*\n{} (won at touch 3+)",
            m.revenue_recovered.display()
        ),
        format!(
            "*Speed to lead*\n{}",
            m.speed_to_lead_hours
                .map(|h| format!("{h:.1} h median"))
                .unwrap_or_else(|| "—".into())
        ),
        format!(
            "*Funnel*\n{} inquiry → {} sales-ready → {} qualified → {} won",
            m.funnel.inquiry, m.funnel.sales_ready, m.funnel.qualified, m.funnel.won
        ),
    ]));
    out
}

/// Replaces one item of a message (its section and its buttons) with a one-line result and, when
/// given, an Undo button under it, keeping the rest of the message as it was.
pub fn patch_blocks(
    original: &[Block],
    section_id: &str,
    actions_id: &str,
    result: &str,
    undo: Option<i64>,
) -> Vec<Block> {
    let mut out = Vec::with_capacity(original.len() + 1);
    for block in original {
        match block.id() {
            Some(id) if id == section_id => {
                // A section keeps its first line (who) above the result; an agenda entry (rich
                // text) gives way to the result, which names the prospect.
                let done = match block.text() {
                    Some(text) => {
                        let first_line = text.lines().next().unwrap_or_default();
                        section_with_id(section_id, &format!("{first_line}\n{result}"))
                    }
                    None => section_with_id(section_id, result),
                };
                out.push(done);
                if let Some(undo) = undo {
                    out.push(undo_actions(&format!("{UNDO_PREFIX}{actions_id}"), undo));
                }
            }
            Some(id) if id == actions_id => {}
            _ => out.push(block.clone()),
        }
    }
    out.truncate(blocks::MAX_MESSAGE_BLOCKS);
    out
}

/// What became of a touch that was handled elsewhere (another click on the same message, a
/// command, the Home tab) since the message was drawn: one line from the store, no buttons.
pub fn settled_line(state: Option<&ProspectState>, touch_id: crate::domain::TouchId) -> String {
    let Some(state) = state else {
        return "This prospect is no longer on your list.".to_string();
    };
    let p = &state.prospect;
    let name = who(p);
    if matches!(
        p.status,
        ProspectStatus::Won
            | ProspectStatus::Lost
            | ProspectStatus::Stopped
            | ProspectStatus::Replied
    ) {
        return format!("🏁 {name}: {}.", p.status.as_str());
    }
    let Some(touch) = state.touches.iter().find(|t| t.id == touch_id) else {
        return format!("✔️ {name}: already handled.");
    };
    match touch.status {
        TouchStatus::Done => {
            let how = touch
                .channel
                .map(|c| format!(" by {}", c.label()))
                .unwrap_or_default();
            format!("✅ Logged {} for {name}{how}.", touch.position())
        }
        TouchStatus::Skipped | TouchStatus::Cancelled => {
            format!("⏭️ {name}: {} skipped.", touch.position())
        }
        TouchStatus::Paused => format!("⏸️ {name}: paused."),
        TouchStatus::Pending => format!(
            "💤 {name}: {} moved to {}.",
            touch.position(),
            short_date(touch.due_on)
        ),
    }
}

/// The touches of a message (by their `act.<touch>` buttons) that `report` no longer has due,
/// with the prospect each belongs to: handled since the message was drawn.
pub fn settled_touches(
    blocks: &[Block],
    report: &DueReport,
) -> Vec<(crate::domain::TouchId, crate::domain::ProspectId)> {
    let due: std::collections::HashSet<crate::domain::TouchId> = report
        .overdue
        .iter()
        .chain(&report.due_today)
        .map(|t| t.touch.id)
        .collect();
    blocks
        .iter()
        .filter_map(|b| {
            let touch: crate::domain::TouchId = b.id()?.strip_prefix("act.")?.parse().ok()?;
            if due.contains(&touch) {
                return None;
            }
            // Every button of a touch carries `prospect.touch` as its value.
            let b = b.to_value();
            let prospect = b["elements"]
                .as_array()?
                .iter()
                .find_map(|e| e["value"].as_str()?.split('.').next()?.parse().ok())?;
            Some((touch, prospect))
        })
        .collect()
}

/// [`patch_blocks`] for each settled touch: its entry becomes `lines`' line, without buttons.
pub fn settle_blocks(blocks: Vec<Block>, lines: &[(crate::domain::TouchId, String)]) -> Vec<Block> {
    lines.iter().fold(blocks, |blocks, (touch, line)| {
        patch_blocks(
            &blocks,
            &format!("touch.{touch}"),
            &format!("act.{touch}"),
            line,
            None,
        )
    })
}

/// An Undo button's block id: this, then the id of the buttons it replaced.
pub const UNDO_PREFIX: &str = "undo.";

/// After an undo: the item's section and Undo button replaced by `replacement` (the item drawn
/// again from the store), the rest of the message as it was.
pub fn unpatch_blocks(
    original: &[Block],
    section_id: &str,
    undo_id: &str,
    replacement: Vec<Block>,
) -> Vec<Block> {
    let mut replacement = Some(replacement);
    let mut out = Vec::with_capacity(original.len() + 1);
    for block in original {
        match block.id() {
            Some(id) if id == section_id => out.extend(replacement.take().unwrap_or_default()),
            Some(id) if id == undo_id => {}
            _ => out.push(block.clone()),
        }
    }
    out.truncate(blocks::MAX_MESSAGE_BLOCKS);
    out
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
