//! A team's own cadences in the service: listing them, importing a file (managers only from
//! Slack), the team default, and naming one in `add` and `move`.

use chrono::{DateTime, Utc};

use super::{Reply, Service, ServiceError, MANAGERS_ONLY};
use crate::domain::cadence_file::{self, Problem};
use crate::domain::team_cadences::TeamCadences;
use crate::domain::{CadenceId, NewProspect, RepRef};
use crate::store::CadenceImport;

impl Service {
    /// `cadences`: the built-ins and the team's own, and which one `add` takes by default.
    pub async fn cadences(&self, team_id: &str) -> Result<Reply, ServiceError> {
        let team = self.store.team_cadences(team_id).await?;
        Ok(Reply::Cadences {
            team: team.listed().to_vec(),
            default: team.team_default(),
        })
    }

    /// The team's own cadences a rep can enrol in, in file order (the add form's menu).
    pub async fn enrollable_team_cadences(
        &self,
        team_id: &str,
    ) -> Result<Vec<CadenceId>, ServiceError> {
        Ok(self.store.team_cadences(team_id).await?.listed().to_vec())
    }

    /// `cadence import` from Slack: the form for a manager, a refusal for anyone else.
    pub async fn open_cadence_import(&self, rep: &RepRef) -> Result<Reply, ServiceError> {
        if !self.is_manager(rep).await? {
            return Ok(Reply::Problem(format!(
                "only a manager can import the team's cadences. {MANAGERS_ONLY}"
            )));
        }
        Ok(Reply::OpenCadenceImport)
    }

    /// A cadence file pasted into the form by `rep`: checked whole, then stored whole.
    /// `Ok(Err(problems))` when the file fails a check (nothing stored) or `rep` is no manager.
    pub async fn import_cadences_as(
        &self,
        rep: &RepRef,
        text: &str,
    ) -> Result<Result<CadenceImport, Vec<Problem>>, ServiceError> {
        if !self.is_manager(rep).await? {
            return Ok(Err(vec![Problem {
                cadence: String::new(),
                step: None,
                line: 0,
                what: format!("only a manager can import the team's cadences. {MANAGERS_ONLY}"),
            }]));
        }
        self.import_cadences(&rep.team_id, text, &rep.user_id, self.clock.now())
            .await
    }

    /// Checks a cadence file and, when every check passes, adds or replaces the team's
    /// cadences with it (the CLI's path: no manager check, the operator runs it).
    pub async fn import_cadences(
        &self,
        team_id: &str,
        text: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<CadenceImport, Vec<Problem>>, ServiceError> {
        let defs = match cadence_file::parse(text, false) {
            Ok(defs) => defs,
            Err(problems) => return Ok(Err(problems)),
        };
        Ok(Ok(self
            .store
            .import_cadences(team_id, &defs, by, now)
            .await?))
    }

    /// `settings default-cadence <id>`, managers only.
    pub(super) async fn set_default_cadence(
        &self,
        rep: &RepRef,
        typed: Option<&str>,
    ) -> Result<Reply, ServiceError> {
        if !self.is_manager(rep).await? {
            return Ok(Reply::Problem(format!(
                "only a manager can choose the team's default cadence. {MANAGERS_ONLY}"
            )));
        }
        let team = self.store.team_cadences(&rep.team_id).await?;
        let chosen = match typed {
            Some(typed) => match team.usable(typed) {
                Ok(id) => Some(id),
                Err(e) => return Ok(Reply::Problem(e.to_string())),
            },
            None => None,
        };
        self.store
            .set_default_cadence(
                &rep.team_id,
                chosen.map(CadenceId::as_str),
                &rep.user_id,
                self.clock.now(),
            )
            .await?;
        Ok(Reply::DefaultCadence(
            chosen.unwrap_or(CadenceId::TEAM_DEFAULT),
        ))
    }

    /// The cadence `add` enrols `new` in, with the team's cadences: the one named (a team
    /// id must be one of the team's current cadences), else by lead, else the team default.
    pub(super) async fn cadence_for(
        &self,
        rep: &RepRef,
        new: &NewProspect,
    ) -> Result<Result<CadenceId, String>, ServiceError> {
        let team = self.store.team_cadences(&rep.team_id).await?;
        Ok(pick(&team, new))
    }

    /// A cadence `move` names: a built-in, or one of the team's current cadences.
    pub(super) async fn cadence_named(
        &self,
        rep: &RepRef,
        typed: &Result<CadenceId, String>,
    ) -> Result<Result<CadenceId, String>, ServiceError> {
        match typed {
            Ok(built_in) => Ok(Ok(*built_in)),
            Err(typed) => {
                let team = self.store.team_cadences(&rep.team_id).await?;
                Ok(team.usable(typed).map_err(|e| e.to_string()))
            }
        }
    }
}

fn pick(team: &TeamCadences, new: &NewProspect) -> Result<CadenceId, String> {
    match &new.team_cadence {
        Some(typed) => team.usable(typed).map_err(|e| e.to_string()),
        None => Ok(team.choose(new)),
    }
}
