//! Replies as Block Kit: short, readable on a phone, and with every person's text escaped.

use chrono::NaiveDate;

use crate::domain::cadence::{AfterEnd, BUILT_IN};
use crate::domain::dates::short_date;
use crate::domain::due::{DueReport, DueTouch, ProspectNext};
use crate::domain::lifecycle::{Outcome, ProspectState};
use crate::domain::metrics::{Metrics, Window};
use crate::domain::{Prospect, ProspectStatus, Touch, TouchStatus};
use crate::service::Reply;

use super::actions::{self, MORE_CHOICES, SNOOZE_CHOICES};
use super::blocks::{
    self, actions as actions_block, button, context, divider, fields, header, option, overflow,
    section, section_with_id, static_select, Message,
};
use super::mrkdwn::{escape, escape_entities};

/// The usage text, with examples.
pub const USAGE: &str = "*How to use followup*\n\
• `/followup add Jane Doe jane@acme.com company:Acme lead:hot` — enrol a prospect (`/followup add` alone opens a form)\n\
• `/followup due` — what to do today · `/followup list` — your pipeline\n\
• `/followup show jane` — details and the whole cadence\n\
• `/followup done jane sent the case study` · `/followup snooze jane 3d` · `/followup skip jane`\n\
• `/followup replied jane` · `/followup won jane 12k` · `/followup lost jane went with X`\n\
• `/followup pause jane` · `resume` · `nurture` · `stop`\n\
• `/followup cadences` · `/followup stats 90d`\n\
• `/followup settings digest 07:30 tz Europe/Berlin weekends off`\n\
• `/followup away monday 2w` — time off (or two dates): no digests, nothing dated inside it · `/followup away` shows it · `/followup back` (or `away off`) ends it early\n\
Name a prospect by `#12` or any part of the name. Fields for `add`: `company:` `cadence:` `lead:hot|warm|cold` `value:` `start:` `stage:` `pace:fast|normal|slow` `email:` `phone:` `linkedin:` `note:`";

pub fn reply(reply: &Reply, today: NaiveDate) -> Message {
    match reply {
        Reply::Help => Message::plain(USAGE),
        Reply::Cadences => cadences(),
        Reply::Added { state, same_company } => added(state, same_company),
        Reply::List(items) => list(items),
        Reply::Due(report) => due(report),
        Reply::Show(state) => show(state, today),
        Reply::Applied { state, outcome } => applied(state, outcome),
        Reply::Choose { verb, candidates, .. } => choose(verb, candidates),
        Reply::NotFound(what) => Message::plain(format!(
            "I couldn't find `{}` among your prospects. `/followup list` shows them; `#12` names one by number.",
            escape_entities(what)
        )),
        Reply::Stats { metrics, window } => stats(metrics, *window),
        Reply::Settings { settings, default_digest, changed } => {
            let digest = settings.digest_time.unwrap_or(*default_digest).format("%H:%M");
            let zone = settings.tz.map(|tz| tz.name().to_string()).unwrap_or_else(|| "UTC (not set yet)".into());
            let weekends = if settings.weekends_off { "off (touches move to Monday)" } else { "on" };
            let head = if *changed { "✅ Settings saved." } else { "Your settings:" };
            let away = settings
                .away
                .map(|(from, to)| format!("\n• Away {} to {}", short_date(from), short_date(to)))
                .unwrap_or_default();
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
        Reply::TeamStats { team, by_rep, window } => team_stats(team, by_rep, *window),
        Reply::Reassigned { id, to } => Message::plain(format!("🔀 #{id} is now <@{to}>'s, with its cadence and history.")),
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
pub fn last_week(activity: &crate::store::Activity) -> serde_json::Value {
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
    let cadence = t.cadence.cadence();
    cadence
        .step(t.step_index as usize)
        .or(cadence.steps.last())
        .map(|s| s.channel_label())
        .unwrap_or_else(|| "any channel".into())
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
    format!(
        "{mark} {} · {} · {}{status}{note}",
        short_date(t.due_on),
        t.position(),
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

fn added(state: &ProspectState, same_company: &[Prospect]) -> Message {
    let p = &state.prospect;
    let mut m = Message::new(format!("Added {} to {}", escape(&p.name), p.cadence));
    m.push(section(&format!(
        "✅ Added {} as *#{}* on the `{}` cadence ({} touches).",
        who(p),
        p.id,
        p.cadence,
        state.touches.len()
    )));
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
    if report.is_empty() {
        m.push(section(
            "🎉 Nothing due today. `/followup list` shows your pipeline.",
        ));
        return m;
    }
    m.push(header(title));
    m.push(context(&format!(
        "{} due today · {} overdue",
        report.due_today.len(),
        report.overdue.len()
    )));
    // Keep room for the extra sections and the "more" line.
    let reserved = 8;
    let mut shown = 0;
    for t in report.overdue.iter().chain(&report.due_today) {
        if m.room() < reserved + 2 {
            break;
        }
        for block in touch_blocks(t, report.today) {
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
        m.push(section(&format!(
            "🔥 *Hot leads waiting over 24 h for a first touch:* {}",
            names.join(", ")
        )));
    }
    if !report.stale.is_empty() && m.room() > 1 {
        let names: Vec<String> = report
            .stale
            .iter()
            .take(15)
            .map(|p| format!("#{} {}", p.id, who(p)))
            .collect();
        m.push(section(&format!(
            "🕸️ *No contact for 3+ weeks:* {}",
            names.join(", ")
        )));
    }
    for p in &report.awaiting {
        if m.room() < 2 {
            break;
        }
        m.push(section_with_id(
            &format!("awaiting.{}", p.id),
            &format!(
                "🏁 {} finished the `{}` cadence without a reply. Just one more touch?",
                who(p),
                p.cadence
            ),
        ));
        m.push(actions_block(
            &format!("awaiting_act.{}", p.id),
            vec![
                button(
                    "One more touch",
                    actions::ONE_MORE,
                    &p.id.to_string(),
                    Some("primary"),
                ),
                button("Move to nurture", actions::NURTURE, &p.id.to_string(), None),
                button("Close", actions::CLOSE, &p.id.to_string(), None),
            ],
        ));
    }
    m
}

/// One touch in the agenda: what to do and say, and the buttons.
fn touch_blocks(t: &DueTouch, today: NaiveDate) -> Vec<serde_json::Value> {
    let p = &t.prospect;
    let late = match t.days_late(today) {
        0 => String::new(),
        1 => " · ⏰ 1 day late".into(),
        n => format!(" · ⏰ {n} days late"),
    };
    let last = match p.last_contact_at {
        Some(at) => format!("last contact {}", short_date(at.date_naive())),
        None => "no contact yet".into(),
    };
    let message = escape(&t.suggested_message());
    let text = format!(
        "{} · *#{}*\n{} · {}{late}\n>{}\n_{last}_",
        who(p),
        p.id,
        t.touch.position(),
        t.channels(),
        message.replace('\n', "\n>"),
    );
    let value = actions::touch_value(p.id, t.touch.id);
    vec![
        section_with_id(&format!("touch.{}", t.touch.id), &text),
        actions_block(
            &format!("act.{}", t.touch.id),
            vec![
                button("Done ✅", actions::DONE, &value, Some("primary")),
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
                overflow(
                    actions::MORE,
                    MORE_CHOICES
                        .iter()
                        .map(|(label, suffix)| {
                            option(label, &actions::prospect_value(p.id, suffix))
                        })
                        .collect(),
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
            format!(
                "✅ Logged {} for {name}.{}{ended}{hint}",
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

fn cadences() -> Message {
    let mut m = Message::new("The built-in cadences");
    m.push(header("Cadences"));
    for c in BUILT_IN {
        let days: Vec<String> = c
            .steps
            .iter()
            .map(|s| format!("{} ({})", s.day, s.channel_label()))
            .collect();
        let then = match c.after {
            AfterEnd::AskRep => "then: one more, nurture or close".to_string(),
            AfterEnd::MoveTo(next) => format!("then: moves to `{next}`"),
            AfterEnd::Repeat { every_days } => format!("repeats every {every_days} days"),
        };
        m.push(section(&format!(
            "*`{}`* — {}\n_{}_\nDays: {}\n{then}",
            c.id,
            c.name,
            c.when,
            days.join(", ")
        )));
    }
    m.push(context("Pick one with `cadence:<id>` when adding; `lead:hot|warm` picks `hot`, `lead:cold` picks `cold`, otherwise `proposal`."));
    m
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

/// Replaces one item of a message (its section and its buttons) with a one-line result, keeping
/// the rest of the message as it was.
pub fn patch_blocks(
    original: &[serde_json::Value],
    section_id: &str,
    actions_id: &str,
    result: &str,
) -> Vec<serde_json::Value> {
    let mut out = Vec::with_capacity(original.len());
    for block in original {
        match block.get("block_id").and_then(|b| b.as_str()) {
            Some(id) if id == section_id => {
                let mut done = block.clone();
                let text = block["text"]["text"].as_str().unwrap_or_default();
                let first_line = text.lines().next().unwrap_or_default();
                done["text"]["text"] = serde_json::json!(format!("{first_line}\n{result}"));
                out.push(done);
            }
            Some(id) if id == actions_id => {}
            _ => out.push(block.clone()),
        }
    }
    out.truncate(blocks::MAX_MESSAGE_BLOCKS);
    out
}
