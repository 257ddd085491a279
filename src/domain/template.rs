//! Suggested messages: a step's template filled in from the prospect's fields.
//!
//! Placeholders: `{first_name}`, `{name}`, `{company}`, `{close_date}` (a few working days after
//! the message goes out), `{my_items}` and `{their_items}` (slots for the promised items) and `{personal}`, the marked slot for the rep's own personal sentence.
//! Any `[✍ …]` is a slot the rep fills before sending.

use chrono::{Duration, NaiveDate};

use super::dates::short_date;
use super::schedule::is_weekend;

/// Where the rep's personal sentence goes; the rep replaces it before sending.
pub const PERSONAL_SLOT: &str = "[✍ one personal sentence for {first_name}]";

/// Where a team's message lists the rep's promised items, and softly the prospect's.
pub const MY_ITEMS_SLOT: &str = "[✍ the items you promised, with dates]";
pub const THEIR_ITEMS_SLOT: &str = "[✍ what they offered to do]";

/// Marks the start of every slot the rep fills in.
pub const SLOT_OPEN: &str = "[✍";

/// How many working days (Monday to Friday) after the message goes out the file is named as
/// closed: enough for the prospect to answer.
pub const CLOSE_FILE_AFTER_WORKING_DAYS: u32 = 3;

/// What a template can be filled with.
#[derive(Debug, Clone, Copy)]
pub struct TemplateVars<'a> {
    pub name: &'a str,
    pub company: Option<&'a str>,
    /// The day the message goes out: never before the day it is shown, so a late touch never
    /// names a close date that has passed.
    pub send_on: NaiveDate,
}

/// The date the closing message names: [`CLOSE_FILE_AFTER_WORKING_DAYS`] weekdays after `send_on`.
pub fn close_file_date(send_on: NaiveDate) -> NaiveDate {
    let mut date = send_on;
    let mut left = CLOSE_FILE_AFTER_WORKING_DAYS;
    while left > 0 {
        date += Duration::days(1);
        if !is_weekend(date) {
            left -= 1;
        }
    }
    date
}

/// The template with every placeholder filled; the personal slot stays marked.
pub fn fill(template: &str, vars: TemplateVars<'_>) -> String {
    let first_name = vars.name.split_whitespace().next().unwrap_or(vars.name);
    let company = vars.company.unwrap_or("your team");
    let close_date = short_date(close_file_date(vars.send_on));
    // Single pass, so text coming from the prospect is never itself read as a placeholder.
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find('}') else {
            out.push_str(after);
            rest = "";
            break;
        };
        match &after[1..end] {
            "first_name" => out.push_str(first_name),
            "name" => out.push_str(vars.name),
            "company" => out.push_str(company),
            "close_date" => out.push_str(&close_date),
            "personal" => out.push_str(&PERSONAL_SLOT.replace("{first_name}", first_name)),
            "my_items" => out.push_str(MY_ITEMS_SLOT),
            "their_items" => out.push_str(THEIR_ITEMS_SLOT),
            _ => out.push_str(&after[..=end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
