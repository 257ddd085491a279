//! Prospects, their touches, and the validating types that keep bad data at the edge.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::cadence::{CadenceId, Channel};
use super::error::DomainError;

/// The rep who owns data: a Slack user inside one Slack workspace. Every read and write is scoped by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RepRef {
    pub team_id: String,
    pub user_id: String,
}

impl RepRef {
    pub fn new(team_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        Self {
            team_id: team_id.into(),
            user_id: user_id.into(),
        }
    }
}

pub type ProspectId = i64;
pub type TouchId = i64;

const MAX_NAME: usize = 200;
const MAX_FIELD: usize = 200;
const MAX_NOTE: usize = 2000;

/// A non-empty, trimmed prospect name of at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProspectName(String);

impl ProspectName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = collapse_spaces(raw);
        if name.is_empty() {
            return Err(DomainError::EmptyName);
        }
        let len = name.chars().count();
        if len > MAX_NAME {
            return Err(DomainError::NameTooLong(len));
        }
        Ok(Self(name))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn collapse_spaces(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An email address: one `@`, a local part, and a dotted domain, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let email = raw.trim();
        let bad = || DomainError::BadEmail(email.to_string());
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let valid = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && email.len() <= 254
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>');
        if valid {
            // Addresses are compared as lower case, so the same person is found again.
            Ok(Self(email.to_lowercase()))
        } else {
            Err(bad())
        }
    }
    /// Whether text looks like an email at all, so a parser can tell an email from a name word.
    pub fn looks_like(raw: &str) -> bool {
        raw.contains('@') && !raw.starts_with('@')
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as the rep typed it (digits with `+`, spaces, dots, dashes and parentheses;
/// 7–15 digits; an extension such as `ext 12` or `x12` after them), and its E.164 form when one
/// can be worked out, for `tel:` links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    typed: String,
    e164: Option<String>,
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let phone = collapse_spaces(raw);
        let (number, _extension) = split_extension(&phone);
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let allowed = number
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.' | '-' | '(' | ')'));
        let plus_first = number.rfind('+').is_none_or(|at| at == 0);
        if allowed && plus_first && (7..=15).contains(&digits) {
            Ok(Self {
                e164: e164(number),
                typed: phone,
            })
        } else {
            Err(DomainError::BadPhone(phone))
        }
    }
    /// Whether a word is meant as a phone number (starts with `+` or a digit and is mostly digits).
    pub fn looks_like(raw: &str) -> bool {
        let digits = raw.chars().filter(char::is_ascii_digit).count();
        raw.starts_with(|c: char| c == '+' || c.is_ascii_digit()) && digits * 2 >= raw.len()
    }
    /// What the rep typed, spaces collapsed.
    pub fn as_str(&self) -> &str {
        &self.typed
    }
    /// `+14155550100`, without the extension; `None` when the country is unknown.
    pub fn e164(&self) -> Option<&str> {
        self.e164.as_deref()
    }
}

/// `+1 415 555 0100 ext 12` → (`+1 415 555 0100`, `12`); the extension markers people type
/// are `ext`, `ext.`, `extension`, `x` and `#`, followed by at most six digits.
fn split_extension(phone: &str) -> (&str, Option<&str>) {
    // ASCII lower-casing keeps every byte where it was, so positions found in `lower` fit `phone`.
    let lower = phone.to_ascii_lowercase();
    for marker in ["extension", "ext.", "ext", "x", "#"] {
        let Some(at) = lower.rfind(marker) else {
            continue;
        };
        let extension = phone[at + marker.len()..].trim_start_matches([' ', '.', ':']);
        let number = phone[..at].trim_end();
        let is_extension = (1..=6).contains(&extension.len())
            && extension.chars().all(|c| c.is_ascii_digit())
            && number.ends_with(|c: char| c.is_ascii_digit() || c == ')');
        if is_extension {
            return (number, Some(extension));
        }
    }
    (phone, None)
}

/// The E.164 form of a typed number (extension left off), parsed by libphonenumber's metadata
/// (the `phonenumber` crate), so trunk prefixes like `+44 (0)20 …` come out right.
///
/// Which country a number without `+` belongs to cannot be known from the text: such a number
/// gets an E.164 form only when it is in NANP form — ten digits (or eleven after a leading `1`)
/// whose area code and exchange start with 2–9 — and is then read as a US number (the same
/// `+1` serves Canada and the other NANP countries). Any other local number keeps only its typed
/// form. A number libphonenumber cannot parse, or whose length no country of that code uses,
/// gets none either.
fn e164(number: &str) -> Option<String> {
    let region = if number.starts_with('+') {
        None
    } else if is_nanp(number) {
        Some(phonenumber::country::Id::US)
    } else {
        return None;
    };
    let parsed = phonenumber::parse(region, number).ok()?;
    plausible_length(&parsed).then(|| parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// Whether numbers of the country code have national numbers this long (fixed, mobile, toll
/// free …). Not `is_valid`: that also wants an assigned range, and the numbers reps copy from a
/// signature (or the `555` ones in examples) are worth a `tel:` link even when the metadata has
/// not caught up.
fn plausible_length(number: &phonenumber::PhoneNumber) -> bool {
    let Ok(length) = u16::try_from(number.national().to_string().len()) else {
        return false;
    };
    let regions = phonenumber::metadata::DATABASE
        .by_code(&number.code().value())
        .unwrap_or_default();
    regions.iter().any(|region| {
        let kinds = region.descriptors();
        [
            Some(kinds.general()),
            kinds.fixed_line(),
            kinds.mobile(),
            kinds.toll_free(),
            kinds.premium_rate(),
            kinds.shared_cost(),
            kinds.personal_number(),
            kinds.voip(),
            kinds.uan(),
            kinds.pager(),
        ]
        .into_iter()
        .flatten()
        .any(|kind| kind.possible_length().contains(&length))
    })
}

fn is_nanp(number: &str) -> bool {
    let digits: Vec<u8> = number.bytes().filter(u8::is_ascii_digit).collect();
    let national = match digits.as_slice() {
        [b'1', rest @ ..] if rest.len() == 10 => rest,
        all => all,
    };
    national.len() == 10 && national[0] >= b'2' && national[3] >= b'2'
}

/// A LinkedIn profile address.
pub fn parse_linkedin(raw: &str) -> Result<String, DomainError> {
    let url = raw.trim();
    let lower = url.to_ascii_lowercase();
    let host_ok = ["https://", "http://", ""].iter().any(|scheme| {
        lower.starts_with(&format!("{scheme}linkedin.com/"))
            || lower.starts_with(&format!("{scheme}www.linkedin.com/"))
    });
    if host_ok && url.len() <= MAX_FIELD && !url.contains(char::is_whitespace) {
        Ok(url.to_string())
    } else {
        Err(DomainError::BadLinkedIn(url.to_string()))
    }
}

/// Free text of bounded length (company, notes, reasons), trimmed; empty becomes `None`.
pub fn bounded_text(
    field: &'static str,
    raw: &str,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let text = raw.trim();
    let len = text.chars().count();
    if len > max {
        return Err(DomainError::TooLong(field, len, max));
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

pub fn parse_company(raw: &str) -> Result<Option<String>, DomainError> {
    bounded_text("company", raw, MAX_FIELD)
}

pub fn parse_note(raw: &str) -> Result<Option<String>, DomainError> {
    bounded_text("note", raw, MAX_NOTE)
}

/// An amount of money in cents, never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Money(i64);

impl Money {
    pub fn from_cents(cents: i64) -> Result<Self, DomainError> {
        if cents < 0 {
            return Err(DomainError::NegativeAmount(format!("{cents}")));
        }
        Ok(Self(cents))
    }
    pub fn cents(self) -> i64 {
        self.0
    }

    /// Reads `12000`, `12,500`, `$12,500.50`, `12.5k`, `1.2m`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let text = raw.trim();
        let bad = || DomainError::BadAmount(text.to_string());
        let unsigned = text
            .trim_start_matches(['$', '€', '£'])
            .replace([',', '_'], "");
        let (number, multiplier) = match unsigned.chars().last() {
            Some('k' | 'K') => (&unsigned[..unsigned.len() - 1], 1_000.0),
            Some('m' | 'M') => (&unsigned[..unsigned.len() - 1], 1_000_000.0),
            _ => (unsigned.as_str(), 1.0),
        };
        let number = number.trim_start_matches(['$', '€', '£']);
        if number.is_empty()
            || !number
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        {
            return Err(bad());
        }
        let value: f64 = number.parse().map_err(|_| bad())?;
        if value < 0.0 {
            return Err(DomainError::NegativeAmount(text.to_string()));
        }
        let cents = (value * multiplier * 100.0).round();
        if !cents.is_finite() || cents > 1e15 {
            return Err(bad());
        }
        Ok(Self(cents as i64))
    }

    /// `$12,500` (whole units) or `$12,500.50`.
    pub fn display(self) -> String {
        let units = self.0 / 100;
        let cents = self.0 % 100;
        let digits = units.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if cents == 0 {
            format!("${grouped}")
        } else {
            format!("${grouped}.{cents:02}")
        }
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $err:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                let wanted = raw.trim().to_ascii_lowercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| DomainError::$err(raw.trim().to_string()))
            }
            pub fn known_list() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// How warm a lead is; picks the cadence when none is named.
    LeadTemp, BadLead { Hot => "hot", Warm => "warm", Cold => "cold" }
);

string_enum!(
    /// How fast a prospect decides; scales the gaps of a cadence.
    Pace, BadPace { Fast => "fast", Normal => "normal", Slow => "slow" }
);

string_enum!(
    /// Where the deal stands in the funnel (inquiry → sales-ready → qualified → won).
    Stage, BadStage {
        Inquiry => "inquiry",
        SalesReady => "sales-ready",
        Qualified => "qualified",
        Proposal => "proposal",
        Won => "won",
        Lost => "lost",
    }
);

string_enum!(
    /// Where a prospect's follow-up stands.
    ProspectStatus, BadStage {
        Active => "active",
        Paused => "paused",
        Awaiting => "awaiting",
        Replied => "replied",
        Won => "won",
        Lost => "lost",
        Stopped => "stopped",
    }
);

string_enum!(
    /// What happened when the rep made a touch, as logged with it.
    TouchOutcome, BadOutcome {
        Connected => "connected",
        Voicemail => "voicemail",
        NoAnswer => "no-answer",
        Sent => "sent",
    }
);

string_enum!(
    /// What became of one touch.
    TouchStatus, BadStage {
        Pending => "pending",
        Paused => "paused",
        Done => "done",
        Skipped => "skipped",
        Cancelled => "cancelled",
    }
);

impl ProspectStatus {
    /// Still in the rep's pipeline: shown by `list`, counted as open.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::Active | Self::Paused | Self::Awaiting | Self::Replied
        )
    }
}

/// What a rep enters to enrol a prospect; every field already validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProspect {
    pub name: ProspectName,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub linkedin: Option<String>,
    pub company: Option<String>,
    pub stage: Stage,
    pub value: Option<Money>,
    pub lead: Option<LeadTemp>,
    pub pace: Pace,
    pub notes: Option<String>,
    /// The cadence the rep named; `None` lets the lead temperature choose.
    pub cadence: Option<CadenceId>,
    /// A cadence id the rep named that is not a built-in's: one of the team's own, looked up
    /// (and refused if unknown) before the prospect is enrolled.
    pub team_cadence: Option<String>,
    /// The local date of the first touch; `None` means today.
    pub start_on: Option<NaiveDate>,
}

impl NewProspect {
    pub fn named(name: ProspectName) -> Self {
        Self {
            name,
            email: None,
            phone: None,
            linkedin: None,
            company: None,
            stage: Stage::Inquiry,
            value: None,
            lead: None,
            pace: Pace::Normal,
            notes: None,
            cadence: None,
            team_cadence: None,
            start_on: None,
        }
    }

    /// The named cadence, else `hot` for hot and warm leads, `cold` for cold ones, else the team default.
    pub fn chosen_cadence(&self, team_default: CadenceId) -> CadenceId {
        self.cadence.unwrap_or(match self.lead {
            Some(LeadTemp::Hot | LeadTemp::Warm) => CadenceId::Hot,
            Some(LeadTemp::Cold) => CadenceId::Cold,
            None => team_default,
        })
    }
}

/// A prospect as stored, with its place in the current cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prospect {
    pub id: ProspectId,
    pub rep: RepRef,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The phone in E.164 (`+14155550100`) when its country could be told, for `tel:` links.
    pub phone_e164: Option<String>,
    pub linkedin: Option<String>,
    pub company: Option<String>,
    pub stage: Stage,
    pub value: Option<Money>,
    pub lead: Option<LeadTemp>,
    pub pace: Pace,
    pub notes: Option<String>,
    pub status: ProspectStatus,
    pub cadence: CadenceId,
    pub enrolment_id: i64,
    pub enrolled_at: DateTime<Utc>,
    pub touches_done: i64,
    pub first_touch_at: Option<DateTime<Utc>>,
    pub last_contact_at: Option<DateTime<Utc>>,
    pub last_channel: Option<Channel>,
    pub replied_after_touch: Option<i64>,
    pub replied_at: Option<DateTime<Utc>>,
    pub paused_on: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Bumped by every change; a write that read an older version is retried.
    pub version: i64,
    /// How the prospect likes to be reached, when the rep knows.
    #[serde(default)]
    pub prefers: Option<Channel>,
    /// What the rep noted with the last touch logged.
    #[serde(default)]
    pub last_note: Option<String>,
}

impl Prospect {
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
}

/// One planned or logged contact with a prospect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Touch {
    pub id: TouchId,
    pub prospect_id: ProspectId,
    pub enrolment_id: i64,
    pub cadence: CadenceId,
    /// 0-based position in the cadence.
    pub step_index: i64,
    /// The cadence's length; `None` for a cadence that repeats (nurture).
    pub step_count: Option<i64>,
    pub due_on: NaiveDate,
    pub original_due_on: NaiveDate,
    pub status: TouchStatus,
    pub snoozes: i64,
    pub done_at: Option<DateTime<Utc>>,
    /// The channel actually used, once done.
    pub channel: Option<Channel>,
    pub note: Option<String>,
    /// What happened (connected, voicemail, …), once done, when the rep said.
    #[serde(default)]
    pub outcome: Option<TouchOutcome>,
    /// The message variant (`A`, `B`, …) it suggests, on a step with several.
    #[serde(default)]
    pub variant: Option<String>,
}

impl Touch {
    /// `touch 3 of 9`, or `nurture touch 2` for a repeating cadence.
    pub fn position(&self) -> String {
        if self.is_extra() {
            return "next step".to_string();
        }
        match self.step_count {
            Some(count) => format!("touch {} of {}", self.step_index + 1, count),
            None => format!("{} touch {}", self.cadence.as_str(), self.step_index + 1),
        }
    }
    /// A dated touch the rep set outside the cadence (`/followup next`); its channel is planned
    /// ahead and its note says what it is for. Extra touches count down from -1.
    pub fn is_extra(&self) -> bool {
        self.step_index < 0
    }
    pub fn is_snoozed(&self) -> bool {
        self.status == TouchStatus::Pending && self.snoozes > 0
    }
    /// ` · variant B` when the step has several messages, else nothing.
    pub fn variant_label(&self) -> String {
        match &self.variant {
            Some(v) if !self.is_extra() => format!(" · variant {v}"),
            _ => String::new(),
        }
    }
}
