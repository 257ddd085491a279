//! `add <name> …` as reps type it: fields (`company:Acme`), bare emails and phones with the
//! punctuation around them, phones written in several words (`+1 415 555 0100`,
//! `(415) 555-0142 ext 12`), and the phrases that mean a field (`cold lead`, `from Globex`).
//! Whatever is left is the name; a name that grows past a few words is questioned rather than
//! stored, so a misread is never silent.

use chrono::NaiveDate;

use super::{CommandError, Kind, Token};
use crate::domain::cadence::parse_cadence_name;
use crate::domain::dates::parse_date;
use crate::domain::prospect::{parse_company, parse_linkedin, parse_note};
use crate::domain::{Email, LeadTemp, Money, NewProspect, Pace, Phone, ProspectName, Stage};

/// More unquoted words than this in a name are asked about: they are usually a field that was
/// not recognised.
pub const MAX_NAME_WORDS: usize = 5;

/// The most digits E.164 allows; a phone run stops before it would pass them.
const MAX_PHONE_DIGITS: usize = 15;

/// One token of `add`, with a trailing `,` or `;` taken off and remembered: it ends a clause
/// (`from Globex, …`), and is never part of a value.
struct Word<'a> {
    token: &'a Token,
    text: &'a str,
    ends_clause: bool,
}

impl Word<'_> {
    fn plain(&self) -> bool {
        self.token.kind == Kind::Plain && !self.token.quoted
    }
    /// `key:value` with an alphabetic key, unless quoted.
    fn field(&self) -> Option<(&str, &str)> {
        self.plain()
            .then(|| self.text.split_once(':'))
            .flatten()
            .filter(|(key, _)| !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic()))
    }
    fn lower(&self) -> String {
        self.text.trim_end_matches('.').to_lowercase()
    }
}

fn words(tokens: &[Token]) -> Vec<Word<'_>> {
    let mut words: Vec<Word<'_>> = Vec::with_capacity(tokens.len());
    for token in tokens {
        // A note is the rest of the line, kept as typed.
        let note = token.text.split_once(':').is_some_and(|(key, _)| {
            key.eq_ignore_ascii_case("note") || key.eq_ignore_ascii_case("notes")
        });
        let text = if token.kind == Kind::Plain && !token.quoted && !note {
            token.text.trim_end_matches([',', ';'])
        } else {
            token.text.as_str()
        };
        let ends_clause = text.len() < token.text.len();
        if text.chars().all(|c| ",;|-–—".contains(c)) && !token.quoted {
            // A lone `,` or dash between words: only a separator.
            if let Some(last) = words.last_mut() {
                last.ends_clause = true;
            }
            continue;
        }
        words.push(Word {
            token,
            text,
            ends_clause,
        });
    }
    words
}

pub(super) fn parse_add(rest: &[Token], today: NaiveDate) -> Result<NewProspect, CommandError> {
    let words = words(rest);
    // Name words, and whether each was quoted.
    let mut name: Vec<(&str, bool)> = Vec::new();
    let mut fields = Fields::default();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let text = word.text;
        i += 1;
        match word.token.kind {
            Kind::Email => fields.email = Some(Email::parse(text)?),
            Kind::Phone => fields.phone = Some(Phone::parse(text)?),
            Kind::Link if text.contains("linkedin.com") => {
                fields.linkedin = Some(parse_linkedin(text)?)
            }
            Kind::Link | Kind::User => name.push((text, false)),
            Kind::Plain if word.token.quoted => name.push((text, true)),
            Kind::Plain => {
                if let Some((key, value)) = word.field() {
                    match key.to_ascii_lowercase().as_str() {
                        "company" | "co" => fields.company = parse_company(value)?,
                        "cadence" => match parse_cadence_name(value)? {
                            Ok(built_in) => fields.cadence = Some(built_in),
                            Err(team) => fields.team_cadence = Some(team),
                        },
                        "lead" => fields.lead = Some(LeadTemp::parse(value)?),
                        "value" => fields.value = Some(Money::parse(value)?),
                        "start" => fields.start_on = Some(parse_date(value, today)?),
                        "stage" => fields.stage = Some(Stage::parse(value)?),
                        "pace" => fields.pace = Some(Pace::parse(value)?),
                        "email" => fields.email = Some(Email::parse(unwrap_punctuation(value))?),
                        "phone" | "tel" => {
                            // `phone:+1 415 555 0100`: the words after it that go on the number.
                            let first = (!value.is_empty()).then_some(value);
                            let (typed, taken) = phone_run(first, &words[i..]);
                            i += taken;
                            fields.phone = Some(Phone::parse(&typed)?);
                        }
                        "linkedin" => fields.linkedin = Some(parse_linkedin(value)?),
                        "note" | "notes" => fields.notes = parse_note(value)?,
                        "http" | "https" if text.contains("linkedin.com") => {
                            fields.linkedin = Some(parse_linkedin(text)?)
                        }
                        _ => return Err(CommandError::UnknownField(key.to_string())),
                    }
                    continue;
                }
                let bare = unwrap_punctuation(text);
                if Email::looks_like(bare) {
                    fields.email = Some(Email::parse(bare)?);
                } else if starts_phone(text) {
                    let (typed, taken) = phone_run(None, &words[i - 1..]);
                    i += taken - 1;
                    fields.phone = Some(Phone::parse(&typed)?);
                } else if Phone::looks_like(text) {
                    // `3M`, `42`: read as a phone, and refused as one, rather than kept as a name.
                    fields.phone = Some(Phone::parse(text)?);
                } else if let Some(lead) = lead_phrase(&words[i - 1..]) {
                    fields.lead = Some(lead);
                    i += 1;
                } else if let Some((said, taken)) = company_phrase(&words[i - 1..]) {
                    fields.company_said = Some(said);
                    i += taken - 1;
                } else if bare.to_lowercase().contains("linkedin.com/") {
                    fields.linkedin = Some(parse_linkedin(bare)?);
                } else {
                    name.push((text, false));
                }
            }
        }
    }
    let unquoted_words: usize = name
        .iter()
        .filter(|(_, quoted)| !quoted)
        .map(|(part, _)| part.split_whitespace().count())
        .sum();
    let full_name = name
        .iter()
        .map(|(part, _)| *part)
        .collect::<Vec<_>>()
        .join(" ");
    if unquoted_words > MAX_NAME_WORDS {
        return Err(CommandError::LongName(full_name));
    }
    let mut new = NewProspect::named(ProspectName::parse(&full_name)?);
    new.email = fields.email;
    new.phone = fields.phone;
    new.linkedin = fields.linkedin;
    // `company:` says it outright; `from Globex` only when nothing did.
    new.company = match fields.company {
        Some(company) => Some(company),
        None => match fields.company_said {
            Some(said) => parse_company(&said)?,
            None => None,
        },
    };
    new.cadence = fields.cadence;
    new.team_cadence = fields.team_cadence;
    new.lead = fields.lead;
    new.value = fields.value;
    new.start_on = fields.start_on;
    new.stage = fields.stage.unwrap_or(Stage::Inquiry);
    new.pace = fields.pace.unwrap_or(Pace::Normal);
    new.notes = fields.notes;
    Ok(new)
}

/// What `add` read besides the name.
#[derive(Default)]
struct Fields {
    email: Option<Email>,
    phone: Option<Phone>,
    linkedin: Option<String>,
    company: Option<String>,
    company_said: Option<String>,
    cadence: Option<crate::domain::CadenceId>,
    team_cadence: Option<String>,
    lead: Option<LeadTemp>,
    value: Option<Money>,
    start_on: Option<NaiveDate>,
    stage: Option<Stage>,
    pace: Option<Pace>,
    notes: Option<String>,
}

/// `(jane@acme.com),` → `jane@acme.com`: brackets around a value and a full stop after it are
/// the sentence's, not the value's.
fn unwrap_punctuation(text: &str) -> &str {
    text.trim_start_matches(['(', '[', '<', '{'])
        .trim_end_matches([')', ']', '>', '}', '.', ',', ';', ':'])
}

/// A word that can be (part of) a phone number: digits with `+ ( ) - .` and nothing else.
fn phone_piece(text: &str) -> Option<&str> {
    let piece = text.trim_end_matches('.');
    let ok = piece.chars().any(|c| c.is_ascii_digit())
        && piece
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '-' | '.'));
    ok.then_some(piece)
}

/// A phone number's first word: `+44`, `(415)`, `415-555-0142`, `555`.
fn starts_phone(text: &str) -> bool {
    phone_piece(text).is_some_and(|piece| {
        let digits = digit_count(piece);
        piece.starts_with(['+', '('])
            || (piece.starts_with(|c: char| c.is_ascii_digit()) && digits * 2 >= piece.len())
    })
}

fn digit_count(text: &str) -> usize {
    text.chars().filter(char::is_ascii_digit).count()
}

/// The words from the start of `words` (after `first`, a value already read) that together are
/// one phone number, joined as typed, and how many words that took. A run ends at a clause's
/// end, at a word that is no part of a number, at a new `+…` (another number), or before it
/// would pass fifteen digits; an extension (`ext 12`, `x12`) may close it.
fn phone_run(first: Option<&str>, words: &[Word<'_>]) -> (String, usize) {
    let mut pieces: Vec<&str> = first.into_iter().collect();
    let mut digits: usize = pieces.iter().map(|p| digit_count(p)).sum();
    let mut taken = 0;
    let mut open = true;
    while open && taken < words.len() {
        let word = &words[taken];
        if !word.plain() {
            break;
        }
        if let Some(piece) = phone_piece(word.text) {
            let too_long = digits + digit_count(piece) > MAX_PHONE_DIGITS;
            if !pieces.is_empty() && (piece.starts_with('+') || too_long) {
                // Another number, or digits that cannot be this one's.
                break;
            }
            digits += digit_count(piece);
            pieces.push(piece);
            taken += 1;
            open = !word.ends_clause;
            continue;
        }
        if pieces.is_empty() {
            break;
        }
        // An extension: `ext 12`, `ext. 12`, `x 12`, `#12`, `x12`, `ext12`.
        let lower = word.lower();
        let marker = ["extension", "ext", "x", "#"]
            .into_iter()
            .find(|m| lower.strip_prefix(m).is_some());
        let Some(marker) = marker else { break };
        let glued = word.text.get(marker.len()..).unwrap_or_default();
        let glued = glued.trim_start_matches('.');
        if !glued.is_empty() && glued.chars().all(|c| c.is_ascii_digit()) {
            pieces.push(word.text);
            taken += 1;
        } else if lower == marker && !word.ends_clause {
            let number = words.get(taken + 1).map(|w| w.text).unwrap_or_default();
            if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) {
                pieces.push(word.text);
                pieces.push(number);
                taken += 2;
            }
        }
        break;
    }
    (unbracket(&pieces.join(" ")).to_string(), taken)
}

/// `(+44 20 7946 0958)` → `+44 20 7946 0958`, and a bracket left open or closed by the sentence
/// around the number comes off; `(415) 555-0142` keeps its area code's.
fn unbracket(phone: &str) -> &str {
    let opened = phone.matches('(').count();
    let closed = phone.matches(')').count();
    let wrapped = phone.starts_with('(') && phone.find(')') == Some(phone.len() - 1);
    if wrapped {
        &phone[1..phone.len() - 1]
    } else if opened > closed {
        phone.strip_prefix('(').unwrap_or(phone)
    } else if closed > opened {
        phone.strip_suffix(')').unwrap_or(phone)
    } else {
        phone
    }
}

fn temperature(word: &Word<'_>) -> Option<LeadTemp> {
    word.plain()
        .then(|| LeadTemp::parse(&word.lower()).ok())
        .flatten()
}

fn is_lead(word: &Word<'_>) -> bool {
    word.plain() && word.lower() == "lead"
}

/// `cold lead`, `lead hot`: the lead temperature, as `lead:cold` would give it.
fn lead_phrase(words: &[Word<'_>]) -> Option<LeadTemp> {
    let [first, second, ..] = words else {
        return None;
    };
    if first.ends_clause {
        return None;
    }
    match (temperature(first), temperature(second)) {
        (Some(lead), _) if is_lead(second) => Some(lead),
        (_, Some(lead)) if is_lead(first) => Some(lead),
        _ => None,
    }
}

/// `from Globex`, `at Acme Corp`: the capitalised words after it up to a comma or anything
/// else (a field, an email, a phone, `cold lead`, a word in lower case), and how many words
/// that took with the `from`.
fn company_phrase(words: &[Word<'_>]) -> Option<(String, usize)> {
    let (preposition, rest) = words.split_first()?;
    if !matches!(preposition.lower().as_str(), "from" | "at") || preposition.ends_clause {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for (n, word) in rest.iter().enumerate() {
        let company_word = word.plain()
            && word.field().is_none()
            && !Email::looks_like(word.text)
            && !starts_phone(word.text)
            && lead_phrase(&rest[n..]).is_none()
            && (word
                .text
                .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
                || (!parts.is_empty() && word.text == "&"));
        if !company_word {
            break;
        }
        parts.push(word.text);
        if word.ends_clause {
            break;
        }
    }
    (!parts.is_empty()).then(|| (parts.join(" "), parts.len() + 1))
}
