//! The team's value-add library (`/followup resources`), what the agenda suggests sending, and
//! reply rates by cadence step and variant.

use chrono::Duration;

use super::{Reply, Service, ServiceError, MANAGERS_ONLY};
use crate::command::ResourcesCommand;
use crate::domain::due::{DueReport, DueTouch};
use crate::domain::metrics::Window;
use crate::domain::reply_rates::{self, StepRates};
use crate::domain::resources::{self, MAX_RESOURCES};
use crate::domain::RepRef;

impl Service {
    /// `resources`: any rep of the team reads the library and adds to it; a resource is removed
    /// by the rep who added it or by a manager.
    pub(super) async fn resources(
        &self,
        rep: &RepRef,
        command: ResourcesCommand,
    ) -> Result<Reply, ServiceError> {
        let team = &rep.team_id;
        match command {
            ResourcesCommand::List => Ok(Reply::Resources(self.store.resources(team).await?)),
            ResourcesCommand::Add(new) => {
                let library = self.store.resources(team).await?;
                if let Some(same) = library.iter().find(|r| r.url == new.url) {
                    return Ok(Reply::Problem(format!(
                        "that link is already in the library as {} ({}); nothing was added",
                        same.number, same.title
                    )));
                }
                match self
                    .store
                    .add_resource(team, &rep.user_id, &new, self.clock.now())
                    .await?
                {
                    Some(resource) => Ok(Reply::ResourceAdded(resource)),
                    None => Ok(Reply::Problem(format!(
                        "the library holds {MAX_RESOURCES} resources, its most: remove one first (`/followup resources remove <number>`)"
                    ))),
                }
            }
            ResourcesCommand::Remove(number) => {
                let library = self.store.resources(team).await?;
                let Some(resource) = library.into_iter().find(|r| r.number == number) else {
                    return Ok(Reply::Problem(format!(
                        "the library has no resource {number}; `/followup resources` lists them with their numbers"
                    )));
                };
                if resource.added_by != rep.user_id && !self.is_manager(rep).await? {
                    return Ok(Reply::Problem(format!(
                        "only the rep who added resource {number}, or a manager, can remove it. {MANAGERS_ONLY}"
                    )));
                }
                if !self
                    .store
                    .remove_resource(team, number, self.clock.now())
                    .await?
                {
                    return Ok(Reply::Problem(format!(
                        "resource {number} was already removed"
                    )));
                }
                Ok(Reply::ResourceRemoved(resource))
            }
        }
    }

    /// Fills in what each value-add touch of the agendas suggests (`reports[i]` is `reps[i]`'s):
    /// one library read per team, for every value-add touch of its reps' agendas.
    pub(super) async fn suggest_resources(
        &self,
        reps: &[RepRef],
        reports: &mut [DueReport],
    ) -> Result<(), ServiceError> {
        let mut teams: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (i, rep) in reps.iter().enumerate().take(reports.len()) {
            teams.entry(rep.team_id.as_str()).or_default().push(i);
        }
        for (team, members) in teams {
            let prospects: Vec<_> = members
                .iter()
                .flat_map(|&i| value_adds(&reports[i]).map(|t| t.prospect.id))
                .collect();
            if prospects.is_empty() {
                continue;
            }
            let library = self.store.library_for(team, &prospects).await?;
            if library.is_empty() {
                continue;
            }
            let all: Vec<_> = library.iter().map(|(r, _)| r.clone()).collect();
            for i in members {
                let report = &mut reports[i];
                let suggestions: Vec<_> = value_adds(report)
                    .filter_map(|t| {
                        let sent: Vec<i64> = library
                            .iter()
                            .filter(|(_, to)| to.contains(&t.prospect.id))
                            .map(|(r, _)| r.id)
                            .collect();
                        resources::suggest(&all, &sent, &t.prospect)
                            .map(|pick| (t.touch.id, pick.clone()))
                    })
                    .collect();
                report.resources.extend(suggestions);
            }
        }
        Ok(())
    }

    /// Reply rates by cadence step and variant over `window`: the team's, or one rep's.
    pub(super) async fn reply_rates(
        &self,
        rep: &RepRef,
        user_id: Option<&str>,
        window: Window,
    ) -> Result<Vec<StepRates>, ServiceError> {
        let since = match window {
            Window::Days(days) => Some(self.clock.now() - Duration::days(days)),
            Window::All => None,
        };
        let touches = self
            .store
            .done_touches(&rep.team_id, user_id, since)
            .await?;
        Ok(reply_rates::by_step(&touches))
    }
}

/// The agenda's value-add touches: due today or late.
fn value_adds(report: &DueReport) -> impl Iterator<Item = &DueTouch> {
    report
        .due_today
        .iter()
        .chain(&report.overdue)
        .filter(|t| resources::is_value_add(&t.touch))
}
