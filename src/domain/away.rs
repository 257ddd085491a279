//! Away mode: while a rep is away their cadences stand still, and on return the backlog is
//! spread over the following working days under the rep's daily cap — never dumped on one
//! morning.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};

use super::prospect::{LeadTemp, ProspectId, TouchId};
use super::schedule::Calendar;

/// A pending touch as away mode sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    pub id: TouchId,
    pub prospect: ProspectId,
    pub due_on: NaiveDate,
    pub lead: Option<LeadTemp>,
}

/// New dates for the touches that move, for an absence from `from` to `to` (both included).
///
/// Touches due before `from` stay where they are: the rep is still there to make them. Every
/// touch due on or after `from` moves by the length of the absence, so each cadence resumes with
/// its gaps intact. Then, from the day back on, no working day takes more than `cap` touches: the
/// rest move to the next day with room, hot leads first, and each prospect's touches stay in
/// their order.
pub fn plan(
    touches: &[Pending],
    from: NaiveDate,
    to: NaiveDate,
    cap: usize,
    weekends_off: bool,
) -> Vec<(TouchId, NaiveDate)> {
    spread(
        touches,
        &Absence {
            from,
            to,
            shift: true,
            take_overdue: false,
        },
        cap,
        &Calendar::weekends(weekends_off),
    )
}

/// What an absence does to a rep's pending touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Absence {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Touches due on or after `from` move by the absence's length (done once, when it is set).
    pub shift: bool,
    /// Touches due before `from` — overdue when the absence begins — join the backlog after the
    /// return instead of greeting the rep as "20 days late" on the first day back.
    pub take_overdue: bool,
}

/// [`plan`] on a rep's calendar (weekends, the team's holidays), for an [`Absence`]. Touches that
/// do not move but fall after the return count towards each day's cap.
pub fn spread(
    touches: &[Pending],
    absence: &Absence,
    cap: usize,
    calendar: &Calendar,
) -> Vec<(TouchId, NaiveDate)> {
    let cap = cap.max(1);
    let (from, to) = (absence.from, absence.to);
    let calendar = Calendar {
        away: Some((from, to)),
        ..calendar.clone()
    };
    let length = (to - from).num_days() + 1;
    let back = calendar.working_day(to + Duration::days(1));
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut wanted: Vec<(NaiveDate, u8, Pending)> = Vec::new();
    // A prospect whose late touch joins the backlog keeps its touches in order: its later ones
    // are placed after it, so they take part in the spread too.
    let late_prospects: std::collections::HashSet<ProspectId> = touches
        .iter()
        .filter(|t| absence.take_overdue && t.due_on < from)
        .map(|t| t.prospect)
        .collect();
    for t in touches {
        let date = if t.due_on >= from {
            if !absence.shift && late_prospects.contains(&t.prospect) {
                t.due_on
            } else if !absence.shift {
                if t.due_on > to {
                    *per_day.entry(t.due_on).or_default() += 1;
                }
                continue;
            } else {
                t.due_on + Duration::days(length)
            }
        } else if absence.take_overdue {
            back
        } else {
            continue;
        };
        let priority = match t.lead {
            Some(LeadTemp::Hot) => 0,
            Some(LeadTemp::Warm) => 1,
            _ => 2,
        };
        wanted.push((calendar.working_day(date.max(back)), priority, *t));
    }
    wanted.sort_by_key(|(date, priority, t)| (*date, *priority, t.due_on, t.id));
    let mut last_of_prospect: HashMap<ProspectId, NaiveDate> = HashMap::new();
    let mut moves = Vec::new();
    for (date, _, t) in wanted {
        let mut day = date;
        if let Some(last) = last_of_prospect.get(&t.prospect) {
            // Never the same day or the working day after another touch of the prospect.
            day = day.max(calendar.after_rest(*last));
        }
        while per_day.get(&day).copied().unwrap_or(0) >= cap {
            day = calendar.working_day(day + Duration::days(1));
        }
        *per_day.entry(day).or_default() += 1;
        last_of_prospect.insert(t.prospect, day);
        if day != t.due_on {
            moves.push((t.id, day));
        }
    }
    moves
}
