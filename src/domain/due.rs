//! What a rep should act on at an instant: touches due today and overdue, stale prospects,
//! hot leads still waiting for their first touch, and cadences that ended without a reply.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::cadence::{CadenceId, Channel};
use super::prospect::{LeadTemp, Prospect, ProspectStatus, Touch};
use super::template::{fill, TemplateVars};

/// No contact for this many days flags a prospect as stale.
pub const STALE_AFTER_DAYS: i64 = 21;
/// Hot and warm leads should hear from the rep within this many hours.
pub const SPEED_TO_LEAD_HOURS: i64 = 24;

/// A way of reaching a prospect that a touch needs and the prospect's record may lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Phone,
    Email,
    LinkedIn,
}

impl Detail {
    /// What reaches the prospect on `channel`, if a channel needs anything from the record.
    fn for_channel(channel: Channel) -> Option<Detail> {
        match channel {
            Channel::Call | Channel::Voicemail | Channel::Text => Some(Detail::Phone),
            Channel::Email => Some(Detail::Email),
            Channel::LinkedIn => Some(Detail::LinkedIn),
            Channel::Note | Channel::ValueAdd | Channel::Meeting => None,
        }
    }

    fn on_record(self, p: &Prospect) -> bool {
        match self {
            Detail::Phone => p.phone.is_some(),
            Detail::Email => p.email.is_some(),
            Detail::LinkedIn => p.linkedin.is_some(),
        }
    }
}

/// A pending touch with its prospect.
#[derive(Debug, Clone, PartialEq)]
pub struct DueTouch {
    pub prospect: Prospect,
    pub touch: Touch,
    /// In an agenda: how many more of this prospect's touches are due or late behind this one
    /// (a prospect is listed once, by its next action).
    pub behind: usize,
}

impl DueTouch {
    pub fn new(prospect: Prospect, touch: Touch) -> Self {
        Self {
            prospect,
            touch,
            behind: 0,
        }
    }

    /// Days past its due date (0 when due today).
    pub fn days_late(&self, today: NaiveDate) -> i64 {
        (today - self.touch.due_on).num_days().max(0)
    }

    /// The step's suggested message, filled in for this prospect, as shown on the rep's `today`:
    /// a late touch goes out today, so its close-the-file date is counted from today. A "one more"
    /// touch past the cadence's end gets its own new attempt, and each nurture touch the next text.
    pub fn suggested_message(&self, today: NaiveDate) -> String {
        fill(
            self.touch
                .cadence
                .cadence()
                .message(self.index(), self.touch.variant.as_deref()),
            TemplateVars {
                name: &self.prospect.name,
                company: self.prospect.company.as_deref(),
                send_on: today.max(self.touch.due_on),
            },
        )
    }

    fn index(&self) -> usize {
        usize::try_from(self.touch.step_index).unwrap_or(0)
    }

    /// ` · variant B` when the step has several messages, else nothing.
    pub fn variant_label(&self) -> String {
        self.touch.variant_label()
    }

    /// The step's own email subject, filled in, when its cadence file gives one.
    pub fn step_subject(&self, today: NaiveDate) -> Option<String> {
        if self.touch.is_extra() {
            return None;
        }
        let (step, _) = self.touch.cadence.cadence().touch_step(self.index());
        step.subject.map(|subject| {
            fill(
                subject,
                TemplateVars {
                    name: &self.prospect.name,
                    company: self.prospect.company.as_deref(),
                    send_on: today.max(self.touch.due_on),
                },
            )
        })
    }

    /// What this touch needs to reach the prospect and their record lacks, in the step's order:
    /// a call with no number, a LinkedIn message with no profile. For a step whose channels are
    /// alternatives (`email or call`), nothing is missing while one of them can be used.
    pub fn missing_details(&self) -> Vec<Detail> {
        let (channels, either): (&[Channel], bool) = if self.touch.is_extra() {
            (self.touch.channel.as_slice(), false)
        } else {
            let (step, _) = self.touch.cadence.cadence().touch_step(self.index());
            (step.channels, step.either)
        };
        let p = &self.prospect;
        let usable = |c: &Channel| Detail::for_channel(*c).is_none_or(|d| d.on_record(p));
        if either && channels.iter().any(usable) {
            return Vec::new();
        }
        let mut missing = Vec::new();
        for detail in channels.iter().filter_map(|c| Detail::for_channel(*c)) {
            if !detail.on_record(p) && !missing.contains(&detail) {
                missing.push(detail);
            }
        }
        missing
    }

    /// `call + voicemail + email`.
    pub fn channels(&self) -> String {
        let (step, _) = self.touch.cadence.cadence().touch_step(self.index());
        step.channel_label()
    }
}

/// A prospect with its next pending touch, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ProspectNext {
    pub prospect: Prospect,
    pub next: Option<Touch>,
}

/// The instants the store narrows candidates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoffs {
    /// Last contact (or enrolment) before this is old enough to be stale.
    pub stale_before: DateTime<Utc>,
    /// Hot leads enrolled before this without a touch are late.
    pub hot_enrolled_before: DateTime<Utc>,
    /// An active prospect is stale only with a touch due before the rep's today, which is never
    /// later than this (the latest date any zone has at the instant).
    pub late_before: NaiveDate,
}

pub fn cutoffs(now: DateTime<Utc>) -> Cutoffs {
    Cutoffs {
        stale_before: now - Duration::days(STALE_AFTER_DAYS),
        hot_enrolled_before: now - Duration::hours(SPEED_TO_LEAD_HOURS),
        late_before: super::digest::latest_local_date(now),
    }
}

/// A rep's agenda for one instant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DueReport {
    pub today: NaiveDate,
    /// The rep's absence, when one is set and not over: the agenda says so.
    pub away: Option<(NaiveDate, NaiveDate)>,
    /// The rep's promises due by today, with their prospects.
    pub items_due: Vec<super::items::ActionItem>,
    /// Open promises by prospect — the rep's, then the prospect's — woven into the messages.
    pub promises:
        std::collections::HashMap<super::prospect::ProspectId, (Vec<String>, Vec<String>)>,
    pub due_today: Vec<DueTouch>,
    /// Most late first.
    pub overdue: Vec<DueTouch>,
    pub stale: Vec<Prospect>,
    /// Hot or warm leads enrolled more than 24 hours ago with no touch logged.
    pub hot_waiting: Vec<Prospect>,
    /// Cadences that ended without a reply: one more, nurture, or close?
    pub awaiting: Vec<Prospect>,
    /// What each value-add touch of the agenda suggests sending, by touch.
    pub resources: std::collections::HashMap<super::prospect::TouchId, super::resources::Resource>,
}

impl DueReport {
    /// Whether the morning digest has anything to say.
    pub fn is_empty(&self) -> bool {
        self.items_due.is_empty()
            && self.due_today.is_empty()
            && self.overdue.is_empty()
            && self.stale.is_empty()
            && self.hot_waiting.is_empty()
            && self.awaiting.is_empty()
    }
    pub fn touch_count(&self) -> usize {
        self.due_today.len() + self.overdue.len()
    }
}

/// Last contact, or enrolment when there has been none.
fn last_activity(p: &Prospect) -> DateTime<Utc> {
    p.last_contact_at.unwrap_or(p.enrolled_at)
}

/// Stale: no contact for three weeks while nothing keeps it moving — a conversation that went
/// quiet after a reply, a finished cadence, or an active one whose next touch is already late.
/// Planned rests of an active cadence, and nurture, are not stale.
pub fn is_stale(c: &ProspectNext, today: NaiveDate, now: DateTime<Utc>) -> bool {
    let p = &c.prospect;
    if last_activity(p) > now - Duration::days(STALE_AFTER_DAYS) {
        return false;
    }
    match p.status {
        ProspectStatus::Replied | ProspectStatus::Awaiting => true,
        ProspectStatus::Active => {
            p.cadence != CadenceId::Nurture && c.next.as_ref().is_some_and(|t| t.due_on < today)
        }
        _ => false,
    }
}

/// A hot or warm lead past its 24 hours with no touch logged.
pub fn is_hot_waiting(p: &Prospect, now: DateTime<Utc>) -> bool {
    p.status == ProspectStatus::Active
        && matches!(p.lead, Some(LeadTemp::Hot | LeadTemp::Warm))
        && p.touches_done == 0
        && now - p.enrolled_at > Duration::hours(SPEED_TO_LEAD_HOURS)
}

/// Each prospect once, by its next action: the earliest of its touches due by `today`, counting
/// the others as behind it.
fn one_per_prospect(touches: Vec<DueTouch>, today: NaiveDate) -> Vec<DueTouch> {
    let mut due: Vec<DueTouch> = touches
        .into_iter()
        .filter(|t| t.touch.due_on <= today)
        .collect();
    due.sort_by_key(|t| {
        (
            t.prospect.id,
            t.touch.due_on,
            t.touch.step_index,
            t.touch.id,
        )
    });
    let mut entries: Vec<DueTouch> = Vec::with_capacity(due.len());
    for t in due {
        match entries.last_mut() {
            Some(last) if last.prospect.id == t.prospect.id => last.behind += 1,
            _ => entries.push(t),
        }
    }
    entries
}

/// Sorts pending touches and candidates into the rep's agenda.
pub fn build(
    today: NaiveDate,
    now: DateTime<Utc>,
    touches: Vec<DueTouch>,
    candidates: Vec<ProspectNext>,
) -> DueReport {
    let mut report = DueReport {
        today,
        ..DueReport::default()
    };
    for t in one_per_prospect(touches, today) {
        if t.touch.due_on == today {
            report.due_today.push(t);
        } else {
            report.overdue.push(t);
        }
    }
    let priority = |t: &DueTouch| {
        (
            match t.prospect.lead {
                Some(LeadTemp::Hot) => 0,
                Some(LeadTemp::Warm) => 1,
                _ => 2,
            },
            std::cmp::Reverse(t.prospect.value.map(|v| v.cents()).unwrap_or(0)),
            t.prospect.id,
        )
    };
    report.due_today.sort_by_key(priority);
    report
        .overdue
        .sort_by_key(|t| (t.touch.due_on, priority(t)));
    for c in candidates {
        if c.prospect.status == ProspectStatus::Awaiting {
            report.awaiting.push(c.prospect.clone());
        } else if is_hot_waiting(&c.prospect, now) {
            report.hot_waiting.push(c.prospect.clone());
        }
        if is_stale(&c, today, now) && c.prospect.status != ProspectStatus::Awaiting {
            report.stale.push(c.prospect);
        }
    }
    report.stale.sort_by_key(|p| (last_activity(p), p.id));
    report.hot_waiting.sort_by_key(|p| (p.enrolled_at, p.id));
    report.awaiting.sort_by_key(|p| p.id);
    report
}
