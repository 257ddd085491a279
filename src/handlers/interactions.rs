//! Interactivity: button and menu clicks, the message shortcut, and modal submissions.
//! The database change happens before the acknowledgement (it takes milliseconds); the message
//! update goes to Slack after it.

use serde_json::{json, Value};

use crate::app::AppState;
use crate::domain::RepRef;
use crate::service::Reply;
use crate::slack::actions::{self, OPEN_ADD_MODAL};
use crate::slack::blocks::{Block, Message};
use crate::slack::manifest::SHORTCUT_CALLBACK_ID;
use crate::slack::payload::{BlockActions, Interaction, MessageAction, ViewSubmission};
use crate::slack::render;
use crate::slack::render::modals::{
    add_prospect, edit_prospect as edit_modal, errors_response, log_touch as log_modal,
    meeting_recap as recap_modal,
};

use super::commands::{open_add_modal, WORK_BUDGET};
use super::Answer;

/// Answers a click or a modal submission. When our side fails, the rep is told so: a click gets
/// an apology next to the message (which keeps its buttons, to try again), and the add form stays
/// open with the apology instead of closing as if it were saved.
pub async fn answer(state: &AppState, interaction: Interaction) -> Answer {
    let response_url = match &interaction {
        Interaction::BlockActions(click) => click.response_url.clone(),
        _ => None,
    };
    let is_submission = matches!(interaction, Interaction::ViewSubmission(_));
    let work = async {
        match interaction {
            Interaction::BlockActions(click) => block_actions(state, click).await,
            Interaction::ViewSubmission(view) => view_submission(state, view).await,
            Interaction::ViewClosed {} => Ok(Answer::Empty),
            Interaction::MessageAction(shortcut) => Ok(message_shortcut(state, shortcut)),
            Interaction::Other => Ok(Answer::BadRequest("unsupported interaction type".into())),
        }
    };
    match tokio::time::timeout(WORK_BUDGET, work).await {
        Ok(Ok(answer)) => return answer,
        Ok(Err(e)) => tracing::error!(error = ?e, "interaction failed"),
        Err(_) => tracing::error!("interaction ran out of time"),
    }
    let apology = render::apology().text;
    if is_submission {
        return Answer::Json(errors_response(&[("name", apology)]));
    }
    if let Some(url) = response_url {
        respond_later(
            state,
            url,
            ephemeral(&apology),
            "telling the rep the click failed",
        );
    }
    Answer::Empty
}

/// "Follow up on this": the add modal, with the message as the note.
fn message_shortcut(state: &AppState, shortcut: MessageAction) -> Answer {
    if shortcut.callback_id != SHORTCUT_CALLBACK_ID {
        return Answer::BadRequest(format!("unknown shortcut `{}`", shortcut.callback_id));
    }
    let Some(trigger_id) = shortcut.trigger_id.filter(|t| !t.is_empty()) else {
        return Answer::BadRequest("a shortcut without a trigger_id".into());
    };
    let message = shortcut.message.unwrap_or_default();
    let text = message
        .get("text")
        .and_then(Value::as_str)
        .map(str::to_string);
    // The prospect is the message's author, unless the rep wrote it: then the first person named.
    let author = message
        .get("user")
        .and_then(Value::as_str)
        .map(str::to_string);
    let person = match author {
        Some(author) if author != shortcut.user.id => Some(author),
        _ => text
            .as_deref()
            .and_then(|t| first_mention(t, &shortcut.user.id)),
    };
    let slack = state.slack.clone();
    let service = state.service.clone();
    let team = shortcut.team.id;
    tokio::spawn(async move {
        // The form opens at once (a trigger_id lives 3 seconds); the author's name, which may
        // take users.info a while (and its retries), is filled in after with views.update.
        let cadences = super::commands::team_cadence_menu(&service, &team).await;
        let view = add_prospect::add_prospect_view_prefilled(None, text.as_deref(), &cadences);
        let view_id = match slack.open_view_for_update(&team, &trigger_id, &view).await {
            Ok(id) => id,
            Err(e) => {
                tracing::error!(error = %e, "views.open for the shortcut failed");
                return;
            }
        };
        let (Some(user), Some(view_id)) = (person, view_id) else {
            return;
        };
        let name = slack.user_name(&team, &user).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "looking up the message's author failed");
            None
        });
        if let Some(name) = name {
            let view =
                add_prospect::add_prospect_view_prefilled(Some(&name), text.as_deref(), &cadences);
            if let Err(e) = slack.update_view(&team, &view_id, &view).await {
                tracing::warn!(error = %e, "filling in the author's name failed");
            }
        }
    });
    Answer::Empty
}

/// The first `<@U…>` in a message's text that is not `except`.
fn first_mention(text: &str, except: &str) -> Option<String> {
    text.split("<@")
        .skip(1)
        .filter_map(|rest| rest.split(['>', '|']).next())
        .find(|user| *user != except && !user.is_empty())
        .map(str::to_string)
}

type Handled = Result<Answer, crate::service::ServiceError>;

async fn block_actions(state: &AppState, click: BlockActions) -> Handled {
    let Some(action) = click.actions.first() else {
        return Ok(Answer::BadRequest("block_actions without an action".into()));
    };
    let rep = RepRef::new(click.team.id.clone(), click.user.id.clone());
    if action.action_id == OPEN_ADD_MODAL {
        open_add_modal(state, &rep.team_id, click.trigger_id.as_deref());
        return Ok(Answer::Empty);
    }
    let chosen = action.chosen().unwrap_or_default();
    if action.action_id == actions::LOG {
        return open_log_modal(state, &rep, &click, chosen).await;
    }
    if action.action_id == actions::EDIT {
        return open_edit_modal(state, &rep, &click, chosen).await;
    }
    if action.action_id == actions::DELIVERED {
        let Ok(item) = chosen.parse::<i64>() else {
            return Ok(Answer::BadRequest(format!("a delivery of `{chosen}`")));
        };
        let reply = state.service.deliver(&rep, item).await?;
        let today = applied_today(state, &rep).await?;
        let update = match reply {
            Reply::Delivered(true) => {
                let result = render::reply(&reply, today).text;
                in_place(
                    state,
                    &rep,
                    &click,
                    action.block_id.as_deref(),
                    &result,
                    None,
                )
                .await?
            }
            other => beside(&other, today),
        };
        if let Some(url) = click.response_url.clone() {
            respond_later(state, url, update, "the message after a delivery");
        }
        return Ok(Answer::Empty);
    }
    let today = applied_today(state, &rep).await?;
    let update = if action.action_id == actions::UNDO {
        let Ok(undo_id) = chosen.parse::<i64>() else {
            return Ok(Answer::BadRequest(format!("an undo of `{chosen}`")));
        };
        match state.service.undo(&rep, undo_id).await? {
            Reply::Undone(restored) => {
                undone_in_place(state, &rep, &click, action.block_id.as_deref(), &restored).await?
            }
            other => beside(&other, today),
        }
    } else {
        let (prospect_id, decided) = match actions::decode(&action.action_id, chosen) {
            Ok(decoded) => decoded,
            Err(e) => return Ok(Answer::BadRequest(e.to_string())),
        };
        let reply = state.service.act(&rep, prospect_id, &decided).await?;
        match &reply {
            Reply::Applied { undo, .. } => {
                let result = render::reply(&reply, today).text;
                in_place(
                    state,
                    &rep,
                    &click,
                    action.block_id.as_deref(),
                    &result,
                    *undo,
                )
                .await?
            }
            Reply::NotFound(_) => {
                ephemeral("That prospect is not on your list, so nothing changed.")
            }
            other => beside(other, today),
        }
    };
    let from_home = click
        .container
        .as_ref()
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        == Some("view");
    if from_home {
        super::events::publish_home(state, &rep);
    }
    if let Some(url) = click.response_url.clone() {
        respond_later(state, url, update, "the clicked message, updated");
    }
    Ok(Answer::Empty)
}

async fn applied_today(
    state: &AppState,
    rep: &RepRef,
) -> Result<chrono::NaiveDate, crate::service::ServiceError> {
    Ok(state
        .service
        .settings(rep)
        .await?
        .context(state.clock.now())
        .today)
}

/// Posts `body` to the click's `response_url` after the acknowledgement; a failure is logged
/// with `what` (what the rep would have seen).
fn respond_later(state: &AppState, url: String, body: Value, what: &'static str) {
    let slack = state.slack.clone();
    tokio::spawn(async move {
        if let Err(e) = slack.respond(&url, &body).await {
            tracing::error!(error = %e, what, "a response to the rep failed");
        }
    });
}

/// A reply shown beside the clicked message, which stays as it was.
fn beside(reply: &Reply, today: chrono::NaiveDate) -> Value {
    let mut body = render::reply(reply, today).ephemeral();
    body["replace_original"] = json!(false);
    body
}

fn ephemeral(text: &str) -> Value {
    json!({"response_type": "ephemeral", "replace_original": false, "text": text})
}

/// The section an item's buttons belong to: `act.12` → `touch.12`, `awaiting_act.7` → `awaiting.7`.
fn section_of(actions_id: &str) -> Option<String> {
    if let Some(touch) = actions_id.strip_prefix("act.") {
        Some(format!("touch.{touch}"))
    } else if let Some(item) = actions_id.strip_prefix("item_act.") {
        Some(format!("item.{item}"))
    } else {
        actions_id
            .strip_prefix("awaiting_act.")
            .map(|p| format!("awaiting.{p}"))
    }
}

/// The blocks of the message clicked in, as Slack sent them back.
fn original_blocks(click: &BlockActions) -> Option<Vec<Block>> {
    click
        .message
        .as_ref()
        .and_then(|m| m.get("blocks"))
        .and_then(Value::as_array)
        .map(|blocks| blocks.iter().cloned().map(Block::Raw).collect())
}

fn original_text(click: &BlockActions) -> String {
    click
        .message
        .as_ref()
        .and_then(|m| m.get("text"))
        .and_then(Value::as_str)
        .unwrap_or("followup")
        .to_string()
}

/// The clicked message, with the clicked touch replaced by what happened (and an Undo button),
/// and its header, counts and flags brought up to date. Without the original (an ephemeral
/// message), today's agenda is drawn again under the result.
async fn in_place(
    state: &AppState,
    rep: &RepRef,
    click: &BlockActions,
    block_id: Option<&str>,
    result: &str,
    undo: Option<i64>,
) -> Result<Value, crate::service::ServiceError> {
    let agenda = state.service.due(rep).await?;
    let ids = block_id.and_then(|b| section_of(b).map(|section| (section, b.to_string())));
    let (blocks, text) = match (original_blocks(click), ids) {
        (Some(blocks), Some((section, actions))) => {
            let patched = render::patch_blocks(&blocks, &section, &actions, result, undo);
            let settled = settle_from_store(state, rep, patched, &agenda).await?;
            (
                render::refresh_summary(&settled, &agenda),
                original_text(click),
            )
        }
        _ => {
            let drawn: Message = render::due(&agenda);
            let mut blocks = vec![crate::slack::blocks::section(result)];
            if let Some(undo) = undo {
                blocks.push(render::undo_actions("undo.reply", undo));
            }
            let room = crate::slack::blocks::MAX_MESSAGE_BLOCKS - blocks.len();
            blocks.extend(drawn.capped().into_iter().take(room));
            (blocks, drawn.text)
        }
    };
    Ok(json!({"replace_original": true, "text": text, "blocks": blocks}))
}

/// The message Slack sent back is the copy from when it was clicked: a touch handled meanwhile
/// (a second quick click on another entry, a command, the Home tab) still has its buttons there.
/// Each such touch is drawn again from the store, as what became of it, so an update never
/// brings back buttons for something already done.
async fn settle_from_store(
    state: &AppState,
    rep: &RepRef,
    blocks: Vec<Block>,
    agenda: &crate::domain::due::DueReport,
) -> Result<Vec<Block>, crate::service::ServiceError> {
    let settled = render::settled_touches(&blocks, agenda);
    if settled.is_empty() {
        return Ok(blocks);
    }
    let mut lines = Vec::with_capacity(settled.len());
    for (touch, prospect) in settled {
        let now = state.service.store.prospect_state(rep, prospect).await?;
        lines.push((touch, render::settled_line(now.as_ref(), touch)));
    }
    Ok(render::settle_blocks(blocks, &lines))
}

/// After an undo: the item is drawn again from the store where its result line was, with its
/// buttons, and the summary brought up to date.
async fn undone_in_place(
    state: &AppState,
    rep: &RepRef,
    click: &BlockActions,
    block_id: Option<&str>,
    restored: &crate::domain::ProspectState,
) -> Result<Value, crate::service::ServiceError> {
    let agenda = state.service.due(rep).await?;
    let today = agenda.today;
    let line = render::reply(&Reply::Undone(restored.clone()), today).text;
    let undone = block_id.and_then(|b| {
        let actions = b.strip_prefix(render::UNDO_PREFIX)?;
        Some((b.to_string(), section_of(actions)?))
    });
    let blocks = match (original_blocks(click), undone) {
        (Some(blocks), Some((undo_block, section))) => {
            let mut item = render::agenda_item(&agenda, restored.prospect.id);
            if item.is_empty() {
                item.push(crate::slack::blocks::section_with_id(&section, &line));
            }
            let unpatched = render::unpatch_blocks(&blocks, &section, &undo_block, item);
            render::refresh_summary(
                &settle_from_store(state, rep, unpatched, &agenda).await?,
                &agenda,
            )
        }
        _ => {
            let mut blocks = vec![crate::slack::blocks::section(&line)];
            blocks.extend(
                render::due(&agenda)
                    .capped()
                    .into_iter()
                    .take(crate::slack::blocks::MAX_MESSAGE_BLOCKS - 1),
            );
            blocks
        }
    };
    Ok(json!({"replace_original": true, "text": original_text(click), "blocks": blocks}))
}

/// A click on a prospect that is not the rep's: told so beside the message; nothing opens.
fn not_yours(state: &AppState, click: &BlockActions) -> Answer {
    if let Some(url) = click.response_url.clone() {
        let body = ephemeral("That prospect is not on your list, so nothing changed.");
        respond_later(state, url, body, "refusing a form");
    }
    Answer::Empty
}

/// Opens a form after the acknowledgement (its `trigger_id` lives 3 seconds).
fn open_view_after(state: &AppState, rep: &RepRef, trigger_id: String, view: Value) {
    let slack = state.slack.clone();
    let team = rep.team_id.clone();
    tokio::spawn(async move {
        if let Err(e) = slack.open_view(&team, &trigger_id, &view).await {
            tracing::error!(error = %e, "views.open for a form failed");
        }
    });
}

/// "Log…": the modal for the clicked touch, opened at once (a `trigger_id` lives 3 seconds).
async fn open_log_modal(
    state: &AppState,
    rep: &RepRef,
    click: &BlockActions,
    value: &str,
) -> Handled {
    let mut parts = value.split('.').map(str::parse::<i64>);
    let (Some(Ok(prospect)), Some(Ok(touch)), None) = (parts.next(), parts.next(), parts.next())
    else {
        return Ok(Answer::BadRequest(format!("a log of `{value}`")));
    };
    let Some(trigger_id) = click.trigger_id.clone().filter(|t| !t.is_empty()) else {
        return Ok(Answer::BadRequest("a click without a trigger_id".into()));
    };
    // Only the rep's own prospect: someone else's gets no form.
    let found = state
        .service
        .store
        .prospect_state(rep, prospect)
        .await
        .map_err(crate::service::ServiceError::from)?;
    let Some(found) = found else {
        return Ok(not_yours(state, click));
    };
    let Some(t) = found.touches.iter().find(|t| t.id == touch) else {
        return Ok(Answer::BadRequest(format!(
            "no touch {touch} for #{prospect}"
        )));
    };
    let step_channel = t
        .cadence
        .cadence()
        .step(t.step_index as usize)
        .and_then(|s| s.channels.first().copied());
    let title = format!("{} · {}", found.prospect.name, t.position());
    let meta = log_modal::LogMeta {
        prospect,
        touch,
        response_url: click.response_url.clone(),
    };
    let view = log_modal::view(&meta, &title, step_channel);
    open_view_after(state, rep, trigger_id, view);
    Ok(Answer::Empty)
}

/// The log form submitted: the touch is logged, the form closes, and the message it came from
/// shows the result (with Undo) above today's agenda.
async fn log_submission(state: &AppState, view: ViewSubmission) -> Handled {
    let rep = RepRef::new(view.team.id.clone(), view.user.id.clone());
    let (meta, action) = match log_modal::parse(&view.view.private_metadata, &view.view.state) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Answer::Json(errors_response(&errors))),
    };
    let reply = state.service.act(&rep, meta.prospect, &action).await?;
    let today = applied_today(state, &rep).await?;
    match &reply {
        Reply::Applied { undo, .. } => {
            let result = render::reply(&reply, today).text;
            if let Some(url) = meta.response_url {
                let agenda = render::due(&state.service.due(&rep).await?);
                let mut blocks = vec![crate::slack::blocks::section(&result)];
                if let Some(undo) = undo {
                    blocks.push(render::undo_actions("undo.reply", *undo));
                }
                let room = crate::slack::blocks::MAX_MESSAGE_BLOCKS - blocks.len();
                blocks.extend(agenda.capped().into_iter().take(room));
                let update =
                    json!({"replace_original": true, "text": agenda.text, "blocks": blocks});
                respond_later(state, url, update, "the message after the log form");
            }
            Ok(Answer::Empty)
        }
        other => Ok(Answer::Json(errors_response(&[(
            "note",
            render::reply(other, today).text,
        )]))),
    }
}

/// "Edit" under `show`: the edit form, filled in with what is stored.
async fn open_edit_modal(
    state: &AppState,
    rep: &RepRef,
    click: &BlockActions,
    value: &str,
) -> Handled {
    let Ok(prospect) = value.parse::<i64>() else {
        return Ok(Answer::BadRequest(format!("an edit of `{value}`")));
    };
    let Some(trigger_id) = click.trigger_id.clone().filter(|t| !t.is_empty()) else {
        return Ok(Answer::BadRequest("a click without a trigger_id".into()));
    };
    let found = state
        .service
        .store
        .prospect_state(rep, prospect)
        .await
        .map_err(crate::service::ServiceError::from)?;
    let Some(found) = found else {
        return Ok(not_yours(state, click));
    };
    let view = edit_modal::view(&found.prospect, click.response_url.clone());
    open_view_after(state, rep, trigger_id, view);
    Ok(Answer::Empty)
}

/// The edit form submitted: only what changed is written; the `show` it came from is drawn again
/// under a line saying what changed.
async fn edit_submission(state: &AppState, view: ViewSubmission) -> Handled {
    let rep = RepRef::new(view.team.id.clone(), view.user.id.clone());
    let (meta, edit) = match edit_modal::parse(&view.view.private_metadata, &view.view.state) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Answer::Json(errors_response(&errors))),
    };
    let action = crate::domain::lifecycle::Action::Edit(Box::new(edit));
    let reply = state.service.act(&rep, meta.prospect, &action).await?;
    let today = applied_today(state, &rep).await?;
    match &reply {
        Reply::Applied {
            state: after, undo, ..
        } => {
            if let Some(url) = meta.response_url {
                let mut blocks = vec![crate::slack::blocks::section(
                    &render::reply(&reply, today).text,
                )];
                if let Some(undo) = undo {
                    blocks.push(render::undo_actions("undo.reply", *undo));
                }
                blocks.extend(render::reply(&Reply::Show(after.clone()), today).capped());
                blocks.truncate(crate::slack::blocks::MAX_MESSAGE_BLOCKS);
                let update =
                    json!({"replace_original": true, "text": "Prospect updated", "blocks": blocks});
                respond_later(state, url, update, "the edit's result");
            }
            Ok(Answer::Empty)
        }
        other => Ok(Answer::Json(errors_response(&[(
            "name",
            render::reply(other, today).text,
        )]))),
    }
}

/// The recap form submitted: items stored, the prospect on the recap cadence, and the drafted
/// email posted where `/followup recap` was typed.
async fn recap_submission(state: &AppState, view: ViewSubmission) -> Handled {
    let rep = RepRef::new(view.team.id.clone(), view.user.id.clone());
    let today = applied_today(state, &rep).await?;
    let (meta, form) =
        match recap_modal::parse(&view.view.private_metadata, &view.view.state, today) {
            Ok(parsed) => parsed,
            Err(errors) => return Ok(Answer::Json(errors_response(&errors))),
        };
    let reply = state.service.recap(&rep, meta.prospect, form).await?;
    if !matches!(reply, Reply::Recapped { .. }) {
        return Ok(Answer::Json(errors_response(&[(
            "discussed",
            render::reply(&reply, today).text,
        )])));
    }
    let message = render::reply(&reply, today);
    let slack = state.slack.clone();
    tokio::spawn(async move {
        let sent = match meta.response_url {
            Some(url) => {
                let mut body = message.ephemeral();
                body["replace_original"] = json!(false);
                slack.respond(&url, &body).await
            }
            None => slack
                .post_dm(&rep.team_id, &rep.user_id, &message)
                .await
                .map(|_| ()),
        };
        if let Err(e) = sent {
            tracing::error!(error = %e, "sending the drafted recap failed");
        }
    });
    Ok(Answer::Empty)
}

async fn view_submission(state: &AppState, view: ViewSubmission) -> Handled {
    if view.view.callback_id == log_modal::CALLBACK_ID {
        return log_submission(state, view).await;
    }
    if view.view.callback_id == edit_modal::CALLBACK_ID {
        return edit_submission(state, view).await;
    }
    if view.view.callback_id == recap_modal::CALLBACK_ID {
        return recap_submission(state, view).await;
    }
    if view.view.callback_id == crate::slack::render::modals::cadence_import::CALLBACK_ID {
        return super::cadence_import::submission(state, view).await;
    }
    if view.view.callback_id != add_prospect::CALLBACK_ID {
        return Ok(Answer::BadRequest(format!(
            "unknown view `{}`",
            view.view.callback_id
        )));
    }
    let rep = RepRef::new(view.team.id.clone(), view.user.id.clone());
    let today = applied_today(state, &rep).await?;
    let new = match add_prospect::parse_submission(&view.view.state, today) {
        Ok(new) => new,
        Err(errors) => return Ok(Answer::Json(errors_response(&errors))),
    };
    if let Some(typed) = &new.team_cadence {
        // Offered when the form opened, but a manager may have imported since.
        let offered = state.service.enrollable_team_cadences(&rep.team_id).await?;
        if !offered.iter().any(|c| c.as_str() == typed) {
            let problem = format!(
                "`{typed}` is not one of the team's cadences any more (a manager changed them): pick another."
            );
            return Ok(Answer::Json(errors_response(&[("cadence", problem)])));
        }
    }
    let reply = state.service.add(&rep, &new).await?;
    if let Reply::Problem(problem) = &reply {
        return Ok(Answer::Json(errors_response(&[("name", problem.clone())])));
    }
    let message = render::reply(&reply, today);
    let slack = state.slack.clone();
    tokio::spawn(async move {
        let sent = slack.post_dm(&rep.team_id, &rep.user_id, &message).await;
        if let Err(e) = sent {
            tracing::error!(error = %e, "confirming the new prospect by DM failed");
        }
    });
    Ok(Answer::Empty)
}
