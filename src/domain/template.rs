//! Suggested messages: a step's template filled in from the prospect's fields.
//!
//! Placeholders: `{first_name}`, `{name}`, `{company}`, `{close_date}` (a few days after the touch)
//! and `{personal}`, the marked slot for the rep's own personal sentence. Any `[✍ …]` is a slot the
//! rep fills before sending.

use chrono::{Duration, NaiveDate};

use super::dates::short_date;

/// Where the rep's personal sentence goes; the rep replaces it before sending.
pub const PERSONAL_SLOT: &str = "[✍ one personal sentence for {first_name}]";

/// Marks the start of every slot the rep fills in.
pub const SLOT_OPEN: &str = "[✍";

/// How many days after the closing touch the file is named as closed.
pub const CLOSE_FILE_AFTER_DAYS: i64 = 5;

/// What a template can be filled with.
#[derive(Debug, Clone, Copy)]
pub struct TemplateVars<'a> {
    pub name: &'a str,
    pub company: Option<&'a str>,
    pub due_on: NaiveDate,
}

/// The template with every placeholder filled; the personal slot stays marked.
pub fn fill(template: &str, vars: TemplateVars<'_>) -> String {
    let first_name = vars.name.split_whitespace().next().unwrap_or(vars.name);
    let company = vars.company.unwrap_or("your team");
    let close_date = short_date(vars.due_on + Duration::days(CLOSE_FILE_AFTER_DAYS));
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
            _ => out.push_str(&after[..=end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
