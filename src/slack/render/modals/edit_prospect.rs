//! The Edit modal behind `show`'s Edit button: the same fields as `/followup edit`, filled in
//! with what is stored. A field emptied clears it; the reply lists only what changed.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::edit::{ProspectEdit, PREFERABLE};
use crate::domain::prospect::{parse_company, parse_linkedin};
use crate::domain::{
    Channel, DomainError, Email, LeadTemp, Money, Pace, Phone, Prospect, ProspectId, ProspectName,
    Stage,
};

use crate::slack::blocks::option_json as option;
use crate::slack::mrkdwn::truncate;
use crate::slack::payload::ViewState;

pub const CALLBACK_ID: &str = "edit_prospect";

/// What the modal carries from the click to the submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditMeta {
    pub prospect: ProspectId,
    /// Where to show the result: the `show` reply the Edit button was in.
    #[serde(default)]
    pub response_url: Option<String>,
}

fn text(block_id: &str, label: &str, value: Option<&str>, optional: bool) -> Value {
    let mut element = json!({"type": "plain_text_input", "action_id": "value"});
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        element["initial_value"] = json!(truncate(v, 2000));
    }
    let mut block = json!({
        "type": "input", "block_id": block_id, "optional": optional,
        "label": {"type": "plain_text", "text": label},
    });
    block["element"] = element;
    block
}

fn select(block_id: &str, label: &str, choices: &[(&str, &str)], initial: Option<&str>) -> Value {
    let options: Vec<Value> = choices.iter().map(|(v, l)| option(l, v)).collect();
    let mut element = json!({"type": "static_select", "action_id": "value"});
    if let Some(initial) = initial.and_then(|i| options.iter().find(|o| o["value"] == i)) {
        element["initial_option"] = initial.clone();
    }
    element["options"] = Value::Array(options);
    let mut block = json!({
        "type": "input", "block_id": block_id, "optional": true,
        "label": {"type": "plain_text", "text": label},
    });
    block["element"] = element;
    block
}

pub fn view(p: &Prospect, response_url: Option<String>) -> Value {
    let meta = EditMeta {
        prospect: p.id,
        response_url,
    };
    let stages: Vec<(&str, &str)> = Stage::ALL
        .iter()
        .map(|s| (s.as_str(), s.as_str()))
        .collect();
    let prefers: Vec<(&str, &str)> = PREFERABLE.iter().map(|c| (c.as_str(), c.label())).collect();
    let value = p.value.map(|v| v.display());
    json!({
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": serde_json::to_string(&meta).unwrap_or_default(),
        "title": {"type": "plain_text", "text": "Edit prospect"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            text("name", "Name", Some(&p.name), false),
            text("company", "Company", p.company.as_deref(), true),
            text("email", "Email", p.email.as_deref(), true),
            text("phone", "Phone", p.phone.as_deref(), true),
            text("linkedin", "LinkedIn", p.linkedin.as_deref(), true),
            select("stage", "Stage", &stages, Some(p.stage.as_str())),
            text("value", "Deal value", value.as_deref(), true),
            select("lead", "Lead", &[("hot", "Hot"), ("warm", "Warm"), ("cold", "Cold")], p.lead.map(|l| l.as_str())),
            select("pace", "Pace", &[("fast", "Fast decider"), ("normal", "Normal"), ("slow", "Slow decider")], Some(p.pace.as_str())),
            select("prefers", "Prefers", &prefers, p.prefers.map(|c| c.as_str())),
        ],
    })
}

/// The edit the form describes (every field, so what was emptied is cleared), or each field's
/// problem by block id.
pub fn parse(
    meta: &str,
    state: &ViewState,
) -> Result<(EditMeta, ProspectEdit), Vec<(&'static str, String)>> {
    let meta: EditMeta = serde_json::from_str(meta).map_err(|_| {
        vec![(
            "name",
            "This form lost track of its prospect; open it again from `/followup show`."
                .to_string(),
        )]
    })?;
    let mut errors = Vec::new();
    let mut check = |block: &'static str, r: Result<(), DomainError>| {
        if let Err(e) = r {
            errors.push((block, e.to_string()));
        }
    };
    let field = |block: &str| state.value(block).filter(|v| !v.trim().is_empty());
    let mut edit = ProspectEdit::default();
    check(
        "name",
        ProspectName::parse(&field("name").unwrap_or_default()).map(|n| edit.name = Some(n)),
    );
    check(
        "company",
        match field("company") {
            Some(c) => parse_company(&c).map(|c| edit.company = Some(c)),
            None => {
                edit.company = Some(None);
                Ok(())
            }
        },
    );
    check(
        "email",
        match field("email") {
            Some(e) => Email::parse(&e).map(|e| edit.email = Some(Some(e))),
            None => {
                edit.email = Some(None);
                Ok(())
            }
        },
    );
    check(
        "phone",
        match field("phone") {
            Some(p) => Phone::parse(&p).map(|p| edit.phone = Some(Some(p))),
            None => {
                edit.phone = Some(None);
                Ok(())
            }
        },
    );
    check(
        "linkedin",
        match field("linkedin") {
            Some(l) => parse_linkedin(&l).map(|l| edit.linkedin = Some(Some(l))),
            None => {
                edit.linkedin = Some(None);
                Ok(())
            }
        },
    );
    if let Some(s) = field("stage") {
        check("stage", Stage::parse(&s).map(|s| edit.stage = Some(s)));
    }
    check(
        "value",
        match field("value") {
            Some(v) => Money::parse(&v).map(|v| edit.value = Some(Some(v))),
            None => {
                edit.value = Some(None);
                Ok(())
            }
        },
    );
    check(
        "lead",
        match field("lead") {
            Some(l) => LeadTemp::parse(&l).map(|l| edit.lead = Some(Some(l))),
            None => {
                edit.lead = Some(None);
                Ok(())
            }
        },
    );
    if let Some(p) = field("pace") {
        check("pace", Pace::parse(&p).map(|p| edit.pace = Some(p)));
    }
    check(
        "prefers",
        match field("prefers") {
            Some(c) => Channel::parse(&c).map(|c| edit.prefers = Some(Some(c))),
            None => {
                edit.prefers = Some(None);
                Ok(())
            }
        },
    );
    if errors.is_empty() {
        Ok((meta, edit))
    } else {
        Err(errors)
    }
}
