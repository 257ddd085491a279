//! The Events API. Answers `url_verification`; accepts `app_home_opened`.

use serde_json::json;

use crate::app::AppState;
use crate::domain::RepRef;
use crate::slack::payload::{EventCallback, EventEnvelope};

use super::Answer;

/// How long a workspace's data is kept after it uninstalls followup, in case it comes back.
pub const PURGE_AFTER_DAYS: i64 = 30;

/// Draws the rep's Home tab after the acknowledgement.
pub fn publish_home(state: &AppState, rep: &RepRef) {
    let state = state.clone();
    let rep = rep.clone();
    tokio::spawn(async move {
        let view = match state.service.home(&rep).await {
            Ok(home) => crate::slack::render::home(&home),
            Err(e) => {
                tracing::error!(error = ?e, "building the Home tab failed");
                return;
            }
        };
        if let Err(e) = state
            .slack
            .publish_home(&rep.team_id, &rep.user_id, &view)
            .await
        {
            tracing::error!(error = %e, "views.publish failed");
        }
    });
}

/// Handles one Events API delivery; `redelivery` when Slack is sending it again.
pub async fn answer(state: &AppState, envelope: EventEnvelope, redelivery: bool) -> Answer {
    match envelope {
        EventEnvelope::UrlVerification { challenge } => {
            Answer::Json(json!({ "challenge": challenge }))
        }
        EventEnvelope::EventCallback(EventCallback { team_id, event }) => {
            let kind = event
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("unknown");
            let bot_tokens_revoked = kind == "tokens_revoked"
                && event["tokens"]["bot"]
                    .as_array()
                    .is_some_and(|b| !b.is_empty());
            if kind == "app_uninstalled" || bot_tokens_revoked {
                // Both steps are idempotent, so a redelivery does no harm.
                let store = &state.service.store;
                let now = state.clock.now();
                let purge_after = now + chrono::Duration::days(PURGE_AFTER_DAYS);
                let removed = async {
                    let deleted = store.delete_workspace(&team_id).await?;
                    store
                        .revoke_workspace(&team_id, kind, now, Some(purge_after))
                        .await?;
                    Ok::<_, crate::store::StoreError>(deleted)
                }
                .await;
                match removed {
                    Ok(deleted) => {
                        state.slack.forget(&team_id);
                        tracing::info!(
                            %team_id,
                            kind,
                            token_deleted = deleted,
                            purge_after = %purge_after.date_naive(),
                            "followup was removed from the workspace: no more digests; its data is deleted on the purge date unless it is installed again"
                        );
                    }
                    Err(e) => {
                        // Slack delivers the event again later.
                        tracing::error!(error = ?e, %team_id, "recording the uninstall failed");
                        return Answer::RetryLater;
                    }
                }
            } else if kind == "app_home_opened" && event["tab"].as_str().unwrap_or("home") == "home"
            {
                if let Some(user) = event["user"].as_str() {
                    publish_home(state, &RepRef::new(team_id.clone(), user));
                }
            } else if redelivery {
                tracing::debug!(%team_id, kind, "event redelivered; already handled");
            } else {
                tracing::debug!(%team_id, kind, "event received");
            }
            Answer::Empty
        }
        EventEnvelope::AppRateLimited {} => Answer::Empty,
    }
}
