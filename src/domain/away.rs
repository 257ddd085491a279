//! Away mode: while a rep is away their cadences stand still, and on return the backlog is
//! spread over the following working days under the rep's daily cap — never dumped on one
//! morning.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};

use super::prospect::{LeadTemp, ProspectId, TouchId};
use super::schedule::working_day;

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
    let cap = cap.max(1);
    let absence = (to - from).num_days() + 1;
    let back = working_day(to + Duration::days(1), weekends_off);
    let mut wanted: Vec<(NaiveDate, u8, Pending)> = touches
        .iter()
        .filter(|t| t.due_on >= from)
        .map(|t| {
            let date = t.due_on + Duration::days(absence);
            let priority = match t.lead {
                Some(LeadTemp::Hot) => 0,
                Some(LeadTemp::Warm) => 1,
                _ => 2,
            };
            (working_day(date.max(back), weekends_off), priority, *t)
        })
        .collect();
    wanted.sort_by_key(|(date, priority, t)| (*date, *priority, t.due_on, t.id));
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    let mut last_of_prospect: HashMap<ProspectId, NaiveDate> = HashMap::new();
    let mut moves = Vec::new();
    for (date, _, t) in wanted {
        let mut day = date;
        if let Some(last) = last_of_prospect.get(&t.prospect) {
            if day <= *last {
                day = working_day(*last + Duration::days(1), weekends_off);
            }
        }
        while per_day.get(&day).copied().unwrap_or(0) >= cap {
            day = working_day(day + Duration::days(1), weekends_off);
        }
        *per_day.entry(day).or_default() += 1;
        last_of_prospect.insert(t.prospect, day);
        if day != t.due_on {
            moves.push((t.id, day));
        }
    }
    moves
}
