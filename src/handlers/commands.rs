//! `/followup …`: answered in the acknowledgement (the HTTP reply, or Socket Mode's ack); only
//! opening a modal calls the Web API, after the acknowledgement.

use std::time::Duration;

use crate::app::AppState;
use crate::command::{self, Command};
use crate::domain::RepRef;
use crate::slack::blocks::Message;
use crate::slack::payload::SlashCommand;
use crate::slack::render;
use crate::slack::render::modals::add_prospect::add_prospect_view;

use super::Answer;

/// Slack waits 3 seconds; the database gets most of that, the reply the rest.
pub const WORK_BUDGET: Duration = Duration::from_millis(2500);

/// A command's answer: a message, or help (the same every time).
enum Done {
    Message(Message),
    Help,
}

/// `/followup help`'s reply body, serialized the first time it is asked for.
fn help_body() -> &'static [u8] {
    static BODY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BODY.get_or_init(|| {
        let help = render::reply(&crate::service::Reply::Help, chrono::NaiveDate::MIN);
        serde_json::to_vec(&help.ephemeral_body()).unwrap_or_default()
    })
}

/// Answers `/followup …`: the reply is the acknowledgement.
pub async fn answer(state: &AppState, form: SlashCommand) -> Answer {
    if form.team_id.is_empty() || form.user_id.is_empty() {
        return Answer::BadRequest("a slash command needs team_id and user_id".into());
    }
    let rep = RepRef::new(form.team_id.clone(), form.user_id.clone());
    let work = async {
        let settings = state.service.settings(&rep).await?;
        let today = settings.context(state.clock.now()).today;
        if settings.tz_source == crate::domain::TzSource::Default
            && settings.tz_checked_at.is_none()
            && state.slack.has_token()
        {
            // A rep never seen: their zone from Slack, after this answer, so the next command's
            // "today" and the first digest are the rep's own rather than UTC's.
            let (slack, service, now) = (
                state.slack.clone(),
                state.service.clone(),
                state.clock.now(),
            );
            let mut settings = settings.clone();
            tokio::spawn(async move {
                if let Err(e) =
                    crate::digest::refresh_zone(&slack, &service, &mut settings, now).await
                {
                    tracing::warn!(error = ?e, "reading a new rep's time zone failed");
                }
            });
        }
        let command = match command::parse(&form.text, today) {
            Ok(command) => command,
            Err(e) => {
                let hint = "\n_`/followup help` shows every command._";
                return Ok(Done::Message(Message::plain(format!(
                    "⚠️ {}{hint}",
                    crate::slack::mrkdwn::escape_entities(&e.to_string())
                ))));
            }
        };
        if command == Command::AddModal {
            return Ok(Done::Message(open_add_modal(
                state,
                &rep.team_id,
                form.trigger_id.as_deref(),
            )));
        }
        let reply = state.service.run(&rep, command).await?;
        if reply == crate::service::Reply::Help {
            return Ok(Done::Help);
        }
        if reply == crate::service::Reply::OpenCadenceImport {
            let Some(trigger_id) = form.trigger_id.clone().filter(|t| !t.is_empty()) else {
                return Ok(Done::Message(Message::plain(
                    "Slack sent no trigger to open the form with; try `/followup cadence import` again.",
                )));
            };
            let slack = state.slack.clone();
            let team = rep.team_id.clone();
            tokio::spawn(async move {
                let view = crate::slack::render::modals::cadence_import::view();
                if let Err(e) = slack.open_view(&team, &trigger_id, &view).await {
                    tracing::error!(error = %e, "views.open for the cadence import failed");
                }
            });
            return Ok(Done::Message(Message::new("")));
        }
        if let crate::service::Reply::OpenRecap(prospect) = &reply {
            if let Some(trigger_id) = form.trigger_id.clone().filter(|t| !t.is_empty()) {
                let meta = crate::slack::render::modals::meeting_recap::RecapMeta {
                    prospect: prospect.id,
                    response_url: form.response_url.clone(),
                };
                let view = crate::slack::render::modals::meeting_recap::view(&meta, &prospect.name);
                let slack = state.slack.clone();
                let team = rep.team_id.clone();
                tokio::spawn(async move {
                    if let Err(e) = slack.open_view(&team, &trigger_id, &view).await {
                        tracing::error!(error = %e, "views.open for the recap form failed");
                    }
                });
                return Ok(Done::Message(Message::new("")));
            }
        }
        Ok::<_, crate::service::ServiceError>(Done::Message(render::reply(&reply, today)))
    };
    match tokio::time::timeout(WORK_BUDGET, work).await {
        Ok(Ok(Done::Help)) => Answer::Prepared(help_body()),
        Ok(Ok(Done::Message(message))) if message.blocks.is_empty() => Answer::Empty,
        Ok(Ok(Done::Message(message))) => Answer::Ephemeral(message),
        Ok(Err(e)) => {
            tracing::error!(error = ?e, "slash command failed");
            Answer::Ephemeral(render::apology())
        }
        Err(_) => {
            tracing::error!("slash command ran out of time");
            Answer::Ephemeral(render::apology())
        }
    }
}

/// The team's own cadences for the add form's menu; on a store error, the built-ins alone
/// (the form still opens).
pub async fn team_cadence_menu(
    service: &crate::service::Service,
    team_id: &str,
) -> Vec<crate::domain::CadenceId> {
    service
        .enrollable_team_cadences(team_id)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the team's cadences for the add form could not be read");
            Vec::new()
        })
}

/// Opens the add modal after the acknowledgement; an empty message means "nothing to show".
pub fn open_add_modal(state: &AppState, team_id: &str, trigger_id: Option<&str>) -> Message {
    let Some(trigger_id) = trigger_id.filter(|t| !t.is_empty()) else {
        return Message::plain("⚠️ I couldn't open the form. Try `/followup add Jane Doe jane@acme.com company:Acme` instead.");
    };
    let slack = state.slack.clone();
    let service = state.service.clone();
    let trigger_id = trigger_id.to_string();
    let team_id = team_id.to_string();
    tokio::spawn(async move {
        let team = team_cadence_menu(&service, &team_id).await;
        if let Err(e) = slack
            .open_view(&team_id, &trigger_id, &add_prospect_view(&team))
            .await
        {
            tracing::error!(error = %e, "views.open failed");
        }
    });
    Message::new("")
}
