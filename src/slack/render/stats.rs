//! `/followup stats` (a rep's own numbers, or a manager's team by rep) with the reply rates by
//! cadence step and variant, and the team channel's Monday message with the best and worst step.

use crate::domain::metrics::{Metrics, Window};
use crate::domain::reply_rates::{self, StepRates, Tally};
use crate::slack::blocks::{fields, header, section, Message};
use crate::slack::mrkdwn::escape;

/// The numbers of a window (see `domain::metrics` for what each counts).
pub(super) fn stats(m: &Metrics, window: Window) -> Message {
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

pub(super) fn team_stats(team: &Metrics, by_rep: &[(String, Metrics)], window: Window) -> Message {
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

/// At most this many cadences get a section of their own; the rest are summed up in one line.
const MAX_CADENCE_SECTIONS: usize = 8;

const NOT_ENOUGH: &str = "not enough data yet";

fn share(t: Tally) -> String {
    format!("{} ({} of {})", t.percent(), t.replies, t.touches)
}

/// One cadence's steps: each step's rate, its variants', and the verdicts.
fn cadence_text(cadence: &str, steps: &[&StepRates]) -> String {
    let touches: usize = steps.iter().map(|s| s.all.touches).sum();
    let mut lines = vec![format!(
        "*{}* · {touches} {}",
        escape(cadence),
        if touches == 1 { "touch" } else { "touches" }
    )];
    for step in steps {
        let mut line = format!("• step {}: {}", step.step, share(step.all));
        if step.variants.len() > 1 {
            let variants: Vec<String> = step
                .variants
                .iter()
                .map(|(v, t)| format!("{} {}", escape(v), share(*t)))
                .collect();
            line.push_str(&format!(" — {}", variants.join(" · ")));
            line.push_str(&match reply_rates::variant_verdict(step) {
                Some(verdict) => format!("\n    ✅ {}.", escape(&verdict)),
                None => format!("\n    _variants: {NOT_ENOUGH}_"),
            });
        }
        lines.push(line);
    }
    if steps.len() > 1 {
        lines.push(match reply_rates::step_verdict(cadence, steps) {
            Some(verdict) => format!("✅ {}.", escape(&verdict)),
            None => format!("_steps: {NOT_ENOUGH}_"),
        });
    }
    lines.join("\n")
}

/// Adds the reply rates to a stats message: one section a cadence, as room allows.
pub fn push_rates(message: &mut Message, rates: &[StepRates]) {
    if message.room() == 0 {
        return;
    }
    let mut cadences: Vec<(&str, Vec<&StepRates>)> = Vec::new();
    for step in rates {
        match cadences.last_mut() {
            Some((name, steps)) if *name == step.cadence => steps.push(step),
            _ => cadences.push((&step.cadence, vec![step])),
        }
    }
    message.push(section(&format!(
        "*Reply rate by cadence step* — replies within the step's window (until the next step, 7 days after the last) over touches done; a verdict only when the difference is not chance at 95 %.{}",
        if cadences.is_empty() {
            "\nNo cadence touch done in this period yet."
        } else {
            ""
        }
    )));
    let room = message.room().min(MAX_CADENCE_SECTIONS);
    let shown = if cadences.len() > room {
        room.saturating_sub(1)
    } else {
        cadences.len()
    };
    for (cadence, steps) in cadences.iter().take(shown) {
        message.push(section(&cadence_text(cadence, steps)));
    }
    if cadences.len() > shown && message.room() > 0 {
        let rest: Vec<String> = cadences[shown..].iter().map(|(c, _)| escape(c)).collect();
        message.push(section(&format!("…and {}", rest.join(", "))));
    }
}

/// The Monday team summary's line on the past 90 days: the best and the worst step.
pub fn push_best_and_worst(message: &mut Message, steps: &[StepRates]) {
    let Some((best, worst)) = reply_rates::best_and_worst(steps) else {
        return;
    };
    if message.room() == 0 {
        return;
    }
    let rate = |t: Tally| {
        format!(
            "{} replied ({} of {} touches)",
            t.percent(),
            t.replies,
            t.touches
        )
    };
    message.push(section(&format!(
        "*Past 90 days* · best step: *{}* — {} · worst step: *{}* — {}",
        escape(&best.label()),
        rate(best.all),
        escape(&worst.label()),
        rate(worst.all)
    )));
}
