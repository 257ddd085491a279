//! Reply rates by cadence step and variant as Block Kit: in `/followup stats` (a rep's own, or a
//! manager's team) and the best and worst step in the Monday team summary.

use crate::domain::reply_rates::{self, StepRates, Tally};

use crate::slack::blocks::{section, Message};
use crate::slack::mrkdwn::escape;

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
