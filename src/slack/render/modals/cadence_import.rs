//! The cadence-import modal (`/followup cadence import`): a manager pastes a cadence file, the
//! same checks as `followup cadences import` run on it, and every problem shows in the form
//! (`response_action: errors`) with nothing stored.

use serde_json::{json, Value};

use crate::domain::cadence_file::{describe, Problem};

use crate::slack::payload::ViewState;

pub const CALLBACK_ID: &str = "cadence_import";
/// The boxes the file is pasted into: Slack caps one text input at 3,000 characters.
pub const PARTS: [&str; 4] = ["file", "file_2", "file_3", "file_4"];
const MAX_PART_CHARS: usize = 3000;
/// The most an error under a field says (Slack shows it in the form).
const MAX_ERROR_CHARS: usize = 1800;

pub fn view() -> Value {
    let mut blocks = vec![json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": "Paste the team's cadence file (TOML, as `followup cadences export` prints it). Cadences it names are added or replaced; the team's cadences it leaves out stop taking new prospects. A file that fails a check changes nothing."},
    })];
    for (i, part) in PARTS.iter().enumerate() {
        let label = if i == 0 {
            "Cadence file".to_string()
        } else {
            format!("Continued ({})", i + 1)
        };
        let mut block = json!({
            "type": "input", "block_id": part, "optional": i > 0,
            "label": {"type": "plain_text", "text": label},
            "element": {
                "type": "plain_text_input", "action_id": "value", "multiline": true,
                "max_length": MAX_PART_CHARS,
            },
        });
        if i == 0 {
            block["element"]["placeholder"] =
                json!({"type": "plain_text", "text": "[[cadence]]\nid = \"enterprise\"\n…"});
            block["hint"] = json!({"type": "plain_text", "text": "Longer than 3,000 characters? Go on in the next box, starting on a new line."});
        }
        blocks.push(block);
    }
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": "Import cadences"},
        "submit": {"type": "plain_text", "text": "Check and import"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    })
}

/// The file as pasted, its boxes joined line by line.
pub fn file_text(state: &ViewState) -> String {
    PARTS
        .iter()
        .filter_map(|part| state.value(part))
        .filter(|text| !text.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every problem, under the first box, as Slack shows a field's error.
pub fn errors(problems: &[Problem]) -> Vec<(&'static str, String)> {
    let mut text = format!(
        "Nothing was imported: {} to fix.\n",
        if problems.len() == 1 {
            "one problem".to_string()
        } else {
            format!("{} problems", problems.len())
        }
    );
    let all = describe(problems);
    for (shown, line) in all.lines().enumerate() {
        if text.chars().count() + line.chars().count() + 40 > MAX_ERROR_CHARS {
            text.push_str(&format!("…and {} more", problems.len() - shown));
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    vec![(PARTS[0], text.trim_end().to_string())]
}
