//! What followup does for a rep, whatever the transport: runs commands and button actions
//! against the store and answers with a [`Reply`] that `slack::render` turns into Block Kit.

mod cadences;

use std::sync::Arc;

use chrono::NaiveTime;

use crate::clock::Clock;
use crate::command::{Command, SettingsChange, Target};
use crate::domain::away;
use crate::domain::due::{self, DueReport, ProspectNext};
use crate::domain::lifecycle::{self, enrol_in, Action, Outcome, ProspectState, TouchRef};
use crate::domain::metrics::{self, Metrics, Window};
use crate::domain::prospect::parse_note;
use crate::domain::{NewProspect, Prospect, ProspectId, RepRef, RepSettings, TzSource};
use crate::settings_cache::SettingsCache;
use crate::store::{Added, Store, StoreError, Undone};

mod library;

/// Candidates shown when a name matches several prospects.
const MAX_CHOICES: i64 = 8;

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Help,
    /// The built-ins and the team's own cadences (in file order), and the team default.
    Cadences {
        team: Vec<crate::domain::CadenceId>,
        default: crate::domain::CadenceId,
    },
    /// `cadence import`: the form is to be opened (by the transport, with its trigger).
    OpenCadenceImport,
    /// A cadence file imported (`settings default-cadence` answers with `DefaultCadence`).
    CadencesImported(crate::store::CadenceImport),
    DefaultCadence(crate::domain::CadenceId),
    /// Enrolled; `same_company` lists other reps' open prospects at that company.
    Added {
        state: ProspectState,
        same_company: Vec<Prospect>,
    },
    List(Vec<ProspectNext>),
    Due(DueReport),
    Show(ProspectState),
    Applied {
        state: ProspectState,
        outcome: Outcome,
        /// Takes the action back for a few minutes (see [`Service::undo`]).
        undo: Option<i64>,
    },
    /// An action taken back: the prospect as it is again.
    Undone(ProspectState),
    /// An undo that could not be made, and why.
    NotUndone(Undone),
    /// The name matched several prospects: nothing changed, pick one.
    Choose {
        verb: String,
        rest: String,
        candidates: Vec<Prospect>,
    },
    NotFound(String),
    Stats {
        metrics: Metrics,
        window: Window,
        /// The rep's own reply rates by cadence step and variant.
        rates: Vec<crate::domain::reply_rates::StepRates>,
    },
    Settings {
        settings: RepSettings,
        default_digest: NaiveTime,
        changed: bool,
    },
    /// Away mode set (`moved` touches got new dates) or ended.
    Away {
        window: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
        moved: usize,
        cap: i64,
    },
    /// `away` alone: the absence set, if any (and not over by `today`).
    AwayStatus {
        window: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
        today: chrono::NaiveDate,
    },
    /// The team's holidays were set by a manager: `moved` touches moved off them.
    /// Where the workspace's weekly numbers go now (`None`: the default, if any).
    TeamChannel(Option<String>),
    Holidays {
        days: Vec<chrono::NaiveDate>,
        moved: usize,
    },
    /// A manager's view: the team's numbers, and each rep's.
    TeamStats {
        team: Metrics,
        by_rep: Vec<(String, Metrics)>,
        window: Window,
        /// The team's reply rates by cadence step and variant.
        rates: Vec<crate::domain::reply_rates::StepRates>,
    },
    /// The team's value-add library, by number.
    Resources(Vec<crate::domain::resources::Resource>),
    /// A resource added to the library.
    ResourceAdded(crate::domain::resources::Resource),
    /// A resource taken out of the library (its title).
    ResourceRemoved(crate::domain::resources::Resource),
    /// `recap`: the form is to be opened for this prospect (by the transport, with its trigger).
    OpenRecap(Box<Prospect>),
    /// The recap stored: its items, the cadence it is on, and the drafted email.
    Recapped {
        state: ProspectState,
        items: Vec<crate::domain::items::NewItem>,
        discussed: Option<String>,
        next_meeting: Option<chrono::NaiveDate>,
    },
    /// Open action items (`items`), by due date.
    Items {
        items: Vec<crate::domain::items::ActionItem>,
        today: chrono::NaiveDate,
    },
    /// An item marked delivered (or not, when it was not the rep's or already done).
    Delivered(bool),
    /// The pending touches due by the end of the coming week (the late ones too), in due order.
    Week {
        today: chrono::NaiveDate,
        touches: Vec<crate::domain::due::DueTouch>,
    },
    /// A prospect handed to another rep.
    Reassigned {
        id: ProspectId,
        to: String,
    },
    /// `reassign` to the rep who already owns it: nothing changed.
    AlreadyOwned {
        id: ProspectId,
        owner: String,
    },
    /// The rep's mistake, explained.
    Problem(String),
    /// Someone with this email, or this name at this company, is already in the workspace:
    /// nothing was added.
    Duplicate {
        existing: Vec<Prospect>,
    },
}

/// A failure that is not the rep's fault; logged, and the rep gets an apology.
#[derive(Debug, thiserror::Error)]
#[error("storage failed")]
pub struct ServiceError(#[from] pub StoreError);

/// What the Home tab shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Home {
    pub agenda: DueReport,
    pub pipeline: Vec<ProspectNext>,
    pub recent_wins: Vec<Prospect>,
    pub settings: RepSettings,
    pub default_digest: NaiveTime,
    /// For a manager: pending touches past due, by rep.
    pub team_overdue: Option<Vec<(String, i64)>>,
}

pub struct Service {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub default_digest: NaiveTime,
    settings: SettingsCache,
    /// Who the workspace's admins and owners are (Slack, when it can be asked).
    roles: std::sync::OnceLock<Arc<dyn Roles>>,
}

/// Tells whether a user is an admin or owner of their workspace.
#[async_trait::async_trait]
pub trait Roles: Send + Sync {
    /// `None` when it cannot tell (Slack unreachable, no token).
    async fn is_admin(&self, team_id: &str, user_id: &str) -> Option<bool>;
}

/// Who may manage: the workspace's admins and owners, and the people they name.
pub const MANAGERS_ONLY: &str = "Managers are the workspace's admins and owners, and the people they name with `/followup settings managers @dana @lee`; ask one of them";

enum Resolved {
    One(Box<Prospect>, String),
    Many(Vec<Prospect>),
    None,
}

impl Service {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, default_digest: NaiveTime) -> Self {
        Self {
            store,
            clock,
            default_digest,
            settings: SettingsCache::default(),
            roles: std::sync::OnceLock::new(),
        }
    }

    /// Lets the service ask who the workspace's admins and owners are.
    pub fn set_roles(&self, roles: Arc<dyn Roles>) {
        let _ = self.roles.set(roles);
    }

    /// The rep's settings, or the defaults for a rep never seen.
    pub async fn settings(&self, rep: &RepRef) -> Result<RepSettings, ServiceError> {
        if let Some(settings) = self.settings.get(rep) {
            return Ok(settings);
        }
        let mut settings = self
            .store
            .rep_settings(rep)
            .await?
            .unwrap_or_else(|| RepSettings::new(rep.clone()));
        settings.holidays = self.store.team_holidays(&rep.team_id).await?;
        self.settings.put(&settings);
        Ok(settings)
    }

    /// Stores the rep's settings (and the cached copy).
    pub async fn save_settings(
        &self,
        settings: &RepSettings,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ServiceError> {
        // Forget first: if the write fails, the next read goes to the database.
        self.settings.forget(&settings.rep);
        self.store.save_rep_settings(settings, now).await?;
        self.settings.put(settings);
        Ok(())
    }

    /// Drops the cached copy after the store changed the rep's settings directly.
    pub fn forget_settings(&self, rep: &RepRef) {
        self.settings.forget(rep);
    }

    pub async fn run(&self, rep: &RepRef, command: Command) -> Result<Reply, ServiceError> {
        let mut settings = self.settings(rep).await?;
        let now = self.clock.now();
        if settings.unreachable_since.is_some() {
            // The rep is using followup again: the morning digest can reach them.
            settings.unreachable_since = None;
            self.save_settings(&settings, now).await?;
        }
        Ok(match command {
            Command::Help => Reply::Help,
            Command::Cadences => self.cadences(&rep.team_id).await?,
            Command::CadenceImport => self.open_cadence_import(rep).await?,
            Command::AddModal => Reply::Help,
            Command::Add(new) => self.add(rep, &new).await?,
            Command::List => Reply::List(self.store.open_prospects(rep).await?),
            Command::Due => Reply::Due(self.due(rep).await?),
            Command::Show(target) => match self.resolve(rep, &target, false).await? {
                Resolved::One(p, _) => match self.store.prospect_state(rep, p.id).await? {
                    Some(state) => Reply::Show(state),
                    None => Reply::NotFound(format!("#{}", p.id)),
                },
                other => self.unresolved(other, "show", &target),
            },
            Command::Stats(window) => {
                if self.is_manager(rep).await? {
                    self.team_stats(rep, window).await?
                } else {
                    Reply::Stats {
                        metrics: metrics::compute(&self.store.histories(rep).await?, window, now),
                        window,
                        rates: self.reply_rates(rep, Some(&rep.user_id), window).await?,
                    }
                }
            }
            Command::Reassign { id, to } => self.reassign(rep, id, &to).await?,
            Command::Resources(command) => self.resources(rep, command).await?,
            Command::Settings(change) => self.change_settings(settings, change).await?,
            Command::Away { from, to } => self.go_away(settings, from, to).await?,
            Command::AwayStatus => Reply::AwayStatus {
                window: settings.away,
                today: settings.context(now).today,
            },
            Command::Back => {
                settings.away = None;
                self.save_settings(&settings, now).await?;
                Reply::Away {
                    window: None,
                    moved: 0,
                    cap: settings.daily_cap,
                }
            }
            Command::Done(target, log) => {
                self.act_on(rep, &target, "done", |note| Action::Done {
                    touch: TouchRef::Next,
                    channel: log.via,
                    outcome: log.outcome,
                    note,
                })
                .await?
            }
            Command::Skip(target) => {
                self.act_on(rep, &target, "skip", |_| Action::Skip {
                    touch: TouchRef::Next,
                })
                .await?
            }
            Command::Snooze { target, by } => {
                self.act_on(rep, &target, "snooze", |_| Action::Snooze {
                    touch: TouchRef::Next,
                    by,
                    shift_rest: false,
                })
                .await?
            }
            Command::Replied(target) => {
                self.act_on(rep, &target, "replied", |note| Action::Replied { note })
                    .await?
            }
            Command::Won { target, value } => {
                self.act_on(rep, &target, "won", |_| Action::Won { value })
                    .await?
            }
            Command::Lost(target) => {
                self.act_on(rep, &target, "lost", |reason| Action::Lost { reason })
                    .await?
            }
            Command::Pause(target) => {
                self.act_on(rep, &target, "pause", |_| Action::Pause)
                    .await?
            }
            Command::Resume(target) => {
                self.act_on(rep, &target, "resume", |_| Action::Resume)
                    .await?
            }
            Command::Nurture(target) => {
                self.act_on(rep, &target, "nurture", |_| Action::Nurture)
                    .await?
            }
            Command::Stop(target) => self.act_on(rep, &target, "stop", |_| Action::Stop).await?,
            Command::Edit { target, edit } => {
                self.act_on(rep, &target, "edit", |_| Action::Edit(edit))
                    .await?
            }
            Command::Move {
                target,
                cadence,
                start,
            } => match self.cadence_named(rep, &cadence).await? {
                Ok(cadence) => {
                    self.act_on(rep, &target, "move", |_| Action::Move { cadence, start })
                        .await?
                }
                Err(problem) => Reply::Problem(problem),
            },
            Command::Next {
                target,
                on,
                channel,
                note,
            } => {
                self.act_on(rep, &target, "next", |_| Action::Next { on, channel, note })
                    .await?
            }
            Command::Recap(target) => match self.resolve(rep, &target, true).await? {
                Resolved::One(p, _) => Reply::OpenRecap(p),
                other => self.unresolved(other, "recap", &target),
            },
            Command::Items(target) => {
                let prospect = match &target {
                    Some(target) => match self.resolve(rep, target, false).await? {
                        Resolved::One(p, _) => Some(p.id),
                        other => return Ok(self.unresolved(other, "items", target)),
                    },
                    None => None,
                };
                Reply::Items {
                    items: self.store.open_items(rep, prospect).await?,
                    today: settings.context(now).today,
                }
            }
            Command::Week => {
                let today = settings.context(now).today;
                let until = today + chrono::Duration::days(6);
                let touches = self
                    .store
                    .rep_pending_touches(rep)
                    .await?
                    .into_iter()
                    .filter(|t| t.touch.due_on <= until)
                    .collect();
                Reply::Week { today, touches }
            }
        })
    }

    /// Enrols a new prospect in its cadence.
    pub async fn add(&self, rep: &RepRef, new: &NewProspect) -> Result<Reply, ServiceError> {
        let settings = self.settings(rep).await?;
        let now = self.clock.now();
        let ctx = settings.context(now);
        let chosen = match self.cadence_for(rep, new).await? {
            Ok(chosen) => chosen,
            Err(problem) => return Ok(Reply::Problem(problem)),
        };
        let (cadence, touches) = match enrol_in(chosen, new, ctx.today, &ctx.calendar) {
            Ok(plan) => plan,
            Err(e) => return Ok(Reply::Problem(e.to_string())),
        };
        let state = match self
            .store
            .add_prospect(rep, new, cadence, &touches, now)
            .await?
        {
            Added::Enrolled(state) => *state,
            Added::Duplicate(existing) => return Ok(Reply::Duplicate { existing }),
        };
        let same_company = match &new.company {
            Some(company) => self
                .store
                .company_prospects(&rep.team_id, company)
                .await?
                .into_iter()
                .filter(|p| p.rep.user_id != rep.user_id)
                .collect(),
            None => Vec::new(),
        };
        Ok(Reply::Added {
            state,
            same_company,
        })
    }

    /// What the morning digest would show now.
    pub async fn due(&self, rep: &RepRef) -> Result<DueReport, ServiceError> {
        let settings = self.settings(rep).await?;
        self.due_at(&settings, self.clock.now()).await
    }

    /// The rep's agenda at `now`, in the rep's own time zone.
    pub async fn due_at(
        &self,
        settings: &RepSettings,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<DueReport, ServiceError> {
        self.agendas(&[settings], now)
            .await?
            .pop()
            .ok_or_else(|| StoreError::Corrupt("an agenda read answered nobody".into()).into())
    }

    /// Several reps' agendas at `now`, each in the rep's own time zone, in the order given: each
    /// read an agenda needs is asked once for all of them (a digest pass reads a chunk of reps
    /// in a handful of queries, not a handful per rep).
    pub async fn agendas(
        &self,
        reps: &[&RepSettings],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<DueReport>, ServiceError> {
        let todays: Vec<(RepRef, chrono::NaiveDate)> = reps
            .iter()
            .map(|s| (s.rep.clone(), s.context(now).today))
            .collect();
        let who: Vec<RepRef> = reps.iter().map(|s| s.rep.clone()).collect();
        // The three reads are independent: asked at once, on separate connections, the agendas
        // wait for the slowest of them rather than for their sum.
        let (touches, candidates, items) = tokio::try_join!(
            self.store.due_touches_of(&todays),
            self.store.attention_of(&who, due::cutoffs(now)),
            self.store.open_items_of(&who),
        )?;
        if [touches.len(), candidates.len(), items.len()] != [reps.len(); 3] {
            return Err(StoreError::Corrupt("an agenda read lost a rep".into()).into());
        }
        let mut reports = Vec::with_capacity(reps.len());
        let reads = touches.into_iter().zip(candidates).zip(items);
        for ((settings, (_, today)), ((touches, candidates), items)) in
            reps.iter().zip(&todays).zip(reads)
        {
            let today = *today;
            let mut report = due::build(today, now, touches, candidates);
            report.away = settings.away.filter(|(_, to)| *to >= today);
            for item in items {
                let promises = report.promises.entry(item.prospect_id).or_default();
                if item.mine {
                    promises.0.push(item.text.clone());
                } else {
                    promises.1.push(item.text.clone());
                }
                if item.mine && item.due_on.is_some_and(|d| d <= today) {
                    report.items_due.push(item);
                }
            }
            reports.push(report);
        }
        self.suggest_resources(&who, &mut reports).await?;
        Ok(reports)
    }

    /// Applies an action to one of the rep's prospects (a button click names it by id).
    pub async fn act(
        &self,
        rep: &RepRef,
        id: ProspectId,
        action: &Action,
    ) -> Result<Reply, ServiceError> {
        let settings = self.settings(rep).await?;
        let ctx = settings.context(self.clock.now());
        // The domain decides on the prospect as stored; the store reads it, writes the change
        // and, when another write got there first, asks again on what it then reads.
        let decide = |state: &ProspectState| lifecycle::decide(state, action, &ctx);
        match self.store.apply(rep, id, ctx.now, &decide).await {
            Ok(applied) => Ok(Reply::Applied {
                state: applied.state,
                outcome: applied.outcome,
                undo: applied.undo,
            }),
            Err(StoreError::Domain(e)) => Ok(Reply::Problem(e.to_string())),
            Err(StoreError::NotFound(id)) => Ok(Reply::NotFound(format!("#{id}"))),
            Err(e) => Err(e.into()),
        }
    }

    /// A meeting recap: the action items stored, the prospect on the `recap` cadence (started
    /// today unless it is on it already), and the next meeting as a dated next step.
    pub async fn recap(
        &self,
        rep: &RepRef,
        id: ProspectId,
        form: crate::domain::items::RecapForm,
    ) -> Result<Reply, ServiceError> {
        let Some(state) = self.store.prospect_state(rep, id).await? else {
            return Ok(Reply::NotFound(format!("#{id}")));
        };
        if state.prospect.cadence != crate::domain::CadenceId::Recap
            || state.prospect.status != crate::domain::ProspectStatus::Active
        {
            let moved = self
                .act(
                    rep,
                    id,
                    &Action::Move {
                        cadence: crate::domain::CadenceId::Recap,
                        start: None,
                    },
                )
                .await?;
            if !matches!(moved, Reply::Applied { .. }) {
                return Ok(moved);
            }
        }
        if !self
            .store
            .add_items(rep, id, &form.items, self.clock.now())
            .await?
        {
            return Ok(Reply::NotFound(format!("#{id}")));
        }
        if let Some(on) = form.next_meeting {
            let next = Action::Next {
                on,
                channel: Some(crate::domain::Channel::Meeting),
                note: Some("the next meeting".into()),
            };
            if let reply @ Reply::Problem(_) = self.act(rep, id, &next).await? {
                return Ok(reply);
            }
        }
        let Some(state) = self.store.prospect_state(rep, id).await? else {
            return Ok(Reply::NotFound(format!("#{id}")));
        };
        Ok(Reply::Recapped {
            state,
            items: form.items,
            discussed: form.discussed,
            next_meeting: form.next_meeting,
        })
    }

    /// An item the rep delivered (its Delivered button).
    pub async fn deliver(&self, rep: &RepRef, item: i64) -> Result<Reply, ServiceError> {
        Ok(Reply::Delivered(
            self.store.deliver_item(rep, item, self.clock.now()).await?,
        ))
    }

    /// Takes back an action the rep made a few minutes ago (an Undo button names it).
    pub async fn undo(&self, rep: &RepRef, undo_id: i64) -> Result<Reply, ServiceError> {
        Ok(
            match self.store.undo(rep, undo_id, self.clock.now()).await? {
                Undone::Restored(state) => Reply::Undone(*state),
                other => Reply::NotUndone(other),
            },
        )
    }

    async fn act_on(
        &self,
        rep: &RepRef,
        target: &Target,
        verb: &'static str,
        action: impl FnOnce(Option<String>) -> Action,
    ) -> Result<Reply, ServiceError> {
        let open_only = !matches!(verb, "nurture");
        match self.resolve(rep, target, open_only).await? {
            Resolved::One(p, rest) => {
                let note = match parse_note(&rest) {
                    Ok(note) => note,
                    Err(e) => return Ok(Reply::Problem(e.to_string())),
                };
                self.act(rep, p.id, &action(note)).await
            }
            other => Ok(self.unresolved(other, verb, target)),
        }
    }

    fn unresolved(&self, resolved: Resolved, verb: &str, target: &Target) -> Reply {
        match resolved {
            Resolved::Many(candidates) => Reply::Choose {
                verb: verb.to_string(),
                rest: String::new(),
                candidates,
            },
            _ => Reply::NotFound(match target.id {
                Some(id) => format!("#{id}"),
                None => target.text(),
            }),
        }
    }

    /// Finds the prospect a target names: `#id`, or the longest run of leading words that
    /// matches part of a name. The words after it are the note.
    async fn resolve(
        &self,
        rep: &RepRef,
        target: &Target,
        open_only: bool,
    ) -> Result<Resolved, ServiceError> {
        if let Some(id) = target.id {
            return Ok(match self.store.prospect_state(rep, id).await? {
                Some(state) => Resolved::One(Box::new(state.prospect), target.text()),
                None => Resolved::None,
            });
        }
        for take in (1..=target.words.len()).rev() {
            let needle = target.words[..take].join(" ");
            let mut found = self
                .store
                .find_prospects(rep, &needle, open_only, MAX_CHOICES)
                .await?;
            if found.is_empty() && open_only {
                found = self
                    .store
                    .find_prospects(rep, &needle, false, MAX_CHOICES)
                    .await?;
            }
            let rest = target.words[take..].join(" ");
            let exact: Vec<&Prospect> = found
                .iter()
                .filter(|p| p.name.to_lowercase() == needle.to_lowercase())
                .collect();
            match (found.len(), exact.len()) {
                (0, _) => continue,
                (1, _) => return Ok(Resolved::One(Box::new(found.remove(0)), rest)),
                (_, 1) => return Ok(Resolved::One(Box::new(exact[0].clone()), rest)),
                _ => return Ok(Resolved::Many(found)),
            }
        }
        Ok(Resolved::None)
    }

    /// Freezes the rep's cadences from `from` to `to` and spreads the backlog after it.
    async fn go_away(
        &self,
        mut settings: RepSettings,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Reply, ServiceError> {
        let pending = self.pending(&settings.rep).await?;
        let cap = usize::try_from(settings.daily_cap).unwrap_or(1);
        let today = settings.context(self.clock.now()).today;
        let absence = away::Absence {
            from,
            to,
            shift: true,
            // Starting now: what is already late waits for the return, spread with the rest.
            take_overdue: from <= today,
        };
        let moves = away::spread(&pending, &absence, cap, &settings.calendar());
        self.store.move_touches(&settings.rep, &moves).await?;
        settings.away = Some((from, to));
        self.save_settings(&settings, self.clock.now()).await?;
        Ok(Reply::Away {
            window: Some((from, to)),
            moved: moves.len(),
            cap: settings.daily_cap,
        })
    }

    /// On the days of an absence that began after it was set: touches that were late when it
    /// began join the backlog after the return, so the first morning back is not a pile of
    /// "20 days late". Answers how many moved (none once done: it is idempotent).
    pub async fn catch_up_absence(
        &self,
        settings: &RepSettings,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<usize, ServiceError> {
        let today = settings.context(now).today;
        let Some((from, to)) = settings
            .away
            .filter(|(from, to)| *from <= today && today <= *to)
        else {
            return Ok(0);
        };
        let pending = self.pending(&settings.rep).await?;
        if !pending.iter().any(|t| t.due_on < from) {
            return Ok(0);
        }
        let absence = away::Absence {
            from,
            to,
            shift: false,
            take_overdue: true,
        };
        let cap = usize::try_from(settings.daily_cap).unwrap_or(1);
        let moves = away::spread(&pending, &absence, cap, &settings.calendar());
        self.store.move_touches(&settings.rep, &moves).await?;
        Ok(moves.len())
    }

    async fn pending(&self, rep: &RepRef) -> Result<Vec<away::Pending>, ServiceError> {
        Ok(self
            .store
            .rep_pending_touches(rep)
            .await?
            .into_iter()
            .map(|t| away::Pending {
                id: t.touch.id,
                prospect: t.prospect.id,
                due_on: t.touch.due_on,
                lead: t.prospect.lead,
            })
            .collect())
    }

    /// A manager names the team's non-working days; every rep's pending touches on one of them
    /// move on to the next working day, each prospect's touches staying in order.
    async fn set_holidays(
        &self,
        rep: &RepRef,
        days: Vec<chrono::NaiveDate>,
    ) -> Result<Reply, ServiceError> {
        if !self.is_manager(rep).await? {
            return Ok(Reply::Problem(format!(
                "only a manager can set the team's holidays. {MANAGERS_ONLY}"
            )));
        }
        self.store.set_team_holidays(&rep.team_id, &days).await?;
        self.settings.forget_team(&rep.team_id);
        let mut moved = 0;
        for other in self.store.all_reps().await? {
            if other.team_id != rep.team_id {
                continue;
            }
            let settings = self.settings(&other).await?;
            let calendar = settings.calendar();
            let mut by_prospect: std::collections::BTreeMap<
                ProspectId,
                Vec<(i64, chrono::NaiveDate)>,
            > = std::collections::BTreeMap::new();
            for t in self.store.rep_pending_touches(&other).await? {
                by_prospect
                    .entry(t.prospect.id)
                    .or_default()
                    .push((t.touch.id, t.touch.due_on));
            }
            let mut moves = Vec::new();
            for touches in by_prospect.values() {
                if !touches.iter().any(|(_, due)| calendar.is_holiday(*due)) {
                    continue;
                }
                let wanted: Vec<chrono::NaiveDate> = touches.iter().map(|(_, due)| *due).collect();
                for ((id, old), new) in touches
                    .iter()
                    .zip(crate::domain::schedule::reflow_in(&wanted, None, &calendar))
                {
                    if new != *old {
                        moves.push((*id, new));
                    }
                }
            }
            moved += moves.len();
            self.store.move_touches(&other, &moves).await?;
        }
        Ok(Reply::Holidays { days, moved })
    }

    /// Whether the rep manages the workspace: named as a manager, or one of its admins or owners.
    pub async fn is_manager(&self, rep: &RepRef) -> Result<bool, ServiceError> {
        if self
            .store
            .managers(&rep.team_id)
            .await?
            .contains(&rep.user_id)
        {
            return Ok(true);
        }
        Ok(match self.roles.get() {
            Some(roles) => roles
                .is_admin(&rep.team_id, &rep.user_id)
                .await
                .unwrap_or(false),
            None => false,
        })
    }

    async fn team_stats(&self, rep: &RepRef, window: Window) -> Result<Reply, ServiceError> {
        let now = self.clock.now();
        let histories = self.store.team_histories(&rep.team_id).await?;
        let all: Vec<metrics::History> = histories.iter().map(|(_, h)| h.clone()).collect();
        let mut by_rep: std::collections::BTreeMap<String, Vec<metrics::History>> =
            std::collections::BTreeMap::new();
        for (user, history) in histories {
            by_rep.entry(user).or_default().push(history);
        }
        Ok(Reply::TeamStats {
            team: metrics::compute(&all, window, now),
            by_rep: by_rep
                .into_iter()
                .map(|(user, h)| (user, metrics::compute(&h, window, now)))
                .collect(),
            window,
            rates: self.reply_rates(rep, None, window).await?,
        })
    }

    /// A manager hands a prospect of the workspace to another rep.
    async fn reassign(
        &self,
        rep: &RepRef,
        id: ProspectId,
        to: &str,
    ) -> Result<Reply, ServiceError> {
        if !self.is_manager(rep).await? {
            return Ok(Reply::Problem(format!(
                "only a manager can reassign prospects. {MANAGERS_ONLY}"
            )));
        }
        let Some(owner) = self.store.prospect_owner(&rep.team_id, id).await? else {
            return Ok(Reply::NotFound(format!("#{id}")));
        };
        if owner == to {
            return Ok(Reply::AlreadyOwned { id, owner });
        }
        if self
            .store
            .reassign(&rep.team_id, id, &owner, to, self.clock.now())
            .await?
        {
            Ok(Reply::Reassigned {
                id,
                to: to.to_string(),
            })
        } else {
            Ok(Reply::NotFound(format!("#{id}")))
        }
    }

    /// What the Home tab shows a rep: the agenda, the pipeline, recent wins, and for a manager
    /// the team's overdue touches by rep.
    pub async fn home(&self, rep: &RepRef) -> Result<Home, ServiceError> {
        let settings = self.settings(rep).await?;
        let now = self.clock.now();
        let agenda = self.due_at(&settings, now).await?;
        let pipeline = self.store.open_prospects(rep).await?;
        let recent_wins = self
            .store
            .team_prospects(&rep.team_id, Some(&rep.user_id))
            .await?
            .into_iter()
            .filter(|p| {
                p.status == crate::domain::ProspectStatus::Won
                    && p.closed_at
                        .is_some_and(|at| now - at < chrono::Duration::days(30))
            })
            .collect();
        let team_overdue = if self.is_manager(rep).await? {
            Some(self.store.team_overdue(&rep.team_id, agenda.today).await?)
        } else {
            None
        };
        Ok(Home {
            agenda,
            pipeline,
            recent_wins,
            settings,
            default_digest: self.default_digest,
            team_overdue,
        })
    }

    async fn change_settings(
        &self,
        mut settings: RepSettings,
        change: SettingsChange,
    ) -> Result<Reply, ServiceError> {
        let changed = !change.is_empty();
        if let Some(days) = change.holidays.clone() {
            let reply = self.set_holidays(&settings.rep, days).await?;
            let only_holidays = SettingsChange {
                holidays: None,
                ..change.clone()
            }
            .is_empty();
            if only_holidays || matches!(reply, Reply::Problem(_)) {
                return Ok(reply);
            }
            settings.holidays = self.settings(&settings.rep).await?.holidays;
        }
        if let Some(channel) = change.team_channel.clone() {
            if !self.is_manager(&settings.rep).await? {
                return Ok(Reply::Problem(format!(
                    "only a manager can choose the team channel. {MANAGERS_ONLY}"
                )));
            }
            self.store
                .set_team_channel(
                    &settings.rep.team_id,
                    channel.as_deref(),
                    &settings.rep.user_id,
                    self.clock.now(),
                )
                .await?;
            let only_channel = SettingsChange {
                team_channel: None,
                ..change.clone()
            }
            .is_empty();
            if only_channel {
                return Ok(Reply::TeamChannel(channel));
            }
        }
        if let Some(typed) = change.default_cadence.clone() {
            let reply = self
                .set_default_cadence(&settings.rep, typed.as_deref())
                .await?;
            let only_default = SettingsChange {
                default_cadence: None,
                ..change.clone()
            }
            .is_empty();
            if only_default || matches!(reply, Reply::Problem(_)) {
                return Ok(reply);
            }
        }
        if let Some(managers) = &change.managers {
            // Admins and owners name the first managers; a rep cannot make themselves one.
            if !self.is_manager(&settings.rep).await? {
                return Ok(Reply::Problem(format!(
                    "only a manager can change who the managers are. {MANAGERS_ONLY}"
                )));
            }
            self.store
                .set_managers(
                    &settings.rep.team_id,
                    managers,
                    &settings.rep.user_id,
                    self.clock.now(),
                )
                .await?;
        }
        if let Some(time) = change.digest_time {
            settings.digest_time = Some(time);
        }
        if let Some(tz) = change.tz {
            settings.tz = Some(tz);
            settings.tz_source = TzSource::Rep;
        }
        if let Some(off) = change.weekends_off {
            settings.weekends_off = off;
        }
        if let Some(cap) = change.daily_cap {
            settings.daily_cap = cap;
        }
        let rep_fields_changed = change.digest_time.is_some()
            || change.tz.is_some()
            || change.weekends_off.is_some()
            || change.daily_cap.is_some();
        if rep_fields_changed {
            self.save_settings(&settings, self.clock.now()).await?;
        }
        Ok(Reply::Settings {
            settings,
            default_digest: self.default_digest,
            changed,
        })
    }
}
