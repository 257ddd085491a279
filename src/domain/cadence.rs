//! The six built-in cadences of DOMAIN.md: which day, which channels, and what to say.

use serde::{Deserialize, Serialize};

use super::error::DomainError;
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
    /// The suggested message; see [`crate::domain::template`] for the placeholders.
    pub template: &'static str,
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
}

use Channel::{Call, Email, LinkedIn, ValueAdd, Voicemail};

const CALL_VM_EMAIL: &[Channel] = &[Call, Voicemail, Email];
const CALL_VM_LINKEDIN: &[Channel] = &[Call, Voicemail, LinkedIn];

const OPEN: &str = "Hi {first_name}, {personal} I called a moment ago and left a short voicemail, so here it is in writing. A team much like {company} halved the time it took to answer new inquiries after one change we suggested, and I think it applies to you too. Could we take fifteen minutes on Thursday to see whether it fits?";
const CONNECT: &str = "Hi {first_name}, {personal} I tried you by phone today and wanted to connect here as well. I recently wrote up the three things the quickest-growing teams in your market do in the first week with a new lead. Would it be useful for {company} if I sent it over?";
const THIRD: &str = "Hi {first_name}, {personal} This is my third note this week, so I will keep it short. [✍ one result from a similar client, in numbers] Is there a better week than this one for a fifteen-minute call?";
const CLOSE_FILE: &str = "Hi {first_name}, {personal} I have reached out a few times without hearing back, which usually means the timing is wrong rather than the idea. I will close your file on {close_date} so I stop filling your inbox. If you would rather I keep it open, which month should I come back to you?";

const PROPOSAL_SEND: &str = "Hi {first_name}, {personal} Here is the proposal for {company}, built around what you told me matters most. It reads best with someone to walk you through it, so I would like to book thirty minutes to go over it together. Does Wednesday or Thursday afternoon suit you better?";
const PROPOSAL_ARRIVED: &str = "Hi {first_name}, {personal} I want to make sure the proposal reached you and opened cleanly. If any part of it raises a question, I can answer by email or in a five-minute call. Did it arrive all right?";
const PROPOSAL_CALL: &str = "Hi {first_name}, {personal} I am calling about the proposal for {company} to hear your first reactions. Most teams have a question about scope or timing by now, and those are quicker to settle by phone. Do you have ten minutes today or tomorrow?";
const CASE_STUDY: &str = "Hi {first_name}, {personal} While you weigh things up, here is a short case study of a team close to {company} in size and how they rolled this out in their first month. [✍ the one figure from it that matters to them] Would it help if I sent the rollout plan they used as well?";
const PROPOSAL_STILL: &str = "Hi {first_name}, {personal} It has been three weeks since I sent the proposal, so let me ask plainly. Are you still considering it, or has the timing changed? Either answer helps me plan, so which is it?";
const PROPOSAL_CLOSE: &str = "Hi {first_name}, {personal} I have not heard back about the proposal, so I will close the file on {close_date} and stop following up. You are welcome back any time, and the proposal stays open if your priorities change. Shall I get in touch again next quarter instead?";

const HOT_FIRST: &str = "Hi {first_name}, {personal} Thanks for getting in touch; I tried to call and left a voicemail. I read what you sent about {company} and have two ideas that should help straight away. What is the best number and time to reach you today or tomorrow?";
const HOT_CALL: &str = "Hi {first_name}, {personal} I am calling with one new idea for {company} that came out of a conversation with a similar team this week. It takes five minutes to explain and could save you a round of trial and error. When is a good time for a quick call this week?";
const HOT_EMAIL: &str = "Hi {first_name}, {personal} I wrote a one-page note on how teams like {company} usually get their first result within a month, with the three steps in order. [✍ the step that fits them best, in one line] Shall I send the whole page, or would you rather go through it on a call?";

const COLD_FIRST: &str = "Hi {first_name}, {personal} You mentioned that {company} is looking at this later rather than now, which makes sense. I will share one useful thing every few weeks so you have what you need when the time comes. Roughly when do you expect to look at it again?";
const INSIGHT: &str = "Hi {first_name}, {personal} I came across something that speaks to what {company} is working on: [✍ an article, case study or insight about their problem]. It takes two minutes to read. Would a short call to go through what it means for you be useful?";

const RECAP: &str = "Hi {first_name}, {personal} Thank you for your time today; here is a short recap. From my side: [✍ the items you promised, with dates]. From yours, whenever it suits: [✍ what they offered to do]. Did I capture everything?";
const RECAP_DELIVER: &str = "Hi {first_name}, {personal} As promised, here is [✍ one item you promised]. I also found something relevant to what you said about {company}'s plans. How is [✍ their action item] coming along?";

const NURTURE: &str = "Hi {first_name}, {personal} It has been a few months, so here is one thing worth your time: [✍ an article, case study or insight about their problem]. It speaks to what {company} was weighing when we last spoke. Is this still on your list for this year?";

const fn step(
    day: u32,
    channels: &'static [Channel],
    purpose: &'static str,
    template: &'static str,
) -> Step {
    Step {
        day,
        channels,
        either: false,
        purpose,
        template,
    }
}

const TEN_WEEK: &[Step] = &[
    step(0, CALL_VM_EMAIL, "open: call, voicemail, email", OPEN),
    step(2, CALL_VM_LINKEDIN, "connect on LinkedIn", CONNECT),
    step(4, CALL_VM_EMAIL, "third try this week", THIRD),
    step(14, CALL_VM_EMAIL, "week 3: open again", OPEN),
    step(16, CALL_VM_LINKEDIN, "week 3: LinkedIn", CONNECT),
    step(18, CALL_VM_EMAIL, "week 3: third try", THIRD),
    step(35, CALL_VM_EMAIL, "week 6: open again", OPEN),
    step(37, CALL_VM_LINKEDIN, "week 6: LinkedIn", CONNECT),
    step(39, CALL_VM_EMAIL, "week 6: third try", THIRD),
    step(63, &[Email, Voicemail], "close the file", CLOSE_FILE),
];

const PROPOSAL: &[Step] = &[
    step(
        0,
        &[Email, Call],
        "send the proposal, book a walkthrough",
        PROPOSAL_SEND,
    ),
    step(2, &[Email], "make sure it arrived", PROPOSAL_ARRIVED),
    step(6, &[Call], "phone call, not another email", PROPOSAL_CALL),
    step(13, &[ValueAdd], "value-add", CASE_STUDY),
    step(20, &[Email], "still considering it?", PROPOSAL_STILL),
    step(
        29,
        &[Email],
        "final attempt: closing the file",
        PROPOSAL_CLOSE,
    ),
];

const HOT: &[Step] = &[
    step(
        0,
        CALL_VM_EMAIL,
        "within 24 hours: call, voicemail + email if no answer",
        HOT_FIRST,
    ),
    step(7, &[Email], "week 1: email", HOT_EMAIL),
    step(14, &[Call], "week 2: call", HOT_CALL),
    step(21, &[Email], "week 3: email", HOT_EMAIL),
    step(28, &[Call], "week 4: call", HOT_CALL),
    step(42, &[Email], "day 42: email", INSIGHT),
    step(56, &[Call], "day 56: call", HOT_CALL),
    step(90, &[Email], "day 90: email", INSIGHT),
    step(
        120,
        &[Email, Voicemail],
        "day 120: close the file",
        CLOSE_FILE,
    ),
];

const COLD: &[Step] = &[
    Step {
        day: 2,
        channels: &[Email, Call],
        either: true,
        purpose: "first touch, after 48 hours",
        template: COLD_FIRST,
    },
    step(9, &[Call], "day 9: call", HOT_CALL),
    step(23, &[ValueAdd], "day 23: value-add", INSIGHT),
    step(44, &[Email], "day 44: email", HOT_EMAIL),
    step(72, &[ValueAdd], "day 72: value-add", CASE_STUDY),
    step(
        120,
        &[Email, Voicemail],
        "day 120: close the file",
        CLOSE_FILE,
    ),
];

const RECAP_STEPS: &[Step] = &[
    step(0, &[Email], "same-day recap of action items", RECAP),
    step(4, &[Email], "deliver a promised item", RECAP_DELIVER),
    step(
        8,
        &[Email, ValueAdd],
        "deliver or share something relevant",
        RECAP_DELIVER,
    ),
    step(
        12,
        &[Email, ValueAdd],
        "deliver or share something relevant",
        RECAP_DELIVER,
    ),
];

const NURTURE_STEPS: &[Step] = &[step(90, &[ValueAdd], "value-add every 90 days", NURTURE)];

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
