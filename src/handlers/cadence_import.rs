//! The cadence-import form submitted: checked and stored whole, or every problem shown in it.

use crate::app::AppState;
use crate::domain::RepRef;
use crate::slack::payload::ViewSubmission;
use crate::slack::render::modals::{cadence_import as cadence_modal, errors_response};

use super::Answer;

pub async fn submission(
    state: &AppState,
    view: ViewSubmission,
) -> Result<Answer, crate::service::ServiceError> {
    let rep = RepRef::new(view.team.id.clone(), view.user.id.clone());
    let text = cadence_modal::file_text(&view.view.state);
    let done = match state.service.import_cadences_as(&rep, &text).await? {
        Ok(done) => done,
        Err(problems) => {
            return Ok(Answer::Json(errors_response(&cadence_modal::errors(
                &problems,
            ))))
        }
    };
    let message = crate::slack::render::cadences::imported(&done);
    let slack = state.slack.clone();
    tokio::spawn(async move {
        if let Err(e) = slack.post_dm(&rep.team_id, &rep.user_id, &message).await {
            tracing::error!(error = %e, "confirming the cadence import by DM failed");
        }
    });
    Ok(Answer::Empty)
}
