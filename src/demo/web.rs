//! The demo's own routes: the page, the JSON it polls, the things it does (type a command, click,
//! submit or close a modal, open the Home tab, go to the next morning), and the stand-in's Web API
//! and `response_url` hooks. Every action reaches the app as Slack would deliver it (see `wire`).
//! Bad input is a 400 with a reason.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::clock::{next_morning, DemoClock};
use super::html;
use super::standin::{Author, Entry, Snapshot, StandIn, View};
use super::team::{self, DemoUser};
use super::wire::{self, ClickSource, Wire};
use crate::clock::Clock;
use crate::digest::Digester;
use crate::domain::RepRef;

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("page.js");
/// Longer than anything a rep types into `/followup`; Slack caps it around 4,000 characters too.
const MAX_COMMAND: usize = 4000;

/// What the demo's routes share.
#[derive(Clone)]
pub struct Demo {
    pub standin: Arc<StandIn>,
    pub wire: Arc<Wire>,
    pub digester: Arc<Digester>,
    pub clock: Arc<DemoClock>,
    /// Where the demo's time is kept between runs.
    pub clock_file: Option<std::path::PathBuf>,
}

pub fn router(demo: Demo) -> Router {
    Router::new()
        .route("/demo", get(page))
        .route("/demo/", get(page))
        .route("/demo/page.js", get(script))
        .route("/demo/ui", get(ui))
        .route("/demo/command", post(command))
        .route("/demo/click", post(click))
        .route("/demo/submit", post(submit))
        .route("/demo/close", post(close))
        .route("/demo/home", post(open_home))
        .route("/demo/next-morning", post(next_morning_pass))
        .route("/demo/api/{*method}", any(web_api))
        .route("/demo/hooks/{id}", post(hook))
        .with_state(demo)
}

fn bad(reason: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, reason.into()).into_response()
}

fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("not the JSON this endpoint takes: {e}"))
}

fn rep(id: &str) -> Result<&'static DemoUser, String> {
    team::user(id).ok_or_else(|| {
        format!(
            "`{id}` is not one of the demo's reps ({})",
            team::USERS
                .iter()
                .map(|u| u.id)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

async fn page() -> Html<String> {
    let options: String = team::USERS
        .iter()
        .map(|u| {
            format!(
                "<option value=\"{}\">{} · {}</option>",
                html::escape(u.id),
                html::escape(u.name),
                html::escape(u.title)
            )
        })
        .collect();
    Html(
        PAGE.replace("{{REPS}}", &options)
            .replace("{{TEAM}}", &html::escape(team::TEAM_NAME)),
    )
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

#[derive(Deserialize)]
struct UserQuery {
    user: String,
}

/// Everything the page shows for one rep, drawn as HTML.
async fn ui(State(demo): State<Demo>, Query(q): Query<UserQuery>) -> Response {
    let user = match rep(&q.user) {
        Ok(u) => u,
        Err(e) => return bad(e),
    };
    let snapshot = demo.standin.snapshot(user.id);
    axum::Json(screen(&snapshot, demo.clock.now())).into_response()
}

/// The page's JSON for one rep: the conversation, the Home tab, the modal and the log, as HTML.
pub fn screen(snapshot: &Snapshot, now: chrono::DateTime<chrono::Utc>) -> Value {
    let conversation: String = if snapshot.entries.is_empty() {
        "<p class=\"empty\">No messages yet. Type <code>/followup help</code> below, or press <b>Next morning</b> for the digest.</p>".into()
    } else {
        snapshot.entries.iter().map(entry_html).collect()
    };
    let home = match &snapshot.home {
        Some(view) => html::blocks(view.blocks(), "home", None),
        None => "<p class=\"empty\">The app has not published this rep's Home tab yet.</p>".into(),
    };
    let modal = snapshot.modal.as_ref().map(|view| {
        json!({
            "key": format!("{}:{}:{}", view.id, view.hash, Value::Object(view.errors.clone())),
            "view_id": view.id,
            "html": modal_html(view),
        })
    });
    let log: String = snapshot
        .log
        .iter()
        .rev()
        .map(|line| {
            format!(
                "<li class=\"{}\">{}</li>",
                if line.to_app { "to-app" } else { "to-slack" },
                html::escape(&line.text)
            )
        })
        .collect();
    json!({
        "version": snapshot.version,
        "clock": now.format("%a %-d %b %Y, %H:%M UTC").to_string(),
        "conversation": conversation,
        "home": home,
        "modal": modal,
        "log": log,
    })
}

fn entry_html(entry: &Entry) -> String {
    let time = entry
        .ts
        .split('.')
        .next()
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|at| at.format("%a %H:%M").to_string())
        .unwrap_or_default();
    let (class, who, note) = match entry.author {
        Author::App => ("app", "followup <span class=\"tag\">APP</span>", ""),
        Author::AppEphemeral => (
            "app ephemeral",
            "followup <span class=\"tag\">APP</span>",
            " · <span class=\"only-you\">Only visible to you</span>",
        ),
        Author::Typed => ("typed", "you", ""),
        Author::Demo => ("demo", "demo", ""),
    };
    let edited = if entry.edited {
        " · <span class=\"edited\">(edited)</span>"
    } else {
        ""
    };
    let body = match entry.author {
        Author::Typed => format!("<code>{}</code>", html::escape(&entry.text)),
        Author::Demo => html::escape(&entry.text),
        _ if entry.blocks.is_empty() => html::mrkdwn(&entry.text),
        _ => html::blocks(&entry.blocks, &format!("m:{}", entry.id), None),
    };
    format!(
        "<div class=\"msg {class}\" id=\"m-{}\" data-msg=\"{}\"><div class=\"meta\"><b>{who}</b> · {time}{note}{edited}</div><div class=\"body\">{body}</div></div>",
        entry.id, entry.id
    )
}

fn modal_html(view: &View) -> String {
    let text = |field: &str| {
        view.json[field]["text"]
            .as_str()
            .map(html::escape)
            .unwrap_or_default()
    };
    let submit = if view.json["submit"].is_object() {
        format!(
            "<button type=\"submit\" class=\"bk-button primary\">{}</button>",
            text("submit")
        )
    } else {
        String::new()
    };
    let close = match text("close") {
        c if c.is_empty() => "Cancel".to_string(),
        c => c,
    };
    format!(
        "<form class=\"modal\" data-view=\"{}\"><h2>{}</h2><div class=\"modal-body\">{}</div><div class=\"modal-foot\"><button type=\"button\" class=\"bk-button modal-close\">{close}</button>{submit}</div></form>",
        html::escape(&view.id),
        text("title"),
        html::blocks(view.blocks(), "modal", Some(&view.errors)),
    )
}

/// What the app answered, when it is not a plain acknowledgement, noted where the rep sees it.
fn note_failure(
    demo: &Demo,
    user: &DemoUser,
    what: &str,
    answer: &Result<wire::AppAnswer, String>,
) {
    match answer {
        Ok(a) if a.status == 200 => {}
        Ok(a) => {
            let text = format!(
                "The app answered {what} with HTTP {}: {}",
                a.status,
                a.text()
            );
            demo.standin.note(user.id, &text);
        }
        Err(e) => {
            demo.standin
                .note(user.id, &format!("{what} did not reach the app: {e}"));
        }
    }
}

fn log_delivery(demo: &Demo, what: &str, answer: &Result<wire::AppAnswer, String>) {
    let outcome = match answer {
        Ok(a) if a.body.is_empty() => format!("{} (empty: acknowledged)", a.status),
        Ok(a) => format!("{} with a body", a.status),
        Err(e) => format!("failed: {e}"),
    };
    demo.standin
        .log(true, format!("Slack → app: {what}, signed → {outcome}"));
}

#[derive(Deserialize)]
struct CommandRequest {
    user: String,
    text: String,
}

/// `/followup <text>` from a rep: the form Slack posts, signed, to `/slack/commands`.
async fn command(State(demo): State<Demo>, body: Bytes) -> Response {
    let request: CommandRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let user = match rep(&request.user) {
        Ok(u) => u,
        Err(e) => return bad(e),
    };
    let text = request.text.trim();
    let text = text.strip_prefix("/followup").unwrap_or(text).trim();
    if text.chars().count() > MAX_COMMAND {
        return bad(format!("a command is at most {MAX_COMMAND} characters"));
    }
    demo.standin.typed(user.id, &format!("/followup {text}"));
    let response_url = demo.standin.new_hook(user.id, None);
    let trigger_id = demo.standin.new_trigger(user.id);
    let form = wire::slash_command_form(user, text, &response_url, &trigger_id);
    let answer = demo.wire.command(form).await;
    log_delivery(&demo, "POST /slack/commands", &answer);
    note_failure(&demo, user, "the command", &answer);
    if let Ok(a) = &answer {
        if a.status == 200 {
            if let Some(reply) = a.json() {
                let id = demo.standin.command_reply(user.id, &reply);
                demo.standin.bind_hook(&response_url, id);
            }
        }
    }
    axum::Json(json!({"ok": true})).into_response()
}

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
async fn click(State(demo): State<Demo>, body: Bytes) -> Response {
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
                message: (!ephemeral).then(|| entry.as_message()),
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
async fn submit(State(demo): State<Demo>, body: Bytes) -> Response {
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
async fn close(State(demo): State<Demo>, body: Bytes) -> Response {
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

#[derive(Deserialize)]
struct UserRequest {
    user: String,
}

/// Opening the Home tab: a signed `app_home_opened` event.
async fn open_home(State(demo): State<Demo>, body: Bytes) -> Response {
    let request: UserRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let user = match rep(&request.user) {
        Ok(u) => u,
        Err(e) => return bad(e),
    };
    let event = wire::app_home_opened(user, demo.standin.version(), demo.clock.now().timestamp());
    let answer = demo.wire.event(&event).await;
    log_delivery(&demo, "POST /slack/events (app_home_opened)", &answer);
    note_failure(&demo, user, "opening the Home tab", &answer);
    axum::Json(json!({"ok": true})).into_response()
}

/// The next morning for the rep on the page: the clock jumps to that rep's next digest time
/// and one digest pass runs, as the scheduler's would.
async fn next_morning_pass(State(demo): State<Demo>, body: Bytes) -> Response {
    let request: UserRequest = match parse(&body) {
        Ok(r) => r,
        Err(e) => return bad(e),
    };
    let user = match rep(&request.user) {
        Ok(u) => u,
        Err(e) => return bad(e),
    };
    let service = &demo.digester.service;
    let settings = match service.settings(&RepRef::new(team::TEAM_ID, user.id)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = ?e, "reading the rep's settings failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "the database failed").into_response();
        }
    };
    let digest_at = settings.digest_time.unwrap_or(service.default_digest);
    let target = next_morning(
        demo.clock.now(),
        digest_at,
        settings.zone(),
        settings.weekends_off,
    );
    let now = demo.clock.advance_to(target);
    super::save_clock(demo.clock_file.as_deref(), now);
    let day = now
        .with_timezone(&settings.zone())
        .format("%A %-d %B, %H:%M")
        .to_string();
    for u in team::USERS {
        demo.standin.note(
            u.id,
            &format!("☀ Next morning: {day} ({}), demo time", settings.zone()),
        );
    }
    demo.standin
        .log(true, format!("demo clock → {now}; digest pass"));
    let summary = match demo.digester.run_pass(now, false).await {
        Ok(report) => {
            let names = |reps: &[RepRef]| {
                reps.iter()
                    .map(|r| team::user(&r.user_id).map_or(r.user_id.as_str(), |u| u.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let sent = if report.sent.is_empty() {
                "no digest sent (nothing due, or already sent today)".to_string()
            } else {
                format!("digest sent to {}", names(&report.sent))
            };
            let failed = report.failed.len();
            format!(
                "{day}: {sent}{}",
                if failed > 0 {
                    format!("; {failed} failed")
                } else {
                    String::new()
                }
            )
        }
        Err(e) => {
            tracing::error!(error = ?e, "the demo's digest pass failed");
            format!("{day}: the digest pass failed (see the log)")
        }
    };
    demo.standin.log(true, summary.clone());
    axum::Json(json!({"ok": true, "summary": summary})).into_response()
}

/// One Web API call from the app: `/demo/api/<method>`, with the query and a JSON or form body.
async fn web_api(
    State(demo): State<Demo>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let method = method.trim_start_matches('/');
    let mut fields: Map<String, Value> = query
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !body.iter().all(u8::is_ascii_whitespace) {
        let parsed: Option<Map<String, Value>> = if is_form {
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
                .ok()
                .map(|pairs| {
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k, Value::String(v)))
                        .collect()
                })
        } else {
            serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|v| v.as_object().cloned())
        };
        match parsed {
            Some(more) => fields.extend(more),
            None => {
                return axum::Json(json!({"ok": false, "error": "invalid_json"})).into_response()
            }
        }
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let answer = demo
        .standin
        .call(method, authorization, &Value::Object(fields));
    axum::Json(answer).into_response()
}

/// A post to a `response_url`: Slack answers `ok` as plain text.
async fn hook(State(demo): State<Demo>, Path(id): Path<String>, body: Bytes) -> Response {
    let Ok(parsed) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "invalid_payload").into_response();
    };
    match demo.standin.hook(&id, &parsed) {
        Ok(()) => "ok".into_response(),
        Err(refusal) => (
            StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST),
            refusal.reason,
        )
            .into_response(),
    }
}
