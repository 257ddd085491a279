//! Gentle checks on follow-up text: no "just checking in", three to five sentences, a question at the end.

/// Something a rep may want to change in a message or note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Says "just checking in" (or "touching base") instead of bringing something.
    CheckingIn,
    /// Runs past five sentences.
    TooLong(usize),
    /// Does not end with a question the prospect can answer easily.
    NoQuestion,
}

impl Warning {
    /// The warning, with a better way to say it.
    pub fn advice(&self) -> String {
        match self {
            Warning::CheckingIn => "\"Just checking in\" gives them nothing to answer. Bring something instead: \
                 new information, a result from a similar client, or a dated reason to reply — \
                 e.g. \"A team like yours cut their reply time in half last month; shall I send how?\""
                .to_string(),
            Warning::TooLong(n) => format!(
                "{n} sentences is long for a follow-up. Three to five, ending with one easy question, gets more replies."
            ),
            Warning::NoQuestion => "End with one specific, easy question, e.g. \"Does Thursday at 10 work?\"".to_string(),
        }
    }
}

const CHECKING_IN: &[&str] = &[
    "just checking in",
    "just check in",
    "just touching base",
    "just following up",
    "checking in to see",
];

/// Sentences in a text. A `[✍ …]` slot the rep fills in is a sentence of its own when it stands
/// alone (followed by a new sentence or the end), and just words when it sits inside one.
pub fn sentence_count(text: &str) -> usize {
    let mut normalized = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[✍") {
        normalized.push_str(&rest[..start]);
        let slot = &rest[start..];
        let end = slot.find(']').map_or(slot.len(), |e| e + 1);
        let following = slot[end..].trim_start();
        let standalone =
            following.is_empty() || following.starts_with(|c: char| c.is_uppercase() || c == '[');
        normalized.push_str(if standalone { "slot." } else { "slot" });
        rest = &slot[end..];
    }
    normalized.push_str(rest);
    count_terminated(&normalized)
}

/// Runs of words ended by `.`, `!` or `?` (followed by a space or the end), plus an unended tail.
fn count_terminated(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut count = 0;
    let mut in_sentence = false;
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?') {
            let at_end = chars
                .get(i + 1)
                .is_none_or(|next| next.is_whitespace() || *next == '"');
            if in_sentence && at_end {
                count += 1;
                in_sentence = false;
            }
        } else if c.is_alphanumeric() {
            in_sentence = true;
        }
    }
    count + usize::from(in_sentence)
}

/// Every warning a follow-up message earns. Notes pass `expect_question: false`.
pub fn check(text: &str, expect_question: bool) -> Vec<Warning> {
    let lower = text.to_lowercase().replace(['’', '\''], "");
    let mut warnings = Vec::new();
    if CHECKING_IN
        .iter()
        .any(|phrase| lower.contains(&phrase.replace('\'', "")))
    {
        warnings.push(Warning::CheckingIn);
    }
    let sentences = sentence_count(text);
    if sentences > 5 {
        warnings.push(Warning::TooLong(sentences));
    }
    if expect_question && !text.trim_end().ends_with('?') {
        warnings.push(Warning::NoQuestion);
    }
    warnings
}
