//! The `/followup` grammar: text as Slack delivers it, turned into a [`Command`].
//!
//! Pure: no Slack types, no storage. Naming a prospect by words is resolved later, against the
//! rep's own prospects, because only the data can tell where a name ends and a note begins.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

use crate::domain::cadence::parse_cadence_name;
use crate::domain::dates::{parse_date, parse_span_days, parse_time_of_day, parse_time_zone};
use crate::domain::edit::{ProspectEdit, PREFERABLE};
use crate::domain::metrics::Window;
use crate::domain::prospect::{parse_company, parse_linkedin, parse_note};
use crate::domain::schedule::SnoozeFor;
use crate::domain::{
    CadenceId, Channel, DomainError, Email, LeadTemp, Money, NewProspect, Pace, Phone, ProspectId,
    ProspectName, Stage, TouchOutcome,
};

mod add;
mod resources;
#[cfg(test)]
mod tests;
pub use add::MAX_NAME_WORDS;
pub use resources::ResourcesCommand;

/// Which prospect a command is about: `#12`, or words that start with (part of) its name.
/// Words past the name are the note or reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: Option<ProspectId>,
    pub words: Vec<String>,
}

impl Target {
    pub fn text(&self) -> String {
        self.words.join(" ")
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsChange {
    pub digest_time: Option<NaiveTime>,
    pub tz: Option<Tz>,
    pub weekends_off: Option<bool>,
    /// At most this many touches a day when a backlog is spread.
    pub daily_cap: Option<i64>,
    /// The workspace's managers, as Slack user ids.
    pub managers: Option<Vec<String>>,
    /// The workspace's non-working days (empty: none).
    pub holidays: Option<Vec<NaiveDate>>,
    /// Where the workspace's weekly numbers go: a channel id (`C0123`) or `#name`; `Some(None)`
    /// goes back to the default.
    pub team_channel: Option<Option<String>>,
    /// The team's default cadence, as typed (`Some(None)`: back to `proposal`).
    pub default_cadence: Option<Option<String>>,
}

impl SettingsChange {
    pub fn is_empty(&self) -> bool {
        *self == SettingsChange::default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help,
    /// `add` alone: open the add-prospect modal.
    AddModal,
    Add(Box<NewProspect>),
    List,
    Due,
    Cadences,
    /// `cadence import`: a manager pastes a cadence file into a modal.
    CadenceImport,
    Show(Target),
    /// Logs the due touch: how it was made and what happened; the words after the name are the note.
    Done(Target, TouchLog),
    Skip(Target),
    Snooze {
        target: Target,
        by: SnoozeFor,
    },
    Replied(Target),
    Won {
        target: Target,
        value: Option<Money>,
    },
    Lost(Target),
    Pause(Target),
    Resume(Target),
    Nurture(Target),
    Stop(Target),
    Stats(Window),
    Settings(SettingsChange),
    /// Away from the first date to the second, both included.
    Away {
        from: NaiveDate,
        to: NaiveDate,
    },
    /// Back early: away mode off.
    Back,
    /// `away` alone: the current absence, and how to end it.
    AwayStatus,
    /// Changes the named fields of a prospect.
    Edit {
        target: Target,
        edit: Box<ProspectEdit>,
    },
    /// Another cadence from `start` (default today): a built-in, or the team's own by its id.
    Move {
        target: Target,
        cadence: Result<CadenceId, String>,
        start: Option<NaiveDate>,
    },
    /// One dated touch outside the cadence.
    Next {
        target: Target,
        on: NaiveDate,
        channel: Option<Channel>,
        note: Option<String>,
    },
    /// The next seven days' touches, by day.
    Week,
    /// Opens the meeting-recap form for a prospect.
    Recap(Target),
    /// The open action items, of one prospect or all.
    Items(Option<Target>),
    /// The team's value-add library: list, add, remove.
    Resources(ResourcesCommand),
    /// A manager hands a prospect to another rep.
    Reassign {
        id: ProspectId,
        to: String,
    },
}

/// How a touch was made and what came of it, as `done … via:call outcome:voicemail` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TouchLog {
    pub via: Option<Channel>,
    pub outcome: Option<TouchOutcome>,
}

/// The channels a rep can say a touch went through.
const VIA: &[Channel] = &[
    Channel::Call,
    Channel::Voicemail,
    Channel::Email,
    Channel::LinkedIn,
    Channel::Text,
    Channel::Note,
];

/// Takes `via:` and `outcome:` out of a `done` command, wherever they are; the rest stays in order.
fn parse_touch_log(rest: &[Token]) -> Result<(TouchLog, Vec<Token>), CommandError> {
    let mut log = TouchLog::default();
    let mut others = Vec::with_capacity(rest.len());
    for token in rest {
        let field = (token.kind == Kind::Plain && !token.quoted)
            .then(|| token.text.split_once(':'))
            .flatten();
        match field.map(|(k, v)| (k.to_ascii_lowercase(), v)) {
            Some((key, value)) if key == "via" || key == "by" => {
                let channel = match value.trim().to_ascii_lowercase().as_str() {
                    "phone" | "called" => Channel::Call,
                    "vm" => Channel::Voicemail,
                    "mail" | "e-mail" => Channel::Email,
                    "sms" => Channel::Text,
                    other => Channel::parse(other)?,
                };
                if !VIA.contains(&channel) {
                    return Err(DomainError::BadChannel(value.to_string()).into());
                }
                log.via = Some(channel);
            }
            Some((key, value)) if key == "outcome" || key == "result" => {
                log.outcome = Some(match value.trim().to_ascii_lowercase().as_str() {
                    "noanswer" | "no_answer" | "none" => TouchOutcome::NoAnswer,
                    "vm" => TouchOutcome::Voicemail,
                    "spoke" | "talked" | "reached" => TouchOutcome::Connected,
                    other => TouchOutcome::parse(other)?,
                });
            }
            _ => others.push(token.clone()),
        }
    }
    Ok((log, others))
}

/// Why a command was not understood; shown to the rep with the usage.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommandError {
    #[error("I don't know `{word}`.{hint}", hint = suggestion.map(|s| format!(" Did you mean `/followup {s}`?")).unwrap_or_default())]
    Unknown {
        word: String,
        suggestion: Option<&'static str>,
    },
    #[error("`{verb}` needs a prospect: `/followup {verb} #12` or `/followup {verb} jane`")]
    MissingProspect { verb: &'static str },
    #[error("snooze for how long? `/followup snooze jane 1d` (or 3d, 1w, monday, 2026-12-01)")]
    MissingSnooze,
    #[error("`{0}` is not a period; use 30d, 90d or all")]
    BadWindow(String),
    #[error("I don't know the field `{0}:`; the fields are company:, cadence:, lead:, value:, start:, stage:, pace:, email:, phone:, linkedin:, note:")]
    UnknownField(String),
    #[error("I don't understand `{0}` in settings; try `settings digest 07:30`, `settings tz Europe/Berlin` or `settings weekends off`")]
    BadSetting(String),
    /// A team setting with its value missing or unreadable: the sentence says what to type.
    #[error("{0}")]
    SettingNeeds(String),
    #[error("I took *{0}* as the name, and that is more words than a name usually has, so nothing was added. If it is the name, put it in quotes: `/followup add \"{0}\" …`. Otherwise give the rest as fields: `company:\"Acme Corp\"`, `lead:cold`, `note:` (takes the rest of the line).")]
    LongName(String),
    #[error("reassign which prospect to whom? `/followup reassign #12 @rep` (managers only)")]
    BadReassign,
    #[error("edit what? `/followup edit jane stage:proposal value:40k` (fields: name:, company:, email:, phone:, linkedin:, stage:, value:, lead:, pace:, prefers:)")]
    BadEdit,
    #[error("`edit` has no field `{0}:`; the fields are name:, company:, email:, phone:, linkedin:, stage:, value:, lead:, pace:, prefers:")]
    UnknownEditField(String),
    #[error("move to which cadence? `/followup move jane proposal` (or `start:monday`); `/followup cadences` lists them")]
    BadMove,
    #[error("when? `/followup next jane 2026-12-14 call after the board meeting` (or tomorrow, monday, 3d)")]
    BadNext,
    #[error("away from when to when? `/followup away 2026-12-21 2027-01-01` (or `away monday 2w`); `/followup away off` ends it")]
    BadAway,
    #[error("{0}")]
    Domain(#[from] DomainError),
    #[error("{0}")]
    Resource(#[from] crate::domain::resources::ResourceError),
    #[error("remove which resource? `/followup resources remove 3`, with the number `/followup resources` shows")]
    BadResourceRemove,
    #[error("`resources {0}`? Try `/followup resources` (the list), `resources add \"<title>\" <link> [tags]` or `resources remove <number>`")]
    BadResources(String),
}

pub const VERBS: &[&str] = &[
    "help",
    "add",
    "list",
    "due",
    "show",
    "done",
    "skip",
    "snooze",
    "replied",
    "won",
    "lost",
    "pause",
    "resume",
    "nurture",
    "stop",
    "cadences",
    "stats",
    "settings",
    "away",
    "reassign",
    "edit",
    "move",
    "next",
    "week",
    "recap",
    "items",
    "resources",
];

/// Parses the text after `/followup`, reading dates in the rep's local `today`.
pub fn parse(text: &str, today: NaiveDate) -> Result<Command, CommandError> {
    let tokens = tokenize(text);
    let Some((verb, rest)) = tokens.split_first() else {
        return Ok(Command::Help);
    };
    let verb = verb.text.to_lowercase();
    let target = |verb: &'static str| target_of(rest, verb);
    Ok(match verb.as_str() {
        "help" | "?" | "-h" | "--help" => Command::Help,
        "add" | "new" if rest.is_empty() => Command::AddModal,
        "add" | "new" => Command::Add(Box::new(add::parse_add(rest, today)?)),
        "list" | "ls" | "pipeline" => Command::List,
        "edit" | "update" | "change" => parse_edit(rest)?,
        "move" => parse_move(rest, today)?,
        "next" => parse_next(rest, today)?,
        "week" | "upcoming" => Command::Week,
        "recap" => Command::Recap(target("recap")?),
        "items" | "promises" => Command::Items(if rest.is_empty() {
            None
        } else {
            Some(target("items")?)
        }),
        "due" | "today" => Command::Due,
        "cadences" | "cadence"
            if rest
                .first()
                .is_some_and(|w| w.text.eq_ignore_ascii_case("import")) =>
        {
            Command::CadenceImport
        }
        "cadences" | "cadence" => Command::Cadences,
        "show" | "info" => Command::Show(target("show")?),
        "done" | "did" | "log" => {
            let (log, rest) = parse_touch_log(rest)?;
            Command::Done(target_of(&rest, "done")?, log)
        }
        "skip" => Command::Skip(target("skip")?),
        "snooze" => parse_snooze(rest, today)?,
        "replied" | "reply" | "answered" => Command::Replied(target("replied")?),
        "won" | "win" => parse_won(rest)?,
        "lost" | "lose" => Command::Lost(target("lost")?),
        "pause" => Command::Pause(target("pause")?),
        "resume" | "unpause" => Command::Resume(target("resume")?),
        "nurture" => Command::Nurture(target("nurture")?),
        "stop" => Command::Stop(target("stop")?),
        "stats" | "metrics" => {
            let raw = rest.first().map(|t| t.text.as_str()).unwrap_or("");
            Command::Stats(Window::parse(raw).ok_or_else(|| CommandError::BadWindow(raw.into()))?)
        }
        "settings" | "setting" | "config" => Command::Settings(parse_settings(rest, today)?),
        "away" | "vacation" | "ooo" => parse_away(rest, today)?,
        "back" => Command::Back,
        "resources" | "resource" | "library" => {
            Command::Resources(resources::parse_resources(rest)?)
        }
        "reassign" | "handover" => match rest {
            [prospect, user] if user.kind == Kind::User => Command::Reassign {
                id: prospect_id(&prospect.text).ok_or(CommandError::BadReassign)?,
                to: user.text.clone(),
            },
            _ => return Err(CommandError::BadReassign),
        },
        _ => {
            return Err(CommandError::Unknown {
                suggestion: closest_verb(&verb),
                word: verb,
            })
        }
    })
}

/// One token of the command text, after Slack's escapes are undone.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    /// Came from Slack's `<mailto:…>`, `<tel:…>`, a link or a mention: never a field or a verb.
    kind: Kind,
    /// Was written in quotes: a name part, never a field.
    quoted: bool,
    /// The channel id of Slack's `<#C123|sales>` (the text reads `#sales`).
    channel: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Email,
    Phone,
    Link,
    User,
}

/// Splits on white space, keeping `"quoted text"`, `key:"quoted value"` and Slack's `<…>` forms whole.
fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        if chars[i] == '<' {
            if let Some(end) = chars[i..].iter().position(|&c| c == '>') {
                let inner: String = chars[i + 1..i + end].iter().collect();
                tokens.push(slack_escape(&inner));
                i += end + 1;
                continue;
            }
        }
        if let Some(note) = rest_of_line_note(&chars[i..]) {
            tokens.push(Token {
                text: unescape_entities(&decode_inline(&note)),
                kind: Kind::Plain,
                quoted: false,
                channel: None,
            });
            break;
        }
        let mut text = String::new();
        let mut quoted = false;
        while i < chars.len() && !chars[i].is_whitespace() {
            let c = chars[i];
            if is_quote(c) {
                // `"Jane Doe"` is a quoted name part; `company:"Acme Corp"` is still a field.
                quoted |= text.is_empty();
                i += 1;
                while i < chars.len() && !is_quote(chars[i]) {
                    text.push(chars[i]);
                    i += 1;
                }
                i += 1; // the closing quote, if any
                continue;
            }
            text.push(c);
            i += 1;
        }
        tokens.push(Token {
            text: unescape_entities(&decode_inline(&text)),
            kind: Kind::Plain,
            quoted,
            channel: None,
        });
    }
    tokens
}

/// `note:` is the last thing a rep types, in words of any kind: unless its value is quoted right
/// after the colon (`note:"…"`, after which more fields may follow), it takes the rest of the
/// line, as one `note:…` token. A value quoted whole (`note: "…"`) loses its quotes.
fn rest_of_line_note(chars: &[char]) -> Option<String> {
    if !chars
        .iter()
        .take(4)
        .map(char::to_ascii_lowercase)
        .eq("note".chars())
    {
        return None;
    }
    let text: String = chars.iter().collect();
    let (key, value) = text.split_once(':')?;
    let is_note = key.eq_ignore_ascii_case("note") || key.eq_ignore_ascii_case("notes");
    if !is_note || value.starts_with(is_quote) {
        return None;
    }
    let value = value.trim();
    let unquoted = value
        .strip_prefix(is_quote)
        .and_then(|v| v.strip_suffix(is_quote))
        .filter(|v| !v.contains(is_quote));
    Some(format!("{key}:{}", unquoted.unwrap_or(value)))
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

/// Slack's `<…>` forms inside a token (`company:<#C1|general>`, quoted text) read as typed.
/// A `<` typed by the rep arrives as `&lt;`, so any `<` here is Slack's markup.
fn decode_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => {
                let inner = &rest[start + 1..start + end];
                let token = slack_escape(inner);
                match token.kind {
                    Kind::User => out.push_str(&format!("@{}", token.text)),
                    _ => out.push_str(&token.text),
                }
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Slack escapes `&`, `<` and `>` in command text.
fn unescape_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `mailto:a@b.co|a@b.co` → email; `tel:+1555|+1 555` → phone; `@U123|jane` → user; links keep the URL.
fn slack_escape(inner: &str) -> Token {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(l)),
        None => (inner, None),
    };
    let (kind, text) = if let Some(email) = target.strip_prefix("mailto:") {
        (Kind::Email, email.to_string())
    } else if let Some(tel) = target.strip_prefix("tel:") {
        (Kind::Phone, label.unwrap_or(tel).to_string())
    } else if let Some(user) = target.strip_prefix('@') {
        (Kind::User, user.to_string())
    } else if let Some(special) = target.strip_prefix('!') {
        // `<!channel>`, `<!here>`, `<!subteam^S1|@sales>`: what the rep typed was the label, or `@name`.
        let name = special.split('^').next().unwrap_or(special);
        (
            Kind::Plain,
            label
                .map(str::to_string)
                .unwrap_or_else(|| format!("@{name}")),
        )
    } else if let Some(channel) = target.strip_prefix('#') {
        (Kind::Plain, format!("#{}", label.unwrap_or(channel)))
    } else if target.starts_with("http") {
        (Kind::Link, target.to_string())
    } else {
        (Kind::Plain, label.unwrap_or(target).to_string())
    };
    let channel = target
        .strip_prefix('#')
        .filter(|id| !id.is_empty())
        .map(str::to_string);
    Token {
        text: unescape_entities(&text),
        kind,
        quoted: false,
        channel,
    }
}

fn target_of(rest: &[Token], verb: &'static str) -> Result<Target, CommandError> {
    let Some((first, others)) = rest.split_first() else {
        return Err(CommandError::MissingProspect { verb });
    };
    if let Some(id) = prospect_id(&first.text) {
        return Ok(Target {
            id: Some(id),
            words: others.iter().map(|t| t.text.clone()).collect(),
        });
    }
    Ok(Target {
        id: None,
        words: rest.iter().map(|t| t.text.clone()).collect(),
    })
}

/// `#13`, or a bare `13`: a prospect's id. Digits alone are never looked up as a name.
fn prospect_id(text: &str) -> Option<ProspectId> {
    let digits = text.strip_prefix('#').unwrap_or(text);
    digits
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

fn parse_snooze(rest: &[Token], today: NaiveDate) -> Result<Command, CommandError> {
    let Some((last, before)) = rest.split_last() else {
        return Err(CommandError::MissingProspect { verb: "snooze" });
    };
    if before.is_empty() {
        return Err(if looks_like_span(&last.text) {
            CommandError::MissingProspect { verb: "snooze" }
        } else {
            CommandError::MissingSnooze
        });
    }
    let by = match parse_span_days(&last.text) {
        Some(days) => SnoozeFor::Days(days as u32),
        None if looks_like_span(&last.text) || looks_like_date(&last.text) => {
            SnoozeFor::Until(parse_date(&last.text, today)?)
        }
        None => return Err(CommandError::MissingSnooze),
    };
    Ok(Command::Snooze {
        target: target_of(before, "snooze")?,
        by,
    })
}

fn looks_like_span(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_digit())
}

fn looks_like_date(text: &str) -> bool {
    let lower = text.to_lowercase();
    parse_date(&lower, NaiveDate::MIN).is_ok() || lower.chars().filter(|c| *c == '-').count() == 2
}

fn parse_won(rest: &[Token]) -> Result<Command, CommandError> {
    if let Some((last, before)) = rest.split_last() {
        if !before.is_empty()
            && last
                .text
                .starts_with(|c: char| c.is_ascii_digit() || "$€£".contains(c))
        {
            if let Ok(value) = Money::parse(&last.text) {
                return Ok(Command::Won {
                    target: target_of(before, "won")?,
                    value: Some(value),
                });
            }
        }
    }
    Ok(Command::Won {
        target: target_of(rest, "won")?,
        value: None,
    })
}

/// A `key:value` token the rep typed (not quoted, not Slack markup): the key lower-cased.
fn field_of(token: &Token) -> Option<(String, &str)> {
    if token.kind != Kind::Plain || token.quoted {
        return None;
    }
    let (key, value) = token.text.split_once(':')?;
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| (key.to_ascii_lowercase(), value))
}

/// `-`, `none` or nothing: clear the field.
fn clears(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "-" | "none" | "clear"
    )
}

/// `edit <prospect> [name:…] [company:…] … [prefers:…]`: the words before the first field name
/// the prospect; a field's value runs to the next field (`company:Acme Corp stage:proposal`).
fn parse_edit(rest: &[Token]) -> Result<Command, CommandError> {
    let first_field = rest
        .iter()
        .position(|t| field_of(t).is_some())
        .ok_or(CommandError::BadEdit)?;
    let target = target_of(&rest[..first_field], "edit")?;
    let mut fields: Vec<(String, String)> = Vec::new();
    for token in &rest[first_field..] {
        match field_of(token) {
            Some((key, value)) => fields.push((key, value.to_string())),
            None => {
                if let Some((_, value)) = fields.last_mut() {
                    if !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(&token.text);
                }
            }
        }
    }
    let mut edit = ProspectEdit::default();
    for (key, value) in fields {
        let value = value.trim();
        match key.as_str() {
            "name" => edit.name = Some(ProspectName::parse(value)?),
            "company" | "co" => {
                edit.company = Some(if clears(value) {
                    None
                } else {
                    parse_company(value)?
                })
            }
            "email" => {
                edit.email = Some(if clears(value) {
                    None
                } else {
                    Some(Email::parse(value)?)
                })
            }
            "phone" | "tel" => {
                edit.phone = Some(if clears(value) {
                    None
                } else {
                    Some(Phone::parse(value)?)
                })
            }
            "linkedin" => {
                edit.linkedin = Some(if clears(value) {
                    None
                } else {
                    Some(parse_linkedin(value)?)
                })
            }
            "stage" => edit.stage = Some(Stage::parse(value)?),
            "value" => {
                edit.value = Some(if clears(value) {
                    None
                } else {
                    Some(Money::parse(value)?)
                })
            }
            "lead" => {
                edit.lead = Some(if clears(value) {
                    None
                } else {
                    Some(LeadTemp::parse(value)?)
                })
            }
            "pace" => edit.pace = Some(Pace::parse(value)?),
            "prefers" | "prefer" => {
                edit.prefers = Some(if clears(value) {
                    None
                } else {
                    let channel = Channel::parse(value)?;
                    if !PREFERABLE.contains(&channel) {
                        return Err(DomainError::BadChannel(value.to_string()).into());
                    }
                    Some(channel)
                })
            }
            _ => return Err(CommandError::UnknownEditField(key)),
        }
    }
    Ok(Command::Edit {
        target,
        edit: Box::new(edit),
    })
}

/// `move <prospect> <cadence> [start:<date>]`.
fn parse_move(rest: &[Token], today: NaiveDate) -> Result<Command, CommandError> {
    let mut start = None;
    let mut words: Vec<Token> = Vec::new();
    for token in rest {
        match field_of(token) {
            Some((key, value)) if key == "start" => start = Some(parse_date(value, today)?),
            Some((key, value)) if key == "cadence" => words.push(Token {
                text: value.to_string(),
                kind: Kind::Plain,
                quoted: false,
                channel: None,
            }),
            _ => words.push(token.clone()),
        }
    }
    let Some((cadence, before)) = words.split_last() else {
        return Err(CommandError::BadMove);
    };
    if before.is_empty() {
        return Err(CommandError::BadMove);
    }
    Ok(Command::Move {
        target: target_of(before, "move")?,
        cadence: parse_cadence_name(&cadence.text)?,
        start,
    })
}

/// `next <prospect> <date> [call|email|linkedin|text|meeting] [note…]`: the first word that
/// reads as a date ends the prospect's name.
fn parse_next(rest: &[Token], today: NaiveDate) -> Result<Command, CommandError> {
    let at = rest
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, t)| {
            let text = t.text.to_lowercase();
            parse_span_days(&text).is_some() || parse_date(&text, today).is_ok()
        })
        .map(|(i, _)| i)
        .ok_or(CommandError::BadNext)?;
    let on = match parse_span_days(&rest[at].text) {
        Some(days) => today + chrono::Duration::days(days),
        None => parse_date(&rest[at].text, today)?,
    };
    let mut after = &rest[at + 1..];
    let mut channel = None;
    if let Some(first) = after.first() {
        if let Ok(c) = Channel::parse(&first.text) {
            if matches!(
                c,
                Channel::Call
                    | Channel::Email
                    | Channel::LinkedIn
                    | Channel::Text
                    | Channel::Meeting
            ) {
                channel = Some(c);
                after = &after[1..];
            }
        }
    }
    let note = after
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Command::Next {
        target: target_of(&rest[..at], "next")?,
        on,
        channel,
        note: parse_note(&note)?,
    })
}

/// `away <from> <to>`: dates as everywhere (`2026-12-21`, `monday`); the end may also be a span
/// counted from the start (`2w`). `away off` ends it.
fn parse_away(rest: &[Token], today: NaiveDate) -> Result<Command, CommandError> {
    match rest {
        [] => Ok(Command::AwayStatus),
        [word]
            if matches!(
                word.text.to_lowercase().as_str(),
                "off" | "back" | "done" | "end"
            ) =>
        {
            Ok(Command::Back)
        }
        [from, to] => {
            let from = parse_date(&from.text, today)?;
            let to = match parse_span_days(&to.text) {
                Some(days) => from + chrono::Duration::days(days - 1),
                None => parse_date(&to.text, today)?,
            };
            if from < today {
                return Err(DomainError::DateInPast(from).into());
            }
            if to < from {
                return Err(CommandError::BadAway);
            }
            Ok(Command::Away { from, to })
        }
        _ => Err(CommandError::BadAway),
    }
}

fn parse_settings(rest: &[Token], today: NaiveDate) -> Result<SettingsChange, CommandError> {
    let mut change = SettingsChange::default();
    let mut i = 0;
    while i < rest.len() {
        let key = rest[i].text.to_lowercase();
        if matches!(key.as_str(), "holidays" | "holiday") {
            let words: Vec<&str> = rest[i + 1..].iter().map(|t| t.text.as_str()).collect();
            let mut days = Vec::new();
            let mut taken = 0;
            for word in &words {
                let word = word.trim_matches(',');
                if matches!(word.to_lowercase().as_str(), "none" | "off" | "clear") && taken == 0 {
                    taken = 1;
                    break;
                }
                if !looks_like_date(word) {
                    break;
                }
                days.push(parse_date(word, today)?);
                taken += 1;
            }
            if taken == 0 {
                return Err(CommandError::SettingNeeds(
                    "Which days? List the dates: `settings holidays 2026-12-24 2026-12-25`, or `settings holidays none` to clear them.".into(),
                ));
            }
            days.sort();
            days.dedup();
            change.holidays = Some(days);
            i += 1 + taken;
            continue;
        }
        if matches!(
            key.as_str(),
            "team-channel" | "teamchannel" | "team_channel" | "channel"
        ) {
            let Some(token) = rest.get(i + 1) else {
                return Err(CommandError::SettingNeeds(
                    "Which channel? Name it with #: `settings team-channel #sales`, or `settings team-channel none` for the default.".into(),
                ));
            };
            change.team_channel = Some(match (&token.channel, token.text.as_str()) {
                (Some(id), _) => Some(id.clone()),
                (None, word)
                    if matches!(word.to_lowercase().as_str(), "none" | "off" | "default") =>
                {
                    None
                }
                (None, word) if word.starts_with('#') && word.len() > 1 => Some(word.to_string()),
                _ => {
                    return Err(CommandError::SettingNeeds(format!(
                        "`{}` is not a channel: name it with #, as in `settings team-channel #sales` (Slack suggests channels as you type).",
                        token.text
                    )))
                }
            });
            i += 2;
            continue;
        }
        if matches!(
            key.as_str(),
            "default-cadence" | "default_cadence" | "defaultcadence"
        ) {
            let Some(token) = rest.get(i + 1) else {
                return Err(CommandError::SettingNeeds(
                    "Which cadence? `settings default-cadence proposal` (or one of the team's own; `/followup cadences` lists them), or `settings default-cadence none` for `proposal`.".into(),
                ));
            };
            let typed = token.text.to_lowercase();
            change.default_cadence = Some(match typed.as_str() {
                "none" | "off" | "default" => None,
                _ => Some(match parse_cadence_name(&typed)? {
                    Ok(built_in) => built_in.as_str().to_string(),
                    Err(team) => team,
                }),
            });
            i += 2;
            continue;
        }
        if matches!(key.as_str(), "managers" | "manager") {
            let users: Vec<String> = rest[i + 1..]
                .iter()
                .take_while(|t| t.kind == Kind::User)
                .map(|t| t.text.clone())
                .collect();
            if users.is_empty() {
                return Err(CommandError::SettingNeeds(
                    "Who? Name the managers with @: `settings managers @dana @lee`.".into(),
                ));
            }
            i += 1 + users.len();
            change.managers = Some(users);
            continue;
        }
        let value = rest.get(i + 1).map(|t| t.text.as_str());
        let Some(value) = value else {
            return Err(CommandError::BadSetting(key));
        };
        match key.as_str() {
            "digest" | "time" => change.digest_time = Some(parse_time_of_day(value)?),
            "tz" | "timezone" | "zone" => change.tz = Some(parse_time_zone(value)?),
            "cap" | "limit" => {
                change.daily_cap = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|n| (1..=500).contains(n))
                        .ok_or_else(|| CommandError::BadSetting(format!("cap {value}")))?,
                )
            }
            "weekends" | "weekend" => {
                change.weekends_off = Some(match value.to_lowercase().as_str() {
                    "off" | "free" | "no" => true,
                    "on" | "work" | "yes" => false,
                    _ => return Err(CommandError::BadSetting(format!("weekends {value}"))),
                })
            }
            _ => return Err(CommandError::BadSetting(key)),
        }
        i += 2;
    }
    Ok(change)
}

/// The verb a typo most likely meant (edit distance at most 2, or a prefix).
pub fn closest_verb(word: &str) -> Option<&'static str> {
    let word = word.to_lowercase();
    VERBS
        .iter()
        .map(|v| (edit_distance(&word, v), *v))
        .filter(|(d, v)| {
            *d <= 2.min(v.len() / 2).max(1) || (word.len() >= 3 && v.starts_with(&word))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, v)| v)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}
