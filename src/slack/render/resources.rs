//! The team's value-add library as Block Kit, and the resource line a value-add message ends with.

use crate::domain::resources::{suggestion_line, Resource};

use crate::slack::blocks::{context, section, Message};
use crate::slack::mrkdwn::escape;

/// Characters of lines one section takes (Slack's limit is 3000).
const SECTION_CHARS: usize = 2800;

/// A resource as a line: its number, its title linked, its tags and who added it.
fn line(r: &Resource) -> String {
    let tags = if r.tags.is_empty() {
        String::new()
    } else {
        format!(
            " · {}",
            r.tags
                .iter()
                .map(|t| format!("`{}`", escape(t)))
                .collect::<Vec<_>>()
                .join(" ")
        )
    };
    format!(
        "*{}* <{}|{}>{tags} · added by <@{}>",
        r.number,
        escape(&r.url),
        escape(&r.title),
        r.added_by
    )
}

/// `resources`: the library, numbered.
pub fn library(resources: &[Resource]) -> Message {
    if resources.is_empty() {
        return Message::plain(
            "📚 The team's library is empty. Add what is worth sending on a value-add step — a case study, an article, a calculator: `/followup resources add \"Acme case study\" https://example.com/acme logistics saas`",
        );
    }
    let mut m = Message::new(format!("The team's library: {} resources", resources.len()));
    m.push(section(&format!(
        "📚 *The team's library* · {} — a value-add step suggests the best match for the prospect's notes and company that the prospect has not had yet",
        resources.len()
    )));
    // Lines packed into as few sections as fit: a title is at most 150 characters and a link
    // 500, so a line always fits one section.
    let mut sections: Vec<String> = Vec::new();
    for l in resources.iter().map(line) {
        match sections.last_mut() {
            Some(text) if text.chars().count() + 1 + l.chars().count() <= SECTION_CHARS => {
                text.push('\n');
                text.push_str(&l);
            }
            _ => sections.push(l),
        }
    }
    for text in sections {
        if m.room() <= 1 {
            break;
        }
        m.push(section(&text));
    }
    m.push(context(
        "`/followup resources add \"&lt;title&gt;\" &lt;link&gt; [tags]` · `/followup resources remove &lt;number&gt;`",
    ));
    m
}

pub fn added(r: &Resource) -> Message {
    Message::plain(format!(
        "📚 Added to the team's library as *{}*: {}",
        r.number,
        line(r)
    ))
}

pub fn removed(r: &Resource) -> Message {
    Message::plain(format!(
        "🗑️ Resource *{}* ({}) is out of the library. What was already sent stays recorded.",
        r.number,
        escape(&r.title)
    ))
}

/// A value-add message with the resource to send after it.
pub fn with_suggestion(message: &str, resource: Option<&Resource>) -> String {
    match resource {
        Some(r) => format!("{message}\n\n{}", suggestion_line(r)),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_library_of_long_entries_stays_inside_block_kit_limits() {
        let resources: Vec<Resource> = (1..=50)
            .map(|n| Resource {
                id: n,
                number: n,
                title: "T&".repeat(75),
                url: format!("https://example.com/{}", "a".repeat(470)),
                tags: (0..10)
                    .map(|i| format!("tag{i}-{}", "x".repeat(20)))
                    .collect(),
                added_by: "U0ALICE".into(),
                added_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
            })
            .collect();
        let m = library(&resources);
        assert!(m.blocks.len() <= crate::slack::blocks::MAX_MESSAGE_BLOCKS);
        let json = serde_json::to_value(&m.blocks).unwrap();
        let texts: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|b| b["text"]["text"].as_str())
            .collect();
        assert!(texts.iter().all(|t| t.chars().count() <= 3000));
        let listed: usize = texts.iter().map(|t| t.matches("added by").count()).sum();
        assert_eq!(listed, 50, "every resource is listed, none cut");
    }
}
