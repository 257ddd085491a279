//! What each action does to a prospect and its touches, decided without I/O.
//!
//! The store loads a [`ProspectState`], [`decide`] (which the service hands the store) returns a
//! [`Change`], and the store writes it in one transaction guarded by the prospect's version, so a
//! double click decides twice but changes once.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::cadence::{AfterEnd, CadenceId, Channel};
use super::edit::ProspectEdit;
use super::error::DomainError;
use super::prospect::{
    LeadTemp, Money, NewProspect, Prospect, ProspectStatus, Stage, Touch, TouchId, TouchOutcome,
    TouchStatus,
};
use super::schedule::{
    self, plan_in, reflow_spaced, scale_gap, snooze_target_in, Calendar, SnoozeFor,
};

/// A prospect with the touches of its current enrolment, in cadence order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProspectState {
    pub prospect: Prospect,
    pub touches: Vec<Touch>,
    /// The newest version of the prospect's team cadence when it was changed since the
    /// prospect was enrolled: taken after the next touch (see `cadence_change`).
    #[serde(default, skip)]
    pub newer: Option<CadenceId>,
}

/// The moment an action happens, as the rep sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub now: DateTime<Utc>,
    /// The rep's local date at `now`.
    pub today: NaiveDate,
    /// The rep's days off: nothing is ever dated on one.
    pub calendar: Calendar,
}

/// Which touch an action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TouchRef {
    /// The earliest touch still waiting.
    Next,
    /// A touch named by a button.
    Id(TouchId),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Done {
        touch: TouchRef,
        /// The channel actually used; `None` takes the step's first.
        channel: Option<Channel>,
        outcome: Option<TouchOutcome>,
        note: Option<String>,
    },
    Skip {
        touch: TouchRef,
    },
    Snooze {
        touch: TouchRef,
        by: SnoozeFor,
        /// Move every later touch by the same number of days, not just this one.
        shift_rest: bool,
    },
    Replied {
        note: Option<String>,
    },
    Won {
        value: Option<Money>,
    },
    Lost {
        reason: Option<String>,
    },
    Pause,
    Resume,
    Nurture,
    Stop,
    /// After a cadence ended without a reply: one more touch before deciding.
    OneMore,
    /// Changes the named fields (`/followup edit`).
    Edit(Box<ProspectEdit>),
    /// Another cadence from `start` (default today); the old one's open touches are skipped.
    Move {
        cadence: CadenceId,
        start: Option<NaiveDate>,
    },
    /// One dated touch outside the cadence (`/followup next`): the rep typed the date.
    Next {
        on: NaiveDate,
        channel: Option<Channel>,
        note: Option<String>,
    },
}

/// A touch outside the cadence, to add (see [`Action::Next`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraTouch {
    pub step_index: i64,
    pub due_on: NaiveDate,
    pub channel: Option<Channel>,
    pub note: Option<String>,
}

/// Touches of a cadence closer than this to a dated next step move past it.
pub const NEXT_STEP_CLEARANCE_DAYS: i64 = 2;

/// A touch to create in the prospect's current (or new) enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTouch {
    pub cadence: CadenceId,
    pub step_index: i64,
    pub step_count: Option<i64>,
    pub due_on: NaiveDate,
}

/// What an action did, for the reply to the rep.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Done {
        touch: Touch,
        next_due: Option<NaiveDate>,
        cadence_ended: bool,
        /// Touches the rep was behind on that were skipped to catch up (see [`catch_up`]).
        caught_up: usize,
    },
    Skipped {
        touch: Touch,
        next_due: Option<NaiveDate>,
    },
    Snoozed {
        touch: Touch,
        moved_later: usize,
    },
    Replied,
    Won,
    Lost,
    Paused,
    Resumed {
        shifted_days: i64,
        next_due: Option<NaiveDate>,
    },
    Nurtured {
        first_due: Option<NaiveDate>,
    },
    Stopped,
    OneMore {
        due_on: NaiveDate,
    },
    /// The fields that changed, as the rep reads them.
    Edited {
        changed: Vec<String>,
    },
    Moved {
        cadence: CadenceId,
        skipped: usize,
        first_due: Option<NaiveDate>,
    },
    NextSet {
        due_on: NaiveDate,
        /// Cadence touches that were too close and moved past it.
        moved_later: usize,
    },
    /// Nothing to do: the action had already happened (a retry or a double click).
    AlreadyDone(String),
}

/// The writes an action needs; empty for [`Outcome::AlreadyDone`].
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The prospect as it should be stored.
    pub prospect: Prospect,
    /// Existing touches whose fields changed.
    pub touches: Vec<Touch>,
    /// Touches to add; they belong to `new_enrolment` when set, else to the current enrolment.
    pub new_touches: Vec<NewTouch>,
    /// Ends the current enrolment and starts one in this cadence.
    pub new_enrolment: Option<CadenceId>,
    /// Touches outside the cadence to add, with their channel and note.
    pub extras: Vec<ExtraTouch>,
    pub outcome: Outcome,
}

impl Change {
    pub fn is_noop(&self) -> bool {
        matches!(self.outcome, Outcome::AlreadyDone(_))
    }
}

/// Days after the end of a cadence for the "one more touch".
pub const ONE_MORE_AFTER_DAYS: u32 = 7;

/// The cadence and dated touches for a new prospect. A start date in the past is refused.
pub fn enrol(
    new: &NewProspect,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<(CadenceId, Vec<NewTouch>), DomainError> {
    enrol_in(
        new.chosen_cadence(CadenceId::TEAM_DEFAULT),
        new,
        today,
        calendar,
    )
}

/// [`enrol`] in a cadence already chosen (a team's, see `TeamCadences::choose`).
pub fn enrol_in(
    cadence: CadenceId,
    new: &NewProspect,
    today: NaiveDate,
    calendar: &Calendar,
) -> Result<(CadenceId, Vec<NewTouch>), DomainError> {
    let start = new.start_on.unwrap_or(today);
    if start < today {
        return Err(DomainError::DateInPast(start));
    }
    let mut touches = planned(cadence, start, new.pace, calendar);
    // The first 24 hours decide: a hot or warm lead's first call is due the day it arrives,
    // weekend or holiday — unless the rep is away.
    let hot = matches!(new.lead, Some(LeadTemp::Hot | LeadTemp::Warm));
    let first_on_arrival = cadence.cadence().steps.first().is_some_and(|s| s.day == 0);
    if hot && first_on_arrival && !calendar.is_away(start) {
        if let Some(first) = touches.first_mut() {
            first.due_on = start;
        }
    }
    Ok((cadence, touches))
}

fn planned(
    cadence: CadenceId,
    start: NaiveDate,
    pace: super::prospect::Pace,
    calendar: &Calendar,
) -> Vec<NewTouch> {
    let definition = cadence.cadence();
    let count = definition.length().map(|n| n as i64);
    plan_in(definition, start, pace, calendar)
        .into_iter()
        .map(|p| NewTouch {
            cadence,
            step_index: p.step_index as i64,
            step_count: count,
            due_on: p.due_on,
        })
        .collect()
}

/// Decides what `action` does to `state` at `ctx`.
pub fn decide(
    state: &ProspectState,
    action: &Action,
    ctx: &Context,
) -> Result<Change, DomainError> {
    let mut change = Change {
        prospect: state.prospect.clone(),
        touches: Vec::new(),
        new_touches: Vec::new(),
        new_enrolment: None,
        extras: Vec::new(),
        outcome: Outcome::AlreadyDone(String::new()),
    };
    let p = &state.prospect;
    let status = p.status;
    match action {
        Action::Done {
            touch,
            channel,
            outcome,
            note,
        } => {
            let Some(target) = pending_touch(state, *touch, "logged")? else {
                return Ok(already(change, state, *touch));
            };
            let mut done = target.clone();
            let step_channel = target
                .cadence
                .cadence()
                .step(target.step_index as usize)
                .and_then(|s| s.channels.first().copied());
            done.status = TouchStatus::Done;
            done.done_at = Some(ctx.now);
            done.channel = channel.or(if target.is_extra() {
                target.channel
            } else {
                step_channel
            });
            done.outcome = *outcome;
            // A next step keeps what it was for unless the rep says what happened.
            done.note = note
                .clone()
                .or_else(|| target.note.clone().filter(|_| target.is_extra()));
            let np = &mut change.prospect;
            np.touches_done += 1;
            np.first_touch_at = np.first_touch_at.or(Some(ctx.now));
            np.last_contact_at = Some(ctx.now);
            np.last_channel = done.channel;
            np.last_note = note.clone();
            change.touches.push(done.clone());
            // A next step outside the cadence leaves the cadence as it is.
            let (caught_up, ended) = if done.is_extra() {
                (0, false)
            } else {
                let caught_up = catch_up(state, &mut change, &done, ctx);
                super::cadence_change::take_newer(state, &mut change, &done, ctx);
                (caught_up, finish_if_last(state, &mut change, &done, ctx))
            };
            let next_due = next_pending_due(state, &change, done.id);
            change.outcome = Outcome::Done {
                touch: done,
                next_due,
                cadence_ended: ended,
                caught_up,
            };
        }
        Action::Skip { touch } => {
            let Some(target) = pending_touch(state, *touch, "skipped")? else {
                return Ok(already(change, state, *touch));
            };
            let mut skipped = target.clone();
            skipped.status = TouchStatus::Skipped;
            change.touches.push(skipped.clone());
            if !skipped.is_extra() {
                catch_up(state, &mut change, &skipped, ctx);
                super::cadence_change::take_newer(state, &mut change, &skipped, ctx);
                finish_if_last(state, &mut change, &skipped, ctx);
            }
            let next_due = next_pending_due(state, &change, skipped.id);
            change.outcome = Outcome::Skipped {
                touch: skipped,
                next_due,
            };
        }
        Action::Snooze {
            touch,
            by,
            shift_rest,
        } => {
            let Some(target) = pending_touch(state, *touch, "snoozed")? else {
                return Ok(already(change, state, *touch));
            };
            let to = snooze_target_in(ctx.today, *by, &ctx.calendar);
            if to <= ctx.today {
                return Err(DomainError::SnoozeNotLater(to));
            }
            if to == target.due_on {
                return Ok(already_msg(change, format!("already snoozed to {to}")));
            }
            let later: Vec<&Touch> = state
                .touches
                .iter()
                .filter(|t| t.status == TouchStatus::Pending && t.step_index > target.step_index)
                .collect();
            let wanted: Vec<NaiveDate> = if *shift_rest {
                let delta = Duration::days(schedule::days_between(target.due_on, to));
                later.iter().map(|t| t.due_on + delta).collect()
            } else {
                later.iter().map(|t| t.due_on).collect()
            };
            let mut snoozed = target.clone();
            snoozed.due_on = to;
            snoozed.snoozes += 1;
            change.touches.push(snoozed.clone());
            let mut moved_later = 0;
            for (t, due) in later.iter().zip(reflow_spaced(
                &wanted,
                Some(to),
                &ctx.calendar,
                p.cadence.cadence().min_gap,
            )) {
                if due != t.due_on {
                    let mut moved = (*t).clone();
                    moved.due_on = due;
                    change.touches.push(moved);
                    moved_later += 1;
                }
            }
            change.outcome = Outcome::Snoozed {
                touch: snoozed,
                moved_later,
            };
        }
        Action::Replied { note } => {
            if status == ProspectStatus::Replied {
                return Ok(already_msg(
                    change,
                    format!("{} has already replied", p.name),
                ));
            }
            require(
                p,
                &[
                    ProspectStatus::Active,
                    ProspectStatus::Paused,
                    ProspectStatus::Awaiting,
                ],
                "marked as replied",
            )?;
            change.prospect.status = ProspectStatus::Replied;
            change.prospect.replied_after_touch = Some(p.touches_done);
            change.prospect.replied_at = Some(ctx.now);
            change.prospect.paused_on = None;
            if let Some(note) = note {
                append_note(&mut change.prospect, ctx.today, "replied", note);
            }
            cancel_open(state, &mut change);
            change.outcome = Outcome::Replied;
        }
        Action::Won { value } => {
            if status == ProspectStatus::Won {
                return Ok(already_msg(change, format!("{} is already won", p.name)));
            }
            require(p, OPEN, "marked as won")?;
            change.prospect.status = ProspectStatus::Won;
            change.prospect.stage = Stage::Won;
            change.prospect.value = value.or(p.value);
            change.prospect.closed_at = Some(ctx.now);
            change.prospect.paused_on = None;
            cancel_open(state, &mut change);
            change.outcome = Outcome::Won;
        }
        Action::Lost { reason } => {
            if status == ProspectStatus::Lost {
                return Ok(already_msg(change, format!("{} is already lost", p.name)));
            }
            require(p, OPEN, "marked as lost")?;
            change.prospect.status = ProspectStatus::Lost;
            change.prospect.stage = Stage::Lost;
            change.prospect.closed_at = Some(ctx.now);
            change.prospect.close_reason = reason.clone();
            change.prospect.paused_on = None;
            cancel_open(state, &mut change);
            change.outcome = Outcome::Lost;
        }
        Action::Pause => {
            if status == ProspectStatus::Paused {
                return Ok(already_msg(change, format!("{} is already paused", p.name)));
            }
            require(p, &[ProspectStatus::Active], "paused")?;
            change.prospect.status = ProspectStatus::Paused;
            change.prospect.paused_on = Some(ctx.today);
            for t in state
                .touches
                .iter()
                .filter(|t| t.status == TouchStatus::Pending)
            {
                let mut paused = t.clone();
                paused.status = TouchStatus::Paused;
                change.touches.push(paused);
            }
            change.outcome = Outcome::Paused;
        }
        Action::Resume => {
            if status == ProspectStatus::Active {
                return Ok(already_msg(change, format!("{} is already active", p.name)));
            }
            require(p, &[ProspectStatus::Paused], "resumed")?;
            let shifted_days = p
                .paused_on
                .map(|on| schedule::days_between(on, ctx.today).max(0))
                .unwrap_or(0);
            let paused: Vec<&Touch> = state
                .touches
                .iter()
                .filter(|t| t.status == TouchStatus::Paused)
                .collect();
            // Nothing resumes in the past: a touch that was late when paused is due today.
            let wanted: Vec<NaiveDate> = paused
                .iter()
                .map(|t| (t.due_on + Duration::days(shifted_days)).max(ctx.today))
                .collect();
            for (t, due) in paused.iter().zip(reflow_spaced(
                &wanted,
                None,
                &ctx.calendar,
                p.cadence.cadence().min_gap,
            )) {
                let mut resumed = (*t).clone();
                resumed.status = TouchStatus::Pending;
                resumed.due_on = due;
                change.touches.push(resumed);
            }
            change.prospect.status = if paused.is_empty() {
                ProspectStatus::Awaiting
            } else {
                ProspectStatus::Active
            };
            change.prospect.paused_on = None;
            let next_due = change.touches.iter().map(|t| t.due_on).min();
            change.outcome = Outcome::Resumed {
                shifted_days,
                next_due,
            };
        }
        Action::Nurture => {
            if status == ProspectStatus::Active && p.cadence == CadenceId::Nurture {
                return Ok(already_msg(
                    change,
                    format!("{} is already in nurture", p.name),
                ));
            }
            require(
                p,
                &[
                    ProspectStatus::Active,
                    ProspectStatus::Paused,
                    ProspectStatus::Awaiting,
                    ProspectStatus::Replied,
                    ProspectStatus::Lost,
                    ProspectStatus::Stopped,
                ],
                "moved to nurture",
            )?;
            cancel_open(state, &mut change);
            start_cadence(&mut change, CadenceId::Nurture, ctx);
            let first_due = change.new_touches.first().map(|t| t.due_on);
            change.outcome = Outcome::Nurtured { first_due };
        }
        Action::Stop => {
            if status == ProspectStatus::Stopped {
                return Ok(already_msg(
                    change,
                    format!("{} is already stopped", p.name),
                ));
            }
            require(p, OPEN, "stopped")?;
            change.prospect.status = ProspectStatus::Stopped;
            change.prospect.closed_at = Some(ctx.now);
            change.prospect.paused_on = None;
            cancel_open(state, &mut change);
            change.outcome = Outcome::Stopped;
        }
        Action::OneMore => {
            if status == ProspectStatus::Active {
                return Ok(already_msg(
                    change,
                    format!("{} already has a touch planned", p.name),
                ));
            }
            require(p, &[ProspectStatus::Awaiting], "given one more touch")?;
            let last = state
                .touches
                .iter()
                .map(|t| t.step_index)
                .max()
                .unwrap_or(-1);
            let due_on = ctx.calendar.working_day(
                ctx.today + Duration::days(i64::from(scale_gap(ONE_MORE_AFTER_DAYS, p.pace))),
            );
            change.new_touches.push(NewTouch {
                cadence: p.cadence,
                step_index: last + 1,
                step_count: Some(last + 2),
                due_on,
            });
            change.prospect.status = ProspectStatus::Active;
            change.outcome = Outcome::OneMore { due_on };
        }
        Action::Edit(edit) => {
            let changed = edit.apply(&mut change.prospect);
            if changed.is_empty() {
                return Ok(already_msg(
                    change,
                    format!("{} already reads like that", p.name),
                ));
            }
            if edit.pace.is_some_and(|pace| pace != p.pace) {
                respace(state, &mut change, ctx);
            }
            change.outcome = Outcome::Edited { changed };
        }
        Action::Move { cadence, start } => {
            if status == ProspectStatus::Won {
                return Err(DomainError::WrongStatus {
                    name: p.name.clone(),
                    status: status.to_string(),
                    wanted: "moved to another cadence",
                });
            }
            let start = start.unwrap_or(ctx.today);
            if start < ctx.today {
                return Err(DomainError::DateInPast(start));
            }
            let open: Vec<&Touch> = state
                .touches
                .iter()
                .filter(|t| matches!(t.status, TouchStatus::Pending | TouchStatus::Paused))
                .collect();
            let mut skipped = 0;
            for t in &open {
                let mut s = (*t).clone();
                s.status = TouchStatus::Skipped;
                change.touches.push(s);
                if !t.is_extra() {
                    skipped += 1;
                }
            }
            start_cadence_on(&mut change, *cadence, start, ctx);
            // A dated next step the rep set stays a promise in the new cadence.
            for t in open.iter().filter(|t| t.is_extra()) {
                change.extras.push(ExtraTouch {
                    step_index: t.step_index,
                    due_on: t.due_on,
                    channel: t.channel,
                    note: t.note.clone(),
                });
            }
            let first_due = change
                .new_touches
                .iter()
                .map(|t| t.due_on)
                .chain(change.extras.iter().map(|e| e.due_on))
                .min();
            change.outcome = Outcome::Moved {
                cadence: *cadence,
                skipped,
                first_due,
            };
        }
        Action::Next { on, channel, note } => {
            require(
                p,
                &[
                    ProspectStatus::Active,
                    ProspectStatus::Awaiting,
                    ProspectStatus::Replied,
                ],
                "given a next step",
            )?;
            if *on < ctx.today {
                return Err(DomainError::DateInPast(*on));
            }
            let step_index = state
                .touches
                .iter()
                .map(|t| t.step_index)
                .filter(|i| *i < 0)
                .min()
                .unwrap_or(0)
                - 1;
            change.extras.push(ExtraTouch {
                step_index,
                due_on: *on,
                channel: *channel,
                note: note.clone(),
            });
            let moved_later = clear_around(state, &mut change, *on, ctx);
            change.outcome = Outcome::NextSet {
                due_on: *on,
                moved_later,
            };
        }
    }
    change.prospect.version += 1;
    Ok(change)
}

/// Cadence touches within [`NEXT_STEP_CLEARANCE_DAYS`] of a dated next step move past it (at
/// rest after it), and the ones after them follow; the others stay where they were.
fn clear_around(state: &ProspectState, change: &mut Change, on: NaiveDate, ctx: &Context) -> usize {
    let mut cadence: Vec<&Touch> = state
        .touches
        .iter()
        .filter(|t| t.status == TouchStatus::Pending && !t.is_extra() && t.due_on >= ctx.today)
        .collect();
    cadence.sort_by_key(|t| t.step_index);
    let clearance = Duration::days(NEXT_STEP_CLEARANCE_DAYS);
    let Some(first) = cadence
        .iter()
        .position(|t| (t.due_on - on).num_days().abs() <= clearance.num_days())
    else {
        return 0;
    };
    let moving = &cadence[first..];
    let wanted: Vec<NaiveDate> = moving
        .iter()
        .map(|t| t.due_on.max(on + clearance + Duration::days(1)))
        .collect();
    let min_gap = state.prospect.cadence.cadence().min_gap;
    let mut moved = 0;
    for (t, due) in moving
        .iter()
        .zip(reflow_spaced(&wanted, Some(on), &ctx.calendar, min_gap))
    {
        if due != t.due_on {
            let mut m = (*t).clone();
            m.due_on = due;
            change.touches.push(m);
            moved += 1;
        }
    }
    moved
}

/// After a pace change: the next touch keeps its day, and the rest of the cadence is spaced
/// again at the new pace from there (never below the cadence's floor).
fn respace(state: &ProspectState, change: &mut Change, ctx: &Context) {
    let definition = state.prospect.cadence.cadence();
    let mut pending: Vec<&Touch> = state
        .touches
        .iter()
        .filter(|t| t.status == TouchStatus::Pending && !t.is_extra())
        .collect();
    pending.sort_by_key(|t| t.step_index);
    let Some(first) = pending.first() else {
        return;
    };
    let day_of = |t: &Touch| {
        definition
            .step(t.step_index as usize)
            .map(|s| s.day)
            .unwrap_or(0)
    };
    let mut wanted = vec![first.due_on];
    for pair in pending.windows(2) {
        let gap = day_of(pair[1]).saturating_sub(day_of(pair[0]));
        let scaled = scale_gap(gap, change.prospect.pace).max(definition.min_gap);
        let previous = *wanted.last().unwrap_or(&first.due_on);
        wanted.push(previous + Duration::days(i64::from(scaled)));
    }
    for (t, due) in pending.iter().zip(reflow_spaced(
        &wanted,
        None,
        &ctx.calendar,
        definition.min_gap,
    )) {
        if due != t.due_on {
            let mut m = (*t).clone();
            m.due_on = due;
            change.touches.push(m);
        }
    }
}

const OPEN: &[ProspectStatus] = &[
    ProspectStatus::Active,
    ProspectStatus::Paused,
    ProspectStatus::Awaiting,
    ProspectStatus::Replied,
];

fn require(
    p: &Prospect,
    allowed: &[ProspectStatus],
    wanted: &'static str,
) -> Result<(), DomainError> {
    if allowed.contains(&p.status) {
        Ok(())
    } else {
        Err(DomainError::WrongStatus {
            name: p.name.clone(),
            status: p.status.to_string(),
            wanted,
        })
    }
}

fn already_msg(mut change: Change, why: String) -> Change {
    change.outcome = Outcome::AlreadyDone(why);
    change
}

fn already(change: Change, state: &ProspectState, touch: TouchRef) -> Change {
    let why = match touch {
        TouchRef::Id(id) => state
            .touches
            .iter()
            .find(|t| t.id == id)
            .map(|t| {
                format!(
                    "{} for {} is already {}",
                    t.position(),
                    state.prospect.name,
                    t.status
                )
            })
            .unwrap_or_default(),
        TouchRef::Next => String::new(),
    };
    already_msg(change, why)
}

/// The pending touch an action is about. `Ok(None)` when a named touch was already handled
/// (a retry or double click); an error when there is nothing it could mean.
fn pending_touch<'a>(
    state: &'a ProspectState,
    touch: TouchRef,
    wanted: &'static str,
) -> Result<Option<&'a Touch>, DomainError> {
    let p = &state.prospect;
    if p.status == ProspectStatus::Paused {
        return Err(DomainError::WrongStatus {
            name: p.name.clone(),
            status: p.status.to_string(),
            wanted,
        });
    }
    match touch {
        TouchRef::Id(id) => {
            let t = state
                .touches
                .iter()
                .find(|t| t.id == id)
                .ok_or_else(|| DomainError::UnknownTouch(p.name.clone()))?;
            Ok((t.status == TouchStatus::Pending).then_some(t))
        }
        TouchRef::Next => state
            .touches
            .iter()
            .filter(|t| t.status == TouchStatus::Pending)
            .min_by_key(|t| (t.due_on, t.step_index))
            .map(Some)
            .ok_or_else(|| DomainError::NoPendingTouch {
                name: p.name.clone(),
                status: describe_status(p.status),
            }),
    }
}

fn describe_status(status: ProspectStatus) -> String {
    match status {
        ProspectStatus::Awaiting => "finished: choose one more touch, nurture, or close".into(),
        other => other.to_string(),
    }
}

/// After `handled` leaves the pending set: if nothing else waits, the cadence has ended.
fn finish_if_last(
    state: &ProspectState,
    change: &mut Change,
    handled: &Touch,
    ctx: &Context,
) -> bool {
    let others_pending = pending_after(state, change).any(|t| t.id != handled.id);
    if others_pending || !change.new_touches.is_empty() {
        return false;
    }
    let p = &state.prospect;
    match p.cadence.cadence().after {
        AfterEnd::AskRep => change.prospect.status = ProspectStatus::Awaiting,
        AfterEnd::MoveTo(next) => start_cadence(change, next, ctx),
        AfterEnd::Repeat { every_days } => {
            let due_on = ctx
                .calendar
                .working_day(ctx.today + Duration::days(i64::from(scale_gap(every_days, p.pace))));
            change.new_touches.push(NewTouch {
                cadence: p.cadence,
                step_index: handled.step_index + 1,
                step_count: None,
                due_on,
            });
            // A repeating cadence goes on: nothing has ended.
            return false;
        }
    }
    true
}

fn start_cadence(change: &mut Change, cadence: CadenceId, ctx: &Context) {
    start_cadence_on(change, cadence, ctx.today, ctx)
}

fn start_cadence_on(change: &mut Change, cadence: CadenceId, start: NaiveDate, ctx: &Context) {
    change.new_enrolment = Some(cadence);
    change.new_touches = planned(cadence, start, change.prospect.pace, &ctx.calendar);
    change.prospect.cadence = cadence;
    change.prospect.status = ProspectStatus::Active;
    change.prospect.paused_on = None;
    change.prospect.closed_at = None;
}

/// The prospect's touches still pending once `change` is written, with their new dates.
fn pending_after<'a>(
    state: &'a ProspectState,
    change: &'a Change,
) -> impl Iterator<Item = &'a Touch> {
    state
        .touches
        .iter()
        .map(|t| change.touches.iter().find(|c| c.id == t.id).unwrap_or(t))
        .filter(|t| t.status == TouchStatus::Pending)
}

/// After `handled` was logged or skipped today, the rest of the cadence is planned from today,
/// so the next touch is never in the past and a backlog is never stacked onto the coming days:
/// - steps before `handled` that are still open are skipped: the rep has moved past them;
/// - of the later steps already due (the rep fell behind), only the last is kept — the ones in
///   between no longer make sense and are skipped;
/// - the kept steps move so that the next one comes the cadence's own gap after today (the gap
///   from `handled` to the step after it), and the rest keep their gaps from there.
///
/// Answers how many touches were skipped.
fn catch_up(state: &ProspectState, change: &mut Change, handled: &Touch, ctx: &Context) -> usize {
    let mut rest: Vec<&Touch> = state
        .touches
        .iter()
        .filter(|t| t.id != handled.id && t.status == TouchStatus::Pending && !t.is_extra())
        .collect();
    rest.sort_by_key(|t| t.step_index);
    let (earlier, later): (Vec<&Touch>, Vec<&Touch>) = rest
        .into_iter()
        .partition(|t| t.step_index < handled.step_index);
    let behind = later.iter().filter(|t| t.due_on <= ctx.today).count();
    let skip_later = behind.saturating_sub(1);
    let mut skipped = 0;
    for t in earlier.iter().chain(later.iter().take(skip_later)) {
        let mut s = (*t).clone();
        s.status = TouchStatus::Skipped;
        change.touches.push(s);
        skipped += 1;
    }
    let kept = &later[skip_later..];
    let (Some(first_later), Some(first_kept)) = (later.first(), kept.first()) else {
        return skipped;
    };
    let late_by = (ctx.today - handled.due_on).num_days().max(0);
    let slot = first_later.due_on + Duration::days(late_by);
    let delta = slot - first_kept.due_on;
    let wanted: Vec<NaiveDate> = kept.iter().map(|t| t.due_on + delta).collect();
    for (t, due) in kept.iter().zip(reflow_spaced(
        &wanted,
        Some(ctx.today),
        &ctx.calendar,
        state.prospect.cadence.cadence().min_gap,
    )) {
        if due != t.due_on {
            let mut moved = (*t).clone();
            moved.due_on = due;
            change.touches.push(moved);
        }
    }
    skipped
}

fn next_pending_due(state: &ProspectState, change: &Change, handled: TouchId) -> Option<NaiveDate> {
    let existing = pending_after(state, change)
        .filter(|t| t.id != handled)
        .map(|t| t.due_on);
    let added = change.new_touches.iter().map(|t| t.due_on);
    existing.chain(added).min()
}

/// Every touch still waiting (or paused) is cancelled: the cadence is over.
fn cancel_open(state: &ProspectState, change: &mut Change) {
    for t in state
        .touches
        .iter()
        .filter(|t| matches!(t.status, TouchStatus::Pending | TouchStatus::Paused))
    {
        let mut cancelled = t.clone();
        cancelled.status = TouchStatus::Cancelled;
        change.touches.push(cancelled);
    }
}

fn append_note(prospect: &mut Prospect, today: NaiveDate, label: &str, note: &str) {
    let line = format!("{today} {label}: {note}");
    prospect.notes = Some(match prospect.notes.take() {
        Some(existing) => format!("{existing}\n{line}"),
        None => line,
    });
}
