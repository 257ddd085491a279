//! The demo's own routes: the page, the JSON it polls, the things it does (type a command, click,
//! submit or close a modal, open the Home tab, go to the next morning), with the stand-in's Web API
//! and `response_url` hooks under `/demo`. Every action reaches the app as Slack would deliver it
//! (see `wire`).
//! Bad input is a 400 with a reason.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::clock::{next_morning, DemoClock};
use super::standin::{self, StandIn};
use super::team::{self, DemoUser};
use super::wire::{self, Wire};
use super::{html, interact, screen};
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
        .route("/demo/click", post(interact::click))
        .route("/demo/submit", post(interact::submit))
        .route("/demo/close", post(interact::close))
        .route("/demo/home", post(open_home))
        .route("/demo/next-morning", post(next_morning_pass))
        .with_state(demo.clone())
        .nest(standin::PREFIX, demo.standin.router())
}

pub(super) fn bad(reason: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, reason.into()).into_response()
}

pub(super) fn parse<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("not the JSON this endpoint takes: {e}"))
}

pub(super) fn rep(id: &str) -> Result<&'static DemoUser, String> {
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
    axum::Json(screen::screen(&snapshot, demo.clock.now())).into_response()
}

/// What the app answered, when it is not a plain acknowledgement, noted where the rep sees it.
pub(super) fn note_failure(
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

pub(super) fn log_delivery(demo: &Demo, what: &str, answer: &Result<wire::AppAnswer, String>) {
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
