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

/// Which cadence: one of the six built-ins, typed as `cadence:<id>`, or a team's own cadence
/// (a version of it, see [`crate::domain::cadence_file`]). A team's id never equals a built-in's:
/// the import refuses that, so the stored text alone tells a built-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CadenceId {
    TenWeek,
    Proposal,
    Hot,
    Cold,
    Recap,
    Nurture,
    Team(TeamCadence),
}

impl CadenceId {
    /// The built-ins, in the order `followup cadences` prints them.
    pub const ALL: &'static [CadenceId] = &[
        CadenceId::TenWeek,
        CadenceId::Proposal,
        CadenceId::Hot,
        CadenceId::Cold,
        CadenceId::Recap,
        CadenceId::Nurture,
    ];

    /// The id as typed and stored: `ten-week`, or a team cadence's own id.
    pub fn as_str(self) -> &'static str {
        match self {
            CadenceId::TenWeek => "ten-week",
            CadenceId::Proposal => "proposal",
            CadenceId::Hot => "hot",
            CadenceId::Cold => "cold",
            CadenceId::Recap => "recap",
            CadenceId::Nurture => "nurture",
            CadenceId::Team(t) => t.slug(),
        }
    }

    /// A built-in cadence by its id (any case).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == wanted)
            .ok_or_else(|| DomainError::UnknownCadence(raw.trim().to_string()))
    }

    pub fn known_list() -> String {
        Self::ALL
            .iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Which import of a team cadence this is (0 for a built-in).
    pub fn version(self) -> i64 {
        match self {
            CadenceId::Team(t) => t.version(),
            _ => 0,
        }
    }

    pub fn is_team(self) -> bool {
        matches!(self, CadenceId::Team(_))
    }

    /// The variant a touch at `step_index` of the enrolment numbered `seed` suggests: `None`
    /// unless its step has several messages.
    pub fn variant_for(self, step_index: i64, seed: i64) -> Option<String> {
        let index = usize::try_from(step_index).ok()?;
        self.cadence().steps.get(index)?.variant_for(seed)
    }
}

impl CadenceId {
    /// The cadence a team uses when neither a cadence nor a lead temperature is given (and the
    /// team chose no default of its own).
    pub const TEAM_DEFAULT: CadenceId = CadenceId::Proposal;

    pub fn cadence(self) -> &'static Cadence {
        match self {
            CadenceId::Team(t) => t.cadence(),
            _ => BUILT_IN.iter().find(|c| c.id == self).unwrap_or(&MISSING),
        }
    }
}

impl std::fmt::Display for CadenceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A team cadence, as one import defined it. Definitions are interned by content (see
/// [`TeamCadence::intern`]), so the handle is `Copy`, compares by identity, and the hot paths
/// (`.cadence()` per touch) read it without any lookup.
#[derive(Clone, Copy)]
pub struct TeamCadence(&'static TeamCadenceDef);

/// What a [`TeamCadence`] points at: the cadence, set once right after it is interned.
pub struct TeamCadenceDef {
    slug: &'static str,
    version: i64,
    cadence: std::sync::OnceLock<Cadence>,
}

impl TeamCadence {
    pub fn slug(self) -> &'static str {
        self.0.slug
    }
    pub fn version(self) -> i64 {
        self.0.version
    }
    pub fn cadence(self) -> &'static Cadence {
        self.0.cadence.get().unwrap_or(&MISSING)
    }

    /// The handle of `build(id)`, a team's cadence `slug` at `version`; `canonical` is its full
    /// definition as text, the key the interner keeps it under. The same definition interned
    /// twice gives the same handle; a process keeps every distinct definition it has seen (a
    /// few kilobytes an import), which is what lets the handle be `Copy` and `'static`.
    pub fn intern(
        slug: &str,
        version: i64,
        canonical: String,
        build: impl FnOnce(CadenceId) -> Cadence,
    ) -> TeamCadence {
        use std::collections::HashMap;
        use std::sync::{Mutex, OnceLock};
        static INTERNED: OnceLock<Mutex<HashMap<String, &'static TeamCadenceDef>>> =
            OnceLock::new();
        let key = format!("{slug}\u{0}{version}\u{0}{canonical}");
        let mut map = INTERNED
            .get_or_init(|| Mutex::new(HashMap::new()))
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(def) = map.get(&key) {
            return TeamCadence(def);
        }
        let def: &'static TeamCadenceDef = Box::leak(Box::new(TeamCadenceDef {
            slug: Box::leak(slug.to_string().into_boxed_str()),
            version,
            cadence: OnceLock::new(),
        }));
        let handle = TeamCadence(def);
        let _ = def.cadence.set(build(CadenceId::Team(handle)));
        map.insert(key, def);
        handle
    }
}

impl PartialEq for TeamCadence {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}
impl Eq for TeamCadence {}
impl std::hash::Hash for TeamCadence {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.0, state)
    }
}
impl std::fmt::Debug for TeamCadence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.slug(), self.version())
    }
}

/// What a handle reads before its cadence is set (never, by construction): no steps.
static MISSING: Cadence = Cadence {
    id: CadenceId::Nurture,
    name: "",
    when: "",
    steps: &[],
    after: AfterEnd::AskRep,
    min_gap: MIN_GAP_DAYS,
};

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
    /// A team step's alternative messages (A, B, …): each enrolment gets one, in rotation,
    /// and the reply rates compare them. Empty for a step with one message.
    pub variants: &'static [&'static str],
    /// The email subject, when the step names one.
    pub subject: Option<&'static str>,
    /// The file allows this step closer than the spacing floor to the one before.
    pub allow_close: bool,
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

    /// The letter of the variant an enrolment numbered `seed` gets here: `None` for a step
    /// with one message. Consecutive enrolments take the variants in turn.
    pub fn variant_for(&self, seed: i64) -> Option<String> {
        let n = self.variants.len();
        (n >= 2).then(|| variant_letter(seed.rem_euclid(n as i64) as usize))
    }

    /// The message a touch of `variant` suggests (`None`: the step's own, by `turn`).
    pub fn message(&self, turn: usize, variant: Option<&str>) -> &'static str {
        let chosen = variant
            .and_then(variant_index)
            .and_then(|i| self.variants.get(i).copied());
        match chosen {
            Some(text) => text,
            None if self.templates.is_empty() => self.variants.first().copied().unwrap_or(""),
            None => self.template(turn),
        }
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
        self.message(index, None)
    }

    /// The message for the touch at `index` that was given `variant`.
    pub fn message(&self, index: usize, variant: Option<&str>) -> &'static str {
        let (step, turn) = self.touch_step(index);
        step.message(turn, variant)
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
        variants: &[],
        subject: None,
        allow_close: false,
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
        variants: &[],
        subject: None,
        allow_close: false,
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
    variants: &[],
    subject: None,
    allow_close: false,
};

/// `A` for 0, `B` for 1, … (`Z` and on stay `Z`: a file has far fewer variants).
pub fn variant_letter(index: usize) -> String {
    char::from(b'A' + index.min(25) as u8).to_string()
}

/// The position of variant `A`, `B`, …
pub fn variant_index(letter: &str) -> Option<usize> {
    match letter.as_bytes() {
        [c @ b'A'..=b'Z'] => Some(usize::from(c - b'A')),
        _ => None,
    }
}

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

/// What a rep typed for a cadence: a built-in's id, or (kept as typed, for the team's own
/// cadences to answer) one that could be a team cadence's id.
pub fn parse_cadence_name(raw: &str) -> Result<Result<CadenceId, String>, DomainError> {
    match parse_cadence(raw) {
        Ok(built_in) => Ok(Ok(built_in)),
        Err(e) => {
            let typed = raw.trim().to_ascii_lowercase();
            let shaped = !typed.is_empty()
                && typed.len() <= 40
                && typed
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if shaped {
                Ok(Err(typed))
            } else {
                Err(e)
            }
        }
    }
}

/// `CadenceId::parse` that also accepts `tenweek`, `10-week` and `10w`.
pub fn parse_cadence(raw: &str) -> Result<CadenceId, DomainError> {
    let lowered = raw.trim().to_ascii_lowercase();
    match lowered.as_str() {
        "tenweek" | "10-week" | "10week" | "10w" | "ten_week" => Ok(CadenceId::TenWeek),
        _ => CadenceId::parse(raw),
    }
}
