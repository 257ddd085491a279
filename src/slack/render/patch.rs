//! A message already posted, redrawn after a click: an item replaced by what became of it, with
//! its Undo button, and put back after an undo.

use crate::domain::dates::short_date;
use crate::domain::due::DueReport;
use crate::domain::lifecycle::ProspectState;
use crate::domain::{ProspectStatus, TouchStatus};
use crate::slack::blocks::{self, section_with_id, Block};

use super::{undo_actions, who};

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
