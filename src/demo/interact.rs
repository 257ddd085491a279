//! Clicks and modals from the page, delivered to the app as Slack delivers them: a click becomes
//! a `block_actions` payload naming the element as the app drew it, a submitted form a
//! `view_submission` with `state.values` shaped per input kind, and the app's `response_action`
//! is applied to the modal as Slack applies it.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::standin::{Author, View};
use super::web::{bad, log_delivery, note_failure, parse, rep, Demo};
use super::wire::{self, ClickSource};
use crate::clock::Clock;

#[derive(Deserialize)]
struct ClickRequest {
    user: String,
    /// `m:<entry id>`, `home` or `modal`.
    src: String,
    block_id: String,
    action_id: String,
    /// The chosen option's value, for selects and overflow menus.
    #[serde(default)]
    option: Option<String>,
}

fn find_element<'a>(blocks: &'a [Value], block_id: &str, action_id: &str) -> Option<&'a Value> {
    let block = blocks
        .iter()
        .find(|b| b["block_id"].as_str() == Some(block_id))?;
    let matches = |e: &&Value| e["action_id"].as_str() == Some(action_id);
    block["elements"]
        .as_array()
        .and_then(|els| els.iter().find(matches))
        .or_else(|| Some(&block["accessory"]).filter(matches))
        .or_else(|| Some(&block["element"]).filter(matches))
}

fn find_option<'a>(element: &'a Value, value: &str) -> Option<&'a Value> {
    let direct = element["options"].as_array().into_iter().flatten();
    let grouped = element["option_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["options"].as_array().into_iter().flatten());
    direct
        .chain(grouped)
        .find(|o| o["value"].as_str() == Some(value))
}

/// The `actions[0]` Slack reports for a click on `element`.
fn action_json(
    element: &Value,
    block_id: &str,
    option: Option<&str>,
    action_ts: &str,
) -> Result<Value, String> {
    let kind = element["type"].as_str().unwrap_or_default();
    let mut action = json!({
        "type": kind,
        "action_id": element["action_id"],
        "block_id": block_id,
        "action_ts": action_ts,
    });
    match kind {
        "button" => {
            action["text"] = element["text"].clone();
            if let Some(value) = element.get("value") {
                action["value"] = value.clone();
            }
            if let Some(style) = element.get("style") {
                action["style"] = style.clone();
            }
        }
        "static_select" | "overflow" | "radio_buttons" => {
            let value = option.ok_or("choose an option: `option` is missing")?;
            let chosen = find_option(element, value)
                .ok_or_else(|| format!("`{value}` is not one of this menu's options"))?;
            action["selected_option"] = chosen.clone();
            if let Some(placeholder) = element.get("placeholder") {
                action["placeholder"] = placeholder.clone();
            }
        }
        other => return Err(format!("the demo cannot click a `{other}` element")),
    }
    Ok(action)
}

/// A click on a button or a menu choice: a signed `block_actions` payload.
pub(super) async fn click(State(demo): State<Demo>, body: Bytes) -> Response {
    let request: ClickRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let user = match rep(&request.user) {
        Ok(u) => u,
        Err(e) => return bad(e),
    };
    let action_ts = format!(
        "{}.{:06}",
        demo.clock.now().timestamp(),
        demo.standin.version() % 1_000_000
    );
    let trigger_id = demo.standin.new_trigger(user.id);
    let view;
    let entry;
    let (blocks, source): (&[Value], ClickSource<'_>) = match request.src.as_str() {
        "home" | "modal" => {
            let found = if request.src == "home" {
                demo.standin.home(user.id)
            } else {
                demo.standin.modal(user.id)
            };
            view = match found {
                Some(v) => v,
                None => return bad(format!("{} has no {} open", user.name, request.src)),
            };
            (view.blocks(), ClickSource::View(&view))
        }
        src => {
            let id = src.strip_prefix("m:").and_then(|id| id.parse::<u64>().ok());
            entry = match id.and_then(|id| demo.standin.entry(id)) {
                Some(e) if e.user == user.id => e,
                _ => {
                    return bad(format!(
                        "`{src}` is not a message in {}'s conversation",
                        user.name
                    ))
                }
            };
            let ephemeral = entry.author == Author::AppEphemeral;
            if !matches!(entry.author, Author::App | Author::AppEphemeral) {
                return bad("only the app's messages have buttons");
            }
            let source = ClickSource::Message {
                ts: &entry.ts,
                ephemeral,
                message: (!ephemeral).then(|| demo.standin.message_of(&entry)),
                response_url: demo.standin.new_hook(user.id, Some(entry.id)),
            };
            (entry.blocks.as_slice(), source)
        }
    };
    let Some(element) = find_element(blocks, &request.block_id, &request.action_id) else {
        return bad(format!(
            "no element `{}` in block `{}` there",
            request.action_id, request.block_id
        ));
    };
    let action = match action_json(
        element,
        &request.block_id,
        request.option.as_deref(),
        &action_ts,
    ) {
        Ok(a) => a,
        Err(reason) => return bad(reason),
    };
    let payload = wire::block_actions(user, action, source, &trigger_id);
    let answer = demo.wire.interaction(&payload).await;
    log_delivery(&demo, "POST /slack/interactions (block_actions)", &answer);
    note_failure(&demo, user, "the click", &answer);
    axum::Json(json!({"ok": true})).into_response()
}

#[derive(Deserialize)]
struct SubmitRequest {
    user: String,
    view_id: String,
    /// Each input's value by block id; an empty string is no value.
    #[serde(default)]
    values: Map<String, Value>,
}

/// `view.state.values` from what the rep entered, as Slack reports each kind of input. Required
/// inputs left empty are refused here, as Slack refuses them before the app hears of it.
pub fn state_values(
    view: &View,
    entered: &Map<String, Value>,
) -> Result<Result<Value, Map<String, Value>>, String> {
    for block_id in entered.keys() {
        let known = view
            .blocks()
            .iter()
            .any(|b| b["type"] == "input" && b["block_id"].as_str() == Some(block_id));
        if !known {
            return Err(format!("the form has no input `{block_id}`"));
        }
    }
    let mut values = Map::new();
    let mut missing = Map::new();
    for block in view.blocks().iter().filter(|b| b["type"] == "input") {
        let block_id = block["block_id"].as_str().unwrap_or_default();
        let element = &block["element"];
        let action_id = element["action_id"].as_str().unwrap_or("value");
        let kind = element["type"].as_str().unwrap_or_default();
        let typed = match entered.get(block_id) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()).filter(|s| !s.trim().is_empty()),
            Some(other) => return Err(format!("`{block_id}` must be a string, not {other}")),
        };
        let optional = block["optional"].as_bool().unwrap_or(false);
        if typed.is_none() && !optional {
            missing.insert(
                block_id.to_string(),
                json!("Please complete this required field."),
            );
        }
        let state = match kind {
            "plain_text_input" | "email_text_input" | "url_text_input" | "number_input" => {
                json!({"type": kind, "value": typed})
            }
            "datepicker" => {
                if let Some(date) = typed {
                    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .map_err(|_| format!("`{block_id}` must be a date like 2026-12-01"))?;
                }
                json!({"type": kind, "selected_date": typed})
            }
            "static_select" | "radio_buttons" => {
                let chosen = match typed {
                    Some(v) => Some(
                        find_option(element, v)
                            .cloned()
                            .ok_or_else(|| format!("`{v}` is not an option of `{block_id}`"))?,
                    ),
                    None => None,
                };
                json!({"type": kind, "selected_option": chosen})
            }
            other => json!({"type": other}),
        };
        values.insert(block_id.to_string(), json!({ action_id: state }));
    }
    Ok(if missing.is_empty() {
        Ok(Value::Object(values))
    } else {
        Err(missing)
    })
}

/// The modal's Submit: a signed `view_submission`, and the app's `response_action` applied.
pub(super) async fn submit(State(demo): State<Demo>, body: Bytes) -> Response {
    let request: SubmitRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let user = match rep(&request.user) {
        Ok(u) => u,
        Err(e) => return bad(e),
    };
    let Some(view) = demo
        .standin
        .modal(user.id)
        .filter(|v| v.id == request.view_id)
    else {
        return bad(format!(
            "`{}` is not the modal {} has open",
            request.view_id, user.name
        ));
    };
    let values = match state_values(&view, &request.values) {
        Ok(Ok(values)) => values,
        Ok(Err(missing)) => {
            demo.standin.set_errors(&view.id, missing);
            return axum::Json(json!({"ok": true, "closed": false})).into_response();
        }
        Err(reason) => return bad(reason),
    };
    let trigger_id = demo.standin.new_trigger(user.id);
    let payload = wire::view_submission(user, &view, values, &trigger_id);
    let answer = demo.wire.interaction(&payload).await;
    log_delivery(&demo, "POST /slack/interactions (view_submission)", &answer);
    note_failure(&demo, user, "the form", &answer);
    let response = match &answer {
        Ok(a) if a.status == 200 => a.json(),
        _ => return axum::Json(json!({"ok": true, "closed": false})).into_response(),
    };
    let closed = match response
        .as_ref()
        .and_then(|r| r["response_action"].as_str())
    {
        None => demo.standin.close_modal(user.id, &view.id).is_some(),
        Some("errors") => {
            let errors = response
                .as_ref()
                .and_then(|r| r["errors"].as_object().cloned())
                .unwrap_or_default();
            demo.standin.set_errors(&view.id, errors);
            false
        }
        Some(kind @ ("update" | "push")) => {
            let next = response
                .as_ref()
                .map(|r| r["view"].clone())
                .unwrap_or(Value::Null);
            demo.standin
                .answer_view(user.id, &view.id, &next, kind == "push");
            false
        }
        Some("clear") => {
            demo.standin.clear_modals(user.id);
            true
        }
        Some(other) => {
            demo.standin.note(
                user.id,
                &format!("The app answered the form with an unknown response_action `{other}`"),
            );
            false
        }
    };
    axum::Json(json!({"ok": true, "closed": closed})).into_response()
}

#[derive(Deserialize)]
struct CloseRequest {
    user: String,
    view_id: String,
}

/// The modal's Cancel: closed, and the app told only if it asked (`notify_on_close`).
pub(super) async fn close(State(demo): State<Demo>, body: Bytes) -> Response {
    let request: CloseRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let user = match rep(&request.user) {
        Ok(u) => u,
        Err(e) => return bad(e),
    };
    let Some(view) = demo.standin.close_modal(user.id, &request.view_id) else {
        return bad(format!(
            "`{}` is not the modal {} has open",
            request.view_id, user.name
        ));
    };
    if view.json["notify_on_close"].as_bool() == Some(true) {
        let answer = demo.wire.interaction(&wire::view_closed(user, &view)).await;
        log_delivery(&demo, "POST /slack/interactions (view_closed)", &answer);
    }
    axum::Json(json!({"ok": true})).into_response()
}
