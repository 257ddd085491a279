//! Promises from a meeting: the rep's action items and, more softly, the prospect's. A recap
//! lists them; later touches deliver the rep's and ask about theirs.

use chrono::{DateTime, NaiveDate, Utc};

use super::dates::parse_date;
use super::prospect::{bounded_text, ProspectId};
use super::DomainError;

/// At most this many characters an item.
const MAX_ITEM: usize = 300;
/// At most this many items a side in one recap.
pub const MAX_ITEMS: usize = 20;

/// One promise, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: i64,
    pub prospect_id: ProspectId,
    pub prospect_name: String,
    /// The rep's own promise (`true`) or the prospect's.
    pub mine: bool,
    pub text: String,
    pub due_on: Option<NaiveDate>,
    pub done_at: Option<DateTime<Utc>>,
}

/// An item typed in the recap form, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub mine: bool,
    pub text: String,
    pub due_on: Option<NaiveDate>,
}

/// What a meeting recap says: what was discussed, the promises, the next meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecapForm {
    pub discussed: Option<String>,
    pub items: Vec<NewItem>,
    pub next_meeting: Option<NaiveDate>,
}

/// One item a line: `send pricing by fri` → "send pricing", due Friday. A trailing `by <date>`
/// (or `(<date>)`) is the date when it reads as one; otherwise the whole line is the item.
pub fn parse_items(raw: &str, mine: bool, today: NaiveDate) -> Result<Vec<NewItem>, DomainError> {
    let mut items = Vec::new();
    for line in raw.lines() {
        let line = line.trim().trim_start_matches(['-', '•', '*']).trim();
        if line.is_empty() {
            continue;
        }
        let (text, due_on) = split_date(line, today);
        let Some(text) = bounded_text("action item", text, MAX_ITEM)? else {
            continue;
        };
        items.push(NewItem { mine, text, due_on });
    }
    if items.len() > MAX_ITEMS {
        return Err(DomainError::TooLong("action items", items.len(), MAX_ITEMS));
    }
    Ok(items)
}

fn split_date(line: &str, today: NaiveDate) -> (&str, Option<NaiveDate>) {
    let lower = line.to_lowercase();
    if let Some(open) = line.rfind('(').filter(|_| line.ends_with(')')) {
        if let Ok(date) = parse_date(&line[open + 1..line.len() - 1], today) {
            return (line[..open].trim(), Some(date));
        }
    }
    if let Some(by) = lower.rfind(" by ") {
        let when = line[by + 4..].trim().trim_end_matches('.');
        if let Ok(date) = parse_date(when, today) {
            return (line[..by].trim(), Some(date));
        }
    }
    (line, None)
}

/// The suggested message with the prospect's open items in its slots: what the rep promised
/// where a slot asks for it, and what the prospect offered where a slot asks about theirs. A
/// message without such slots is left as it is.
pub fn weave(message: &str, mine: &[String], theirs: &[String]) -> String {
    let mut out = String::with_capacity(message.len() + 64);
    let mut rest = message;
    while let Some(start) = rest.find("[✍") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find(']') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let slot = &rest[start..start + end + 1];
        let lower = slot.to_lowercase();
        let filled = if lower.contains("you promised") && !mine.is_empty() {
            if lower.contains("items you promised") {
                Some(mine.join("; "))
            } else {
                mine.first().cloned()
            }
        } else if (lower.contains("their action item") || lower.contains("they offered"))
            && !theirs.is_empty()
        {
            Some(theirs.join("; "))
        } else {
            None
        };
        out.push_str(filled.as_deref().unwrap_or(slot));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn an_item_a_line_with_its_date_when_it_has_one() {
        let today = day("2026-12-07"); // a Monday
        let items = parse_items(
            "send pricing by fri\n- intro to our security lead\n• case study (2026-12-10)\n\n",
            true,
            today,
        )
        .expect("items");
        assert_eq!(
            items,
            vec![
                NewItem {
                    mine: true,
                    text: "send pricing".into(),
                    due_on: Some(day("2026-12-11"))
                },
                NewItem {
                    mine: true,
                    text: "intro to our security lead".into(),
                    due_on: None
                },
                NewItem {
                    mine: true,
                    text: "case study".into(),
                    due_on: Some(day("2026-12-10"))
                },
            ]
        );
        // "by" that is not a date stays part of the item.
        let items = parse_items("stand by the numbers", false, today).expect("items");
        assert_eq!(items[0].text, "stand by the numbers");
    }

    #[test]
    fn the_message_delivers_my_item_and_asks_about_theirs() {
        let woven = weave(
            "Hi Jo, Here is the first thing I promised: [✍ one item you promised, and what it shows]. How is [✍ their action item] coming along?",
            &["the pricing sheet".into()],
            &["the budget sign-off".into()],
        );
        assert_eq!(woven, "Hi Jo, Here is the first thing I promised: the pricing sheet. How is the budget sign-off coming along?");
        let untouched = weave("Hi [✍ one personal sentence]", &["x".into()], &[]);
        assert_eq!(untouched, "Hi [✍ one personal sentence]");
    }
}
