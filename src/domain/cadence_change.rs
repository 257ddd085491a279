//! A team cadence re-imported while prospects are on it. They keep the touches already planned
//! until the next one is logged or skipped; from then on they follow the new version: its steps
//! after that one, dated from today with the new version's gaps. A cadence the import removed
//! keeps its enrolments on the version they have, to the end.

use chrono::Duration;

use super::lifecycle::{Change, Context, NewTouch, ProspectState};
use super::prospect::{Touch, TouchStatus};
use super::schedule::{reflow_spaced, scaled_offsets};

/// After `handled` was logged or skipped: moves the rest of the enrolment onto
/// `state.newer`, if the cadence changed since the prospect joined it.
pub(super) fn take_newer(
    state: &ProspectState,
    change: &mut Change,
    handled: &Touch,
    ctx: &Context,
) {
    let Some(newer) = state.newer.filter(|n| *n != state.prospect.cadence) else {
        return;
    };
    if handled.is_extra() {
        return;
    }
    let definition = newer.cadence();
    let pace = change.prospect.pace;
    let offsets = scaled_offsets(definition, pace);
    let from = usize::try_from(handled.step_index).unwrap_or(0);
    let count = definition.length().map(|n| n as i64);
    // The new version's steps after the one just handled, with their wanted dates.
    let anchor = offsets.get(from).copied();
    let steps: Vec<(i64, chrono::NaiveDate)> = match anchor {
        Some(anchor) => (from + 1..offsets.len())
            .map(|i| {
                let gap = offsets[i].saturating_sub(anchor);
                (i as i64, ctx.today + Duration::days(i64::from(gap)))
            })
            .collect(),
        None => Vec::new(),
    };
    let wanted: Vec<_> = steps.iter().map(|(_, d)| *d).collect();
    let dates = reflow_spaced(&wanted, Some(ctx.today), &ctx.calendar, definition.min_gap);
    // The old plan's later touches, as this change leaves them.
    let later: Vec<Touch> = state
        .touches
        .iter()
        .map(|t| change.touches.iter().find(|c| c.id == t.id).unwrap_or(t))
        .filter(|t| {
            t.status == TouchStatus::Pending
                && !t.is_extra()
                && t.id != handled.id
                && t.step_index > handled.step_index
        })
        .cloned()
        .collect();
    for (&(index, _), due_on) in steps.iter().zip(dates) {
        match later.iter().find(|t| t.step_index == index) {
            Some(old) => {
                let mut moved = old.clone();
                moved.due_on = due_on;
                moved.cadence = newer;
                moved.step_count = count;
                moved.variant = newer.variant_for(index, old.enrolment_id);
                replace(change, moved);
            }
            None => change.new_touches.push(NewTouch {
                cadence: newer,
                step_index: index,
                step_count: count,
                due_on,
            }),
        }
    }
    for old in later
        .iter()
        .filter(|t| !steps.iter().any(|(i, _)| *i == t.step_index))
    {
        let mut dropped = old.clone();
        dropped.status = TouchStatus::Cancelled;
        replace(change, dropped);
    }
    change.prospect.cadence = newer;
}

fn replace(change: &mut Change, touch: Touch) {
    match change.touches.iter_mut().find(|t| t.id == touch.id) {
        Some(existing) => *existing = touch,
        None => change.touches.push(touch),
    }
}
