//! The add-prospect modal: its view, and a submission validated field by field, so a mistake is
//! shown next to the field (`response_action: errors`) and nothing is stored.

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::domain::cadence::{parse_cadence_name, CadenceId, BUILT_IN};
use crate::domain::prospect::{parse_company, parse_linkedin, parse_note};
use crate::domain::{DomainError, Email, LeadTemp, Money, NewProspect, Phone, ProspectName, Stage};

use crate::slack::blocks::option_json as option;
use crate::slack::payload::ViewState;

pub const CALLBACK_ID: &str = "add_prospect";

/// The stages a prospect can be added at (won and lost are reached by closing the deal).
pub const ADD_STAGES: [Stage; 4] = [
    Stage::Inquiry,
    Stage::SalesReady,
    Stage::Qualified,
    Stage::Proposal,
];

fn input(block_id: &str, label: &str, element: Value, optional: bool, hint: Option<&str>) -> Value {
    let mut block = json!({
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    });
    if let Some(hint) = hint {
        block["hint"] = json!({"type": "plain_text", "text": hint});
    }
    block
}

fn text_input(action_id: &str, placeholder: &str, multiline: bool) -> Value {
    json!({
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "placeholder": {"type": "plain_text", "text": placeholder},
    })
}

/// Most options a static select holds (Block Kit).
const MAX_OPTIONS: usize = 100;
/// Longest text of an option (Block Kit: 75 characters).
const MAX_OPTION_TEXT: usize = 75;

/// The modal `views.open` shows for `/followup add`; `team` is the team's own cadences a rep
/// can enrol in, offered after the built-ins.
pub fn add_prospect_view(team: &[CadenceId]) -> Value {
    add_prospect_view_prefilled(None, None, team)
}

/// The add modal with a name and notes filled in (the "Follow up on this" shortcut passes the
/// message's author and text).
pub fn add_prospect_view_prefilled(
    name: Option<&str>,
    notes: Option<&str>,
    team: &[CadenceId],
) -> Value {
    let label = |id: &str, name: &str, whose: &str| {
        crate::slack::mrkdwn::truncate(&format!("{id} — {name}{whose}"), MAX_OPTION_TEXT)
    };
    let cadence_options: Vec<Value> = BUILT_IN
        .iter()
        .map(|c| option(&label(c.id.as_str(), c.name, ""), c.id.as_str()))
        .chain(team.iter().map(|id| {
            option(
                &label(id.as_str(), id.cadence().name, " (the team's)"),
                id.as_str(),
            )
        }))
        .take(MAX_OPTIONS)
        .collect();
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": "Add a prospect"},
        "submit": {"type": "plain_text", "text": "Add"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            input("name", "Name", name_input(name), false, None),
            input("company", "Company", text_input("value", "Acme", false), true, None),
            input("email", "Email", json!({"type": "email_text_input", "action_id": "value"}), true, None),
            input("phone", "Phone", text_input("value", "+1 555 010 2030", false), true, None),
            input("linkedin", "LinkedIn", json!({"type": "url_text_input", "action_id": "value"}), true, None),
            input("lead", "Lead", json!({
                "type": "static_select", "action_id": "value",
                "placeholder": {"type": "plain_text", "text": "How warm?"},
                "options": [option("🔥 Hot", "hot"), option("Warm", "warm"), option("❄️ Cold", "cold")],
            }), true, Some("Hot and warm leads get the hot cadence, cold ones the cold cadence.")),
            input("stage", "Stage", stage_select(), false, None),
            input("cadence", "Cadence", json!({
                "type": "static_select", "action_id": "value",
                "placeholder": {"type": "plain_text", "text": "Chosen by the lead"},
                "options": cadence_options,
            }), true, None),
            input("value", "Deal value", text_input("value", "12,500 or 12.5k", false), true, None),
            input("start", "First touch on", json!({"type": "datepicker", "action_id": "value"}), true, Some("Leave empty for today.")),
            input("notes", "Notes", notes_input(notes), true, None),
        ],
    })
}

/// A select of [`ADD_STAGES`], starting at inquiry.
fn stage_select() -> Value {
    let options: Vec<Value> = ADD_STAGES
        .iter()
        .map(|s| option(s.as_str(), s.as_str()))
        .collect();
    json!({
        "type": "static_select", "action_id": "value",
        "initial_option": options[0],
        "options": options,
    })
}

fn name_input(name: Option<&str>) -> Value {
    let mut element = text_input("value", "Jane Doe", false);
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
        element["initial_value"] = json!(crate::slack::mrkdwn::truncate(name, 200));
    }
    element
}

fn notes_input(notes: Option<&str>) -> Value {
    let mut element = text_input("value", "What was discussed, what you sent", true);
    if let Some(notes) = notes.map(str::trim).filter(|n| !n.is_empty()) {
        // Slack caps a text input's initial value at 3000 characters; notes keep 2000.
        element["initial_value"] = json!(crate::slack::mrkdwn::truncate(notes, 2000));
    }
    element
}

/// The prospect a submission describes, or every field's problem keyed by its block id.
pub fn parse_submission(
    state: &ViewState,
    today: NaiveDate,
) -> Result<NewProspect, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let field = |block: &'static str| state.value(block);
    fn check<T>(
        errors: &mut Vec<(&'static str, String)>,
        block: &'static str,
        r: Result<T, DomainError>,
    ) -> Option<T> {
        r.map_err(|e| errors.push((block, e.to_string()))).ok()
    }
    let name = check(
        &mut errors,
        "name",
        ProspectName::parse(&field("name").unwrap_or_default()),
    );
    let company =
        field("company").and_then(|c| check(&mut errors, "company", parse_company(&c)).flatten());
    let email = field("email").and_then(|e| check(&mut errors, "email", Email::parse(&e)));
    let phone = field("phone").and_then(|p| check(&mut errors, "phone", Phone::parse(&p)));
    let linkedin =
        field("linkedin").and_then(|l| check(&mut errors, "linkedin", parse_linkedin(&l)));
    let lead = field("lead").and_then(|l| check(&mut errors, "lead", LeadTemp::parse(&l)));
    // A built-in, or one of the team's own by id (the service checks it is still offered).
    let cadence =
        field("cadence").and_then(|c| check(&mut errors, "cadence", parse_cadence_name(&c)));
    let stage = field("stage").and_then(|s| {
        let stage = check(&mut errors, "stage", Stage::parse(&s))?;
        if !ADD_STAGES.contains(&stage) {
            errors.push(("stage", DomainError::BadStage(s).to_string()));
            return None;
        }
        Some(stage)
    });
    let value = field("value").and_then(|v| check(&mut errors, "value", Money::parse(&v)));
    let start = field("start").and_then(|s| {
        let parsed = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map_err(|_| DomainError::BadDate(s.clone()))
            .and_then(|d| crate::domain::dates::within_range(d, today));
        let date = check(&mut errors, "start", parsed)?;
        if date < today {
            errors.push(("start", DomainError::DateInPast(date).to_string()));
            return None;
        }
        Some(date)
    });
    let notes = field("notes").and_then(|n| check(&mut errors, "notes", parse_note(&n)).flatten());
    match name {
        Some(name) if errors.is_empty() => {
            let mut new = NewProspect::named(name);
            new.company = company;
            new.email = email;
            new.phone = phone;
            new.linkedin = linkedin;
            new.lead = lead;
            match cadence {
                Some(Ok(built_in)) => new.cadence = Some(built_in),
                Some(Err(team)) => new.team_cadence = Some(team),
                None => {}
            }
            new.value = value;
            new.stage = stage.unwrap_or(Stage::Inquiry);
            new.start_on = start;
            new.notes = notes;
            Ok(new)
        }
        _ => Err(errors),
    }
}
