//! The six built-in cadences of DOMAIN.md: which day, which channels, and what to say.

use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::messages as m;
use super::prospect::string_enum;

string_enum!(
    /// A way of reaching a prospect. One touch can combine several.
    Channel, BadChannel {
        Call => "call",
        Voicemail => "voicemail",
        Email => "email",
        LinkedIn => "linkedin",
        Text => "text",
        Note => "note",
        ValueAdd => "value-add",
        Meeting => "meeting",
    }
);

impl Channel {
    /// How the channel reads in a message: `LinkedIn message`, `handwritten note`.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Voicemail => "voicemail",
            Channel::Email => "email",
            Channel::LinkedIn => "LinkedIn message",
            Channel::Text => "text message",
            Channel::Note => "handwritten note",
            Channel::ValueAdd => "value-add",
            Channel::Meeting => "meeting",
        }
    }
}

string_enum!(
    /// The name of a built-in cadence, as typed in `cadence:<id>`.
    CadenceId, UnknownCadence {
        TenWeek => "ten-week",
        Proposal => "proposal",
        Hot => "hot",
        Cold => "cold",
        Recap => "recap",
        Nurture => "nurture",
    }
);

impl CadenceId {
    /// The cadence a team uses when neither a cadence nor a lead temperature is given.
    pub const TEAM_DEFAULT: CadenceId = CadenceId::Proposal;

    pub fn cadence(self) -> &'static Cadence {
        BUILT_IN
            .iter()
            .find(|c| c.id == self)
            .expect("every CadenceId has a built-in cadence")
    }
}

/// One touch of a cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Days after enrolment, at normal pace.
    pub day: u32,
    pub channels: &'static [Channel],
    /// `true` when the channels are alternatives (`email or call`), not a combination.
    pub either: bool,
    /// What the touch is for, in a few words.
    pub purpose: &'static str,
    /// The suggested messages; see [`crate::domain::template`] for the placeholders. Most steps
    /// have one; a step that comes round again (nurture, "one more") has several and takes them in
    /// turn, so consecutive touches never send the same text.
    pub templates: &'static [&'static str],
}

impl Step {
    /// `call + voicemail + email`, or `email or call`.
    pub fn channel_label(&self) -> String {
        let joiner = if self.either { " or " } else { " + " };
        self.channels
            .iter()
            .map(|c| c.label())
            .collect::<Vec<_>>()
            .join(joiner)
    }

    /// The message for the `turn`-th time this step comes round (0 the first time).
    pub fn template(&self, turn: usize) -> &'static str {
        match self.templates.len() {
            0 => "",
            n => self.templates[turn % n],
        }
    }
}

/// What happens when the last touch of a cadence passes without a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AfterEnd {
    /// The digest asks the rep: one more touch, nurture, or close.
    AskRep,
    /// The prospect moves on to another cadence by itself.
    MoveTo(CadenceId),
    /// The last step repeats this many days after the previous one, until a reply or a stop.
    Repeat { every_days: u32 },
}

#[derive(Debug, PartialEq, Eq)]
pub struct Cadence {
    pub id: CadenceId,
    pub name: &'static str,
    /// When a rep should pick it.
    pub when: &'static str,
    pub steps: &'static [Step],
    pub after: AfterEnd,
    /// The fewest days between two of its touches at any pace: pace scales the rests, never
    /// below this (and never onto the working day right after a touch; see `schedule::reflow`).
    pub min_gap: u32,
}

/// No two touches of one prospect on the same day or on consecutive days.
pub const MIN_GAP_DAYS: u32 = 2;

impl Cadence {
    /// The number of touches, or `None` for a cadence that repeats without end.
    pub fn length(&self) -> Option<usize> {
        match self.after {
            AfterEnd::Repeat { .. } => None,
            _ => Some(self.steps.len()),
        }
    }

    /// The step at `index`; a repeating cadence answers with its last step past the end.
    pub fn step(&self, index: usize) -> Option<&Step> {
        match self.after {
            AfterEnd::Repeat { .. } => self.steps.get(index).or(self.steps.last()),
            _ => self.steps.get(index),
        }
    }

    /// What the touch at `index` follows, and how many times that step came round before it: its
    /// own step; past the end, a repeating cadence's last step again, or for any other cadence
    /// [`ONE_MORE`], the extra attempt a rep asks for after the closing touch.
    pub fn touch_step(&self, index: usize) -> (&'static Step, usize) {
        let steps: &'static [Step] = self.steps;
        match (steps.get(index), steps.last(), self.after) {
            (Some(step), _, _) => (step, 0),
            (None, Some(last), AfterEnd::Repeat { .. }) => (last, index + 1 - steps.len()),
            _ => (&ONE_MORE, index.saturating_sub(steps.len())),
        }
    }

    /// The suggested message for the touch at `index`, before it is filled in.
    pub fn template(&self, index: usize) -> &'static str {
        let (step, turn) = self.touch_step(index);
        step.template(turn)
    }
}

use Channel::{Call, Email, LinkedIn, ValueAdd, Voicemail};

const CALL_VM_EMAIL: &[Channel] = &[Call, Voicemail, Email];
const CALL_VM_LINKEDIN: &[Channel] = &[Call, Voicemail, LinkedIn];

const fn step(
    day: u32,
    channels: &'static [Channel],
    purpose: &'static str,
    templates: &'static [&'static str],
) -> Step {
    Step {
        day,
        channels,
        either: false,
        purpose,
        templates,
    }
}

const TEN_WEEK: &[Step] = &[
    step(0, CALL_VM_EMAIL, "open: call, voicemail, email", &[m::OPEN]),
    step(2, CALL_VM_LINKEDIN, "connect on LinkedIn", &[m::CONNECT]),
    step(4, CALL_VM_EMAIL, "third try this week", &[m::THIRD]),
    step(14, CALL_VM_EMAIL, "week 3: open again", &[m::OPEN_AGAIN]),
    step(
        16,
        CALL_VM_LINKEDIN,
        "week 3: LinkedIn",
        &[m::CONNECT_AGAIN],
    ),
    step(18, CALL_VM_EMAIL, "week 3: third try", &[m::THIRD_AGAIN]),
    step(35, CALL_VM_EMAIL, "week 6: open again", &[m::OPEN_LATE]),
    step(37, CALL_VM_LINKEDIN, "week 6: LinkedIn", &[m::CONNECT_LATE]),
    step(39, CALL_VM_EMAIL, "week 6: third try", &[m::THIRD_LATE]),
    step(63, &[Email, Voicemail], "close the file", &[m::CLOSE_FILE]),
];

const PROPOSAL: &[Step] = &[
    step(
        0,
        &[Email, Call],
        "send the proposal, book a walkthrough",
        &[m::PROPOSAL_SEND],
    ),
    step(2, &[Email], "make sure it arrived", &[m::PROPOSAL_ARRIVED]),
    step(
        6,
        &[Call],
        "phone call, not another email",
        &[m::PROPOSAL_CALL],
    ),
    step(13, &[ValueAdd], "value-add", &[m::CASE_STUDY]),
    step(20, &[Email], "still considering it?", &[m::PROPOSAL_STILL]),
    step(
        29,
        &[Email],
        "final attempt: closing the file",
        &[m::PROPOSAL_CLOSE],
    ),
];

const HOT: &[Step] = &[
    step(
        0,
        CALL_VM_EMAIL,
        "within 24 hours: call, voicemail + email if no answer",
        &[m::HOT_FIRST],
    ),
    step(7, &[Email], "week 1: email", &[m::HOT_RESOURCE]),
    step(14, &[Call], "week 2: call", &[m::HOT_IDEA]),
    step(21, &[Email], "week 3: email", &[m::HOT_RESULT]),
    step(28, &[Call], "week 4: call", &[m::HOT_QUESTION]),
    step(42, &[Email], "day 42: email", &[m::HOT_INSIGHT]),
    step(56, &[Call], "day 56: call", &[m::HOT_REASON]),
    step(90, &[Email], "day 90: email", &[m::HOT_LATER]),
    step(
        120,
        &[Email, Voicemail],
        "day 120: close the file",
        &[m::CLOSE_FILE],
    ),
];

const COLD: &[Step] = &[
    Step {
        day: 2,
        channels: &[Email, Call],
        either: true,
        purpose: "first touch, after 48 hours",
        templates: &[m::COLD_FIRST],
    },
    step(9, &[Call], "day 9: call", &[m::COLD_IDEA]),
    step(23, &[ValueAdd], "day 23: value-add", &[m::COLD_VALUE]),
    step(44, &[Email], "day 44: email", &[m::COLD_RESULT]),
    step(72, &[ValueAdd], "day 72: value-add", &[m::COLD_CASE]),
    step(
        120,
        &[Email, Voicemail],
        "day 120: close the file",
        &[m::CLOSE_FILE],
    ),
];

const RECAP_STEPS: &[Step] = &[
    step(0, &[Email], "same-day recap of action items", &[m::RECAP]),
    step(
        4,
        &[Email],
        "deliver a promised item",
        &[m::RECAP_FIRST_ITEM],
    ),
    step(
        8,
        &[Email, ValueAdd],
        "deliver or share something relevant",
        &[m::RECAP_NEXT_ITEM],
    ),
    step(
        12,
        &[Email, ValueAdd],
        "deliver or share something relevant",
        &[m::RECAP_LAST_ITEM],
    ),
];

const NURTURE_STEPS: &[Step] = &[step(90, &[ValueAdd], "value-add every 90 days", m::NURTURE)];

/// The extra touch a rep asks for when a cadence ended without a reply ("just one more"): a new
/// angle or a useful resource, never a second goodbye. Its `day` is unused: the rep's choice
/// sets the date.
pub static ONE_MORE: Step = Step {
    day: 0,
    channels: &[Email, ValueAdd],
    either: false,
    purpose: "one more: a new angle or a useful resource",
    templates: m::ONE_MORE,
};

/// Every built-in cadence, in the order `followup cadences` prints them.
pub static BUILT_IN: &[Cadence] = &[
    Cadence {
        id: CadenceId::TenWeek,
        name: "Ten weeks",
        when: "a persistent schedule with growing rests, for a prospect who has not answered yet",
        steps: TEN_WEEK,
        after: AfterEnd::AskRep,
        min_gap: MIN_GAP_DAYS,
    },
    Cadence {
        id: CadenceId::Proposal,
        name: "Proposal",
        when: "after a proposal is sent: 30 days, then nurture",
        steps: PROPOSAL,
        after: AfterEnd::MoveTo(CadenceId::Nurture),
        min_gap: MIN_GAP_DAYS,
    },
    Cadence {
        id: CadenceId::Hot,
        name: "Hot lead",
        when: "a hot or warm lead: first touch within 24 hours, a 120-day plan",
        steps: HOT,
        after: AfterEnd::AskRep,
        // Fast deciders hear from us every 7–10 days, never every day or two.
        min_gap: 7,
    },
    Cadence {
        id: CadenceId::Cold,
        name: "Cold lead",
        when: "a lead who wants a solution later: the first touch may wait 48 hours",
        steps: COLD,
        after: AfterEnd::AskRep,
        min_gap: MIN_GAP_DAYS,
    },
    Cadence {
        id: CadenceId::Recap,
        name: "Meeting recap",
        when: "after a first meeting: a same-day recap, then every 4 days",
        steps: RECAP_STEPS,
        after: AfterEnd::AskRep,
        // Every 4 days; never daily or every other day, even for a fast decider.
        min_gap: 3,
    },
    Cadence {
        id: CadenceId::Nurture,
        name: "Nurture",
        when: "long-term, after a cadence ends without a decision: a value-add every 90 days",
        steps: NURTURE_STEPS,
        after: AfterEnd::Repeat { every_days: 90 },
        min_gap: MIN_GAP_DAYS,
    },
];

/// `CadenceId::parse` that also accepts `tenweek`, `10-week` and `10w`.
pub fn parse_cadence(raw: &str) -> Result<CadenceId, DomainError> {
    let lowered = raw.trim().to_ascii_lowercase();
    match lowered.as_str() {
        "tenweek" | "10-week" | "10week" | "10w" | "ten_week" => Ok(CadenceId::TenWeek),
        _ => CadenceId::parse(raw),
    }
}
