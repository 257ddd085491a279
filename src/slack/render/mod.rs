//! Every Slack surface, drawn as Block Kit: one module a surface, each short, readable on a phone,
//! and with every person's text escaped. The helpers here are the ones several surfaces share.

mod agenda;
pub mod cadences;
pub mod entry;
mod home;
pub mod modals;
mod outcome;
mod patch;
mod pipeline;
mod prospect;
pub mod recap;
mod replies;
pub mod resources;
pub mod stats;

use crate::domain::{Prospect, Touch};
use crate::slack::actions;
use crate::slack::blocks::{actions as actions_block, button, Block};
use crate::slack::mrkdwn::escape;

pub use agenda::{agenda_item, digest, due, last_week, last_week_alone, refresh_summary};
pub use home::home;
pub use patch::{
    patch_blocks, settle_blocks, settled_line, settled_touches, unpatch_blocks, UNDO_PREFIX,
};
pub use replies::{apology, reply, USAGE};
pub use stats::team_week;

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

/// A gentle note when text says "just checking in" or runs long, with a better example.
fn lint_hint(text: Option<&str>) -> Option<String> {
    let warnings = crate::domain::lint::check(text?, false);
    (!warnings.is_empty()).then(|| {
        let advice: Vec<String> = warnings.iter().map(|w| w.advice()).collect();
        format!("💡 {}", advice.join(" "))
    })
}

/// The Undo button shown after an action.
pub fn undo_actions(block_id: &str, undo_id: i64) -> Block {
    actions_block(
        block_id,
        vec![button("↩️ Undo", actions::UNDO, &undo_id.to_string(), None)],
    )
}
