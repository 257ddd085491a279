//! Cadences as a file a manager reads, edits and imports: TOML, one `[[cadence]]` table each,
//! its steps as `[[cadence.step]]`. The built-ins export in the same format.
//!
//! [`parse`] reads a file and checks every cadence, step and message, collecting every problem
//! (with the line it is on) rather than stopping at the first: a file is taken whole or not at all.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::cadence::{
    AfterEnd, Cadence, CadenceId, Channel, Step, TeamCadence, BUILT_IN, MIN_GAP_DAYS,
};
use super::lint::{self, Warning};
use super::template::{fill, TemplateVars, SLOT_OPEN};

/// Most cadences one team keeps, and most steps one cadence has.
pub const MAX_CADENCES: usize = 20;
pub const MAX_STEPS: usize = 30;
/// Longest message: well inside a Block Kit section once filled in.
pub const MAX_MESSAGE_CHARS: usize = 1200;

/// One cadence as the file says it: the owned, comparable form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadenceDef {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `ask` (the digest offers one more, nurture or close), `nurture`, or `repeat`.
    pub after: String,
    /// For `after = "repeat"`: days between the repeats of the last step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_days: Option<u32>,
    /// The fewest days between two touches at any pace (default and floor: 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_gap: Option<u32>,
    /// Lead temperatures (`hot`, `warm`, `cold`) that pick this cadence when `add` names none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leads: Vec<String>,
    #[serde(rename = "step")]
    pub steps: Vec<StepDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDef {
    pub day: u32,
    pub channels: Vec<String>,
    /// The channels are alternatives (`email or call`), not a combination.
    #[serde(default, skip_serializing_if = "is_false")]
    pub either: bool,
    #[serde(default)]
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The step's one message…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// …or two or more variants, one per enrolment in rotation…
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<String>,
    /// …or, for a step that comes round again (`after = "repeat"`), messages taken in turn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turns: Vec<String>,
    /// Allows this step closer than 2 days (or `min_gap`) after the one before.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_close: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One thing wrong with a file, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The cadence's id (or its position when it has none); empty for the whole file.
    pub cadence: String,
    /// 1-based.
    pub step: Option<usize>,
    /// 1-based line in the file; 0 for a refusal of the whole file (who may import it).
    pub line: usize,
    pub what: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.cadence.is_empty(), self.step) {
            (true, _) if self.line == 0 => f.write_str(&self.what),
            (true, _) => write!(f, "line {}: {}", self.line, self.what),
            (false, None) => write!(f, "`{}`, line {}: {}", self.cadence, self.line, self.what),
            (false, Some(step)) => write!(
                f,
                "`{}` step {step}, line {}: {}",
                self.cadence, self.line, self.what
            ),
        }
    }
}

/// Every problem, one a line.
pub fn describe(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("• {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

// The file as read, with where each piece is.
#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    cadence: Vec<Spanned<RawCadence>>,
}

#[derive(Deserialize)]
struct RawCadence {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    every_days: Option<u32>,
    #[serde(default)]
    min_gap: Option<u32>,
    #[serde(default)]
    leads: Vec<String>,
    #[serde(default)]
    step: Vec<Spanned<StepDef>>,
}

/// Reads a cadence file and checks it, whole: the cadences, or every problem found.
/// `built_in_ids` says whether an id may be a built-in's (the built-ins' own export) or not (a
/// team's file: its cadences sit beside the built-ins and never shadow one).
pub fn parse(text: &str, built_in_ids: bool) -> Result<Vec<CadenceDef>, Vec<Problem>> {
    let lines = LineIndex::new(text);
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        vec![Problem {
            cadence: String::new(),
            step: None,
            line: e.span().map_or(1, |s| lines.line(s.start)),
            what: format!("not readable as TOML: {}", e.message()),
        }]
    })?;
    let mut problems = Vec::new();
    if raw.cadence.is_empty() {
        problems.push(Problem {
            cadence: String::new(),
            step: None,
            line: 1,
            what: "no cadence: start each one with `[[cadence]]`".into(),
        });
    }
    if raw.cadence.len() > MAX_CADENCES {
        problems.push(Problem {
            cadence: String::new(),
            step: None,
            line: 1,
            what: format!(
                "{} cadences; a team keeps at most {MAX_CADENCES}",
                raw.cadence.len()
            ),
        });
    }
    let mut defs = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut leads_seen: Vec<String> = Vec::new();
    for (i, spanned) in raw.cadence.into_iter().enumerate() {
        let line = lines.line(spanned.span().start);
        let c = spanned.into_inner();
        let label = if c.id.trim().is_empty() {
            format!("cadence {}", i + 1)
        } else {
            c.id.trim().to_string()
        };
        let mut problem = |step: Option<usize>, line: usize, what: String| {
            problems.push(Problem {
                cadence: label.clone(),
                step,
                line,
                what,
            })
        };
        let id = c.id.trim().to_ascii_lowercase();
        if let Some(why) = bad_id(&id, built_in_ids) {
            problem(None, line, why);
        } else if seen.contains(&id) {
            problem(None, line, format!("`{id}` is in the file twice"));
        }
        seen.push(id.clone());
        if c.name.trim().is_empty() {
            problem(None, line, "needs a `name`".into());
        }
        let after = c.after.clone().unwrap_or_default();
        match after.as_str() {
            "ask" | "nurture" => {}
            "repeat" => match c.every_days {
                Some(d) if d >= MIN_GAP_DAYS => {}
                _ => problem(
                    None,
                    line,
                    "`after = \"repeat\"` needs `every_days` (at least 2)".into(),
                ),
            },
            "" => problem(
                None,
                line,
                "needs `after`: \"ask\" (one more, nurture or close) or \"nurture\"".into(),
            ),
            other => problem(
                None,
                line,
                format!("`after = \"{other}\"`: use \"ask\" or \"nurture\""),
            ),
        }
        let mut leads = Vec::new();
        for lead in &c.leads {
            match super::prospect::LeadTemp::parse(lead) {
                Ok(l) if leads_seen.contains(&l.to_string()) => problem(
                    None,
                    line,
                    format!("another cadence of the file already takes `lead:{l}`"),
                ),
                Ok(l) => {
                    leads_seen.push(l.to_string());
                    leads.push(l.to_string());
                }
                Err(_) => problem(
                    None,
                    line,
                    format!("`{lead}` in `leads` is not a lead temperature: hot, warm or cold"),
                ),
            }
        }
        let floor = c.min_gap.unwrap_or(MIN_GAP_DAYS).max(MIN_GAP_DAYS);
        if c.step.is_empty() {
            problem(
                None,
                line,
                "has no steps: add `[[cadence.step]]` tables".into(),
            );
        }
        if c.step.len() > MAX_STEPS {
            problem(
                None,
                line,
                format!("{} steps; at most {MAX_STEPS}", c.step.len()),
            );
        }
        let mut previous: Option<u32> = None;
        let mut texts: Vec<(usize, String)> = Vec::new();
        let mut steps = Vec::new();
        for (s, spanned) in c.step.into_iter().enumerate() {
            let n = s + 1;
            let line = lines.line(spanned.span().start);
            let step = spanned.into_inner();
            if step.channels.is_empty() {
                problem(
                    Some(n),
                    line,
                    "needs `channels`, e.g. [\"call\", \"email\"]".into(),
                );
            }
            for ch in &step.channels {
                if Channel::parse(ch).is_err() {
                    problem(
                        Some(n),
                        line,
                        format!(
                            "`{ch}` is not a channel; the channels are {}",
                            Channel::known_list()
                        ),
                    );
                }
            }
            if let Some(before) = previous {
                if step.day <= before {
                    problem(
                        Some(n),
                        line,
                        format!("day {} comes after day {before}: days must grow", step.day),
                    );
                } else if step.day - before < floor && !step.allow_close {
                    problem(
                        Some(n),
                        line,
                        format!(
                            "day {} is {} day(s) after the step before; touches are at least {floor} days apart unless the step says `allow_close = true`",
                            step.day,
                            step.day - before
                        ),
                    );
                }
            }
            previous = Some(step.day);
            let shapes = [
                step.message.is_some(),
                !step.variants.is_empty(),
                !step.turns.is_empty(),
            ];
            match shapes.iter().filter(|b| **b).count() {
                1 => {}
                0 => problem(Some(n), line, "needs a `message` (or `variants`)".into()),
                _ => problem(
                    Some(n),
                    line,
                    "give either `message`, `variants` or `turns`, not several".into(),
                ),
            }
            if step.variants.len() == 1 {
                problem(
                    Some(n),
                    line,
                    "one variant is just a message: give two or more, or use `message`".into(),
                );
            }
            if step.variants.len() > 26 {
                problem(Some(n), line, "at most 26 variants (A to Z)".into());
            }
            if !step.turns.is_empty() && after != "repeat" {
                problem(
                    Some(n),
                    line,
                    "`turns` is for a cadence whose last step repeats (`after = \"repeat\"`); use `variants`".into(),
                );
            }
            let channels_email = step
                .channels
                .iter()
                .any(|c| c.eq_ignore_ascii_case("email"));
            if step.subject.is_some() && !channels_email {
                problem(Some(n), line, "a `subject` is for an email step".into());
            }
            let all = step.message.iter().chain(&step.variants).chain(&step.turns);
            for (k, text) in all.enumerate() {
                let which = if step.variants.is_empty() {
                    "the message".to_string()
                } else {
                    format!("variant {}", super::cadence::variant_letter(k))
                };
                for what in check_message(text) {
                    problem(Some(n), line, format!("{which}: {what}"));
                }
                if let Some((other, _)) = texts.iter().find(|(_, t)| t.trim() == text.trim()) {
                    problem(
                        Some(n),
                        line,
                        format!("{which} repeats step {other} word for word"),
                    );
                }
                texts.push((n, text.clone()));
            }
            steps.push(step);
        }
        // The same cadence always reads back to the same definition (see `canonical`).
        for step in &mut steps {
            step.channels = step
                .channels
                .iter()
                .map(|ch| {
                    Channel::parse(ch).map_or_else(|_| ch.clone(), |c| c.as_str().to_string())
                })
                .collect();
            step.purpose = step.purpose.trim().to_string();
        }
        defs.push(CadenceDef {
            id,
            name: c.name.trim().to_string(),
            description: c.description.trim().to_string(),
            every_days: c.every_days.filter(|_| after == "repeat"),
            after,
            min_gap: Some(floor).filter(|g| *g != MIN_GAP_DAYS),
            leads,
            steps,
        });
    }
    if problems.is_empty() {
        Ok(defs)
    } else {
        Err(problems)
    }
}

fn bad_id(id: &str, built_in_ids: bool) -> Option<String> {
    if id.is_empty() {
        return Some("needs an `id`, e.g. id = \"enterprise\"".into());
    }
    if id.len() > 40
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Some(format!(
            "`{id}` is not an id: lower-case letters, digits and `-`, at most 40"
        ));
    }
    if !built_in_ids && CadenceId::parse(id).is_ok() {
        return Some(format!(
            "`{id}` is a built-in cadence; give yours its own id (e.g. `our-{id}`) — a team's cadences sit beside the built-ins"
        ));
    }
    None
}

/// What the note lint and the message rules say about one message, in words.
pub fn check_message(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if text.chars().count() > MAX_MESSAGE_CHARS {
        out.push(format!("longer than {MAX_MESSAGE_CHARS} characters"));
    }
    for placeholder in placeholders(text) {
        if !matches!(
            placeholder.as_str(),
            "first_name"
                | "name"
                | "company"
                | "close_date"
                | "personal"
                | "my_items"
                | "their_items"
        ) {
            out.push(format!(
                "`{{{placeholder}}}` is not a placeholder; use {{first_name}}, {{company}}, {{close_date}}, {{my_items}}, {{their_items}} or {{personal}}"
            ));
        }
    }
    let sample = fill(
        text,
        TemplateVars {
            name: "Jane Doe",
            company: Some("Acme"),
            send_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
        },
    );
    for warning in lint::check(&sample, true) {
        out.push(match warning {
            Warning::CheckingIn => "says \"just checking in\": bring something instead".into(),
            Warning::TooLong(n) => format!("{n} sentences; three to five"),
            Warning::NoQuestion => "does not end with one easy question".into(),
        });
    }
    let sentences = lint::sentence_count(&sample);
    if sentences < 3 {
        out.push(format!("{sentences} sentence(s); three to five"));
    }
    if !sample.contains(SLOT_OPEN) {
        out.push("has no `[✍ …]` slot for the rep's own words (`{personal}` gives one)".into());
    }
    if let Some(claim) = claim_outside_slots(text) {
        out.push(format!(
            "states `{claim}` itself: a figure or result goes in a `[✍ …]` slot the rep fills"
        ));
    }
    out
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

/// A number (a figure, a percentage, an amount) written outside every `[✍ …]` slot: the
/// template would state it as a fact the rep never supplied.
fn claim_outside_slots(text: &str) -> Option<String> {
    let mut outside = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(SLOT_OPEN) {
        outside.push_str(&rest[..start]);
        let slot = &rest[start..];
        rest = slot.find(']').map_or("", |e| &slot[e + 1..]);
        outside.push(' ');
    }
    outside.push_str(rest);
    outside
        .split_whitespace()
        .find(|w| w.chars().any(|c| c.is_ascii_digit()) || w.contains('%'))
        .map(|w| {
            w.trim_matches(|c: char| c.is_ascii_punctuation() && c != '%')
                .to_string()
        })
}

/// Byte offsets to 1-based lines.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        Self(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset).max(1)
    }
}

/// The file text of `cadences`.
pub fn export(cadences: &[CadenceDef]) -> String {
    #[derive(Serialize)]
    struct File<'a> {
        cadence: &'a [CadenceDef],
    }
    let header = "# followup cadences: one [[cadence]] table each, its steps as [[cadence.step]].\n\
                  # Import with `followup cadences import --team <T> <file>` or `/followup cadence import`.\n\n";
    match toml::to_string(&File { cadence: cadences }) {
        Ok(body) => format!("{header}{body}"),
        // Plain strings and numbers always serialize; keep the header so the failure shows.
        Err(e) => format!("{header}# could not write the cadences: {e}\n"),
    }
}

/// The built-ins as the file holds them.
pub fn built_in_defs() -> Vec<CadenceDef> {
    BUILT_IN.iter().map(CadenceDef::of).collect()
}

impl CadenceDef {
    /// The file form of a cadence.
    pub fn of(c: &Cadence) -> CadenceDef {
        let (after, every_days) = match c.after {
            AfterEnd::AskRep => ("ask", None),
            AfterEnd::MoveTo(_) => ("nurture", None),
            AfterEnd::Repeat { every_days } => ("repeat", Some(every_days)),
        };
        let repeats = matches!(c.after, AfterEnd::Repeat { .. });
        CadenceDef {
            id: c.id.as_str().to_string(),
            name: c.name.to_string(),
            description: c.when.to_string(),
            after: after.to_string(),
            every_days,
            min_gap: (c.min_gap != MIN_GAP_DAYS).then_some(c.min_gap),
            leads: Vec::new(),
            steps: c
                .steps
                .iter()
                .map(|s| {
                    let several = s.templates.len() > 1;
                    StepDef {
                        day: s.day,
                        channels: s
                            .channels
                            .iter()
                            .map(|ch| ch.as_str().to_string())
                            .collect(),
                        either: s.either,
                        purpose: s.purpose.to_string(),
                        subject: s.subject.map(str::to_string),
                        message: (!several)
                            .then(|| s.templates.first().map(|t| t.to_string()))
                            .flatten(),
                        variants: s.variants.iter().map(|v| v.to_string()).collect(),
                        turns: if several && repeats {
                            s.templates.iter().map(|t| t.to_string()).collect()
                        } else {
                            Vec::new()
                        },
                        allow_close: s.allow_close,
                    }
                })
                .collect(),
        }
    }

    /// The text the interner keys this definition by (and the store keeps).
    pub fn canonical(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// This definition as a team's cadence at `version`: the same handle every time for the
    /// same definition. Call it on a checked definition ([`parse`]); anything unreadable in an
    /// unchecked one is left out rather than refused.
    pub fn team_cadence(&self, version: i64) -> CadenceId {
        let handle = TeamCadence::intern(&self.id, version, self.canonical(), |id| self.build(id));
        CadenceId::Team(handle)
    }

    fn build(&self, id: CadenceId) -> Cadence {
        fn leak(s: &str) -> &'static str {
            Box::leak(s.to_string().into_boxed_str())
        }
        fn leak_all(texts: &[String]) -> &'static [&'static str] {
            Box::leak(
                texts
                    .iter()
                    .map(|t| leak(t))
                    .collect::<Vec<_>>()
                    .into_boxed_slice(),
            )
        }
        let steps: Vec<Step> = self
            .steps
            .iter()
            .map(|s| {
                let channels: Vec<Channel> = s
                    .channels
                    .iter()
                    .filter_map(|c| Channel::parse(c).ok())
                    .collect();
                let templates = match (&s.message, s.turns.is_empty()) {
                    (Some(m), _) => leak_all(std::slice::from_ref(m)),
                    (None, false) => leak_all(&s.turns),
                    (None, true) => &[],
                };
                Step {
                    day: s.day,
                    channels: Box::leak(channels.into_boxed_slice()),
                    either: s.either,
                    purpose: leak(&s.purpose),
                    templates,
                    variants: leak_all(&s.variants),
                    subject: s.subject.as_deref().map(leak),
                    allow_close: s.allow_close,
                }
            })
            .collect();
        Cadence {
            id,
            name: leak(&self.name),
            when: leak(&self.description),
            steps: Box::leak(steps.into_boxed_slice()),
            after: match (self.after.as_str(), self.every_days) {
                ("nurture", _) => AfterEnd::MoveTo(CadenceId::Nurture),
                ("repeat", Some(every_days)) => AfterEnd::Repeat { every_days },
                _ => AfterEnd::AskRep,
            },
            min_gap: self.min_gap.unwrap_or(MIN_GAP_DAYS).max(MIN_GAP_DAYS),
        }
    }
}

// A cadence id travels (in an undo record) as its text; a team's carries its definition, so
// it reads back without the store.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum IdWire {
    BuiltIn(String),
    Team {
        team: String,
        version: i64,
        definition: String,
    },
}

impl Serialize for CadenceId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CadenceId::Team(t) => IdWire::Team {
                team: t.slug().to_string(),
                version: t.version(),
                definition: CadenceDef::of(t.cadence()).canonical(),
            },
            other => IdWire::BuiltIn(other.as_str().to_string()),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CadenceId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match IdWire::deserialize(deserializer)? {
            IdWire::BuiltIn(text) => CadenceId::parse(&text).map_err(serde::de::Error::custom),
            IdWire::Team {
                version,
                definition,
                ..
            } => {
                let def: CadenceDef =
                    serde_json::from_str(&definition).map_err(serde::de::Error::custom)?;
                Ok(def.team_cadence(version))
            }
        }
    }
}
