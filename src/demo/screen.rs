//! The page's JSON for one rep: the conversation with the app, the Home tab, the open modal and
//! the "under the hood" log, each drawn as HTML from what the stand-in holds.

use serde_json::{json, Value};

use super::html;
use super::standin::{Author, Entry, Snapshot, View};

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
        Author::Note => ("demo", "demo", ""),
    };
    let edited = if entry.edited {
        " · <span class=\"edited\">(edited)</span>"
    } else {
        ""
    };
    let body = match entry.author {
        Author::Typed => format!("<code>{}</code>", html::escape(&entry.text)),
        Author::Note => html::escape(&entry.text),
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
