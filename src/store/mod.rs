//! Storage: one trait, a SQLite and a Postgres implementation sharing the same SQL.
//!
//! Every query is scoped by the owning rep (`team_id`, `user_id`); every multi-row change runs in
//! one transaction. `sqlx::Error` stays in here: callers see [`StoreError`].

mod batch;
mod cadence_cache;
mod cadence_sql;
mod library;
mod postgres;
mod rows;
mod sql;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use thiserror::Error;

use crate::domain::cadence_file::CadenceDef;
use crate::domain::due::{Cutoffs, DueTouch, ProspectNext};
use crate::domain::lifecycle::{Action, Context, NewTouch, Outcome, ProspectState};
use crate::domain::metrics::History;
use crate::domain::team_cadences::TeamCadences;
use crate::domain::{
    CadenceId, DomainError, NewProspect, Prospect, ProspectId, RepRef, RepSettings,
};

pub use library::Library;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The action broke a rule of the domain; the text is for the rep.
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error("there is no prospect #{0}")]
    NotFound(ProspectId),
    #[error("the prospect kept changing while this was saved; try again")]
    Conflict,
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got `{0}`)")]
    UnknownBackend(String),
    #[error("the database failed")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError::Database(Box::new(e))
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Database(Box::new(e))
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// What [`Store::add_prospect`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Added {
    /// Enrolled: the prospect and its planned touches as stored.
    Enrolled(Box<ProspectState>),
    /// Already in the workspace (at most ten matches): nothing was written.
    Duplicate(Vec<Prospect>),
}

impl Added {
    /// The stored prospect, or `None` for a duplicate.
    pub fn enrolled(self) -> Option<ProspectState> {
        match self {
            Added::Enrolled(state) => Some(*state),
            Added::Duplicate(_) => None,
        }
    }
}

/// One queued add (see `batch`).
#[derive(Debug, Clone)]
pub(crate) struct AddJob {
    pub rep: RepRef,
    pub new: NewProspect,
    pub cadence: CadenceId,
    pub touches: Vec<NewTouch>,
    pub now: DateTime<Utc>,
}

/// What an action did, and the prospect as it now stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub state: ProspectState,
    pub outcome: Outcome,
    /// The undo record of this change (none for a change that changed nothing).
    pub undo: Option<i64>,
}

/// What an import of cadences did, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CadenceImport {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
    /// Left out of the file: nobody new joins them.
    pub retired: Vec<String>,
}

/// How long an action can be taken back.
pub const UNDO_MINUTES: i64 = 10;

/// What [`Store::undo`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Undone {
    /// The prospect is back as it was before the action.
    Restored(Box<ProspectState>),
    /// Too late: the undo window has passed.
    Expired,
    /// The prospect changed again since: undoing would throw that away.
    Changed,
    /// Already undone, or not this rep's.
    Gone,
}

#[async_trait]
pub trait Store: Library + Send + Sync + 'static {
    fn backend(&self) -> Backend;
    /// Applies every pending migration for this backend.
    async fn migrate(&self) -> StoreResult<()>;
    /// Answers when the database does.
    async fn ping(&self) -> StoreResult<()>;

    /// The rep's settings, or `None` for a rep never seen.
    async fn rep_settings(&self, rep: &RepRef) -> StoreResult<Option<RepSettings>>;
    async fn save_rep_settings(
        &self,
        settings: &RepSettings,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Records a prospect, its enrolment in `cadence` and its planned touches, all or nothing —
    /// unless the workspace already holds someone with this email, or this name at this company
    /// (any case): then nothing is written and those are returned. The check and the write are
    /// one transaction. Concurrent adds are committed together (group commit, see `batch`).
    async fn add_prospect(
        &self,
        rep: &RepRef,
        new: &NewProspect,
        cadence: CadenceId,
        touches: &[NewTouch],
        now: DateTime<Utc>,
    ) -> StoreResult<Added>;

    /// A prospect with the touches of its current enrolment.
    async fn prospect_state(
        &self,
        rep: &RepRef,
        id: ProspectId,
    ) -> StoreResult<Option<ProspectState>>;

    /// Prospects whose name contains `needle` (any case), open ones first; at most `limit`.
    async fn find_prospects(
        &self,
        rep: &RepRef,
        needle: &str,
        open_only: bool,
        limit: i64,
    ) -> StoreResult<Vec<Prospect>>;

    /// The rep's open prospects with their next touch.
    async fn open_prospects(&self, rep: &RepRef) -> StoreResult<Vec<ProspectNext>>;

    /// Decides `action` on the prospect's current state and writes the result atomically.
    async fn apply(
        &self,
        rep: &RepRef,
        id: ProspectId,
        action: &Action,
        ctx: &Context,
    ) -> StoreResult<Applied>;

    /// Pending touches due on or before `today`, with their prospects.
    async fn due_touches(&self, rep: &RepRef, today: NaiveDate) -> StoreResult<Vec<DueTouch>>;

    /// Open prospects that may be stale, hot and waiting, or at the end of a cadence.
    async fn attention(&self, rep: &RepRef, cutoffs: Cutoffs) -> StoreResult<Vec<ProspectNext>>;

    /// Every rep with a pending touch due on or before `until`.
    async fn reps_with_due(&self, until: NaiveDate) -> StoreResult<Vec<RepRef>>;

    /// What the metrics need of each of the rep's prospects.
    async fn histories(&self, rep: &RepRef) -> StoreResult<Vec<History>>;

    /// Reps (with their settings) who can be messaged and have a pending touch due by `until`,
    /// or, with `active_since` (on Mondays), did anything since then: a touch logged, a
    /// prospect added, a reply, a deal won or lost.
    /// Only reps whose `digest_after` is unset or has come by `now` are candidates.
    async fn digest_candidates(
        &self,
        until: NaiveDate,
        active_since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<RepSettings>>;

    /// Notes when each rep next needs a pass's attention (see `domain::digest::look_again_at`);
    /// until then the rep is no digest candidate. A rep whose settings changed after `as_of`
    /// (the pass's start) is left to be looked at again. In one transaction.
    async fn set_digest_after(
        &self,
        reps: &[(RepRef, DateTime<Utc>)],
        as_of: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Claims the rep's digest for a local date: `true` for exactly one caller, until the claim
    /// is finished as sent, or its lease runs out unsent (then a later pass may claim it again).
    async fn claim_digest(
        &self,
        rep: &RepRef,
        local_date: NaiveDate,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Records how a claimed digest ended.
    async fn finish_digest(
        &self,
        rep: &RepRef,
        local_date: NaiveDate,
        outcome: &DigestOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Records (or replaces) a workspace installed through OAuth; its token already encrypted.
    async fn save_workspace(&self, workspace: &Workspace, now: DateTime<Utc>) -> StoreResult<()>;

    /// The encrypted bot token of an installed workspace.
    async fn workspace_token(&self, team_id: &str) -> StoreResult<Option<String>>;

    /// Forgets a workspace's tokens (uninstalled, or tokens revoked); `true` if there were any.
    async fn delete_workspace(&self, team_id: &str) -> StoreResult<bool>;

    /// Marks a workspace's token dead (or the app uninstalled): no digest goes to its reps until
    /// it installs again. With `purge_after`, its data is deleted then ([`Store::purge_due`]); a
    /// later mark without one keeps an earlier purge date. `true` when it was not marked before.
    async fn revoke_workspace(
        &self,
        team_id: &str,
        reason: &str,
        now: DateTime<Utc>,
        purge_after: Option<DateTime<Utc>>,
    ) -> StoreResult<bool>;

    /// Lifts a revocation (the token works again); `true` if there was one. A workspace already
    /// purged stays marked: its data is gone, and a new install starts it afresh.
    async fn restore_workspace(&self, team_id: &str) -> StoreResult<bool>;

    /// Whether (and why) a workspace is marked revoked.
    async fn workspace_revocation(&self, team_id: &str) -> StoreResult<Option<Revocation>>;

    /// Every workspace marked revoked and not yet purged (to skip them from the start).
    async fn revoked_workspaces(&self) -> StoreResult<Vec<String>>;

    /// The workspaces whose purge date has come and whose data is still here.
    async fn purge_due(&self, now: DateTime<Utc>) -> StoreResult<Vec<String>>;

    /// Deletes everything followup holds about a workspace — prospects with their notes, emails
    /// and phones, touches, reps, managers, holidays, settings and its token — in one
    /// transaction, and notes when it was purged.
    async fn purge_workspace(&self, team_id: &str, now: DateTime<Utc>) -> StoreResult<Purged>;

    /// The channel a workspace's weekly numbers go to, as its managers set it.
    async fn team_channel(&self, team_id: &str) -> StoreResult<Option<String>>;

    /// Sets (or, with `None`, clears) a workspace's team channel.
    async fn set_team_channel(
        &self,
        team_id: &str,
        channel: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Each workspace's reps by time zone (`None` where a rep has none yet): the workspace's main
    /// zone is its most common one.
    async fn team_zones(&self) -> StoreResult<Vec<(String, Option<String>, i64)>>;

    /// Every prospect of a workspace, or of one rep in it (for export), oldest first.
    async fn team_prospects(
        &self,
        team_id: &str,
        user_id: Option<&str>,
    ) -> StoreResult<Vec<Prospect>>;

    /// Open prospects at a company, any rep's, in the workspace.
    async fn company_prospects(&self, team_id: &str, company: &str) -> StoreResult<Vec<Prospect>>;

    /// The workspace's managers.
    async fn managers(&self, team_id: &str) -> StoreResult<Vec<String>>;

    /// Replaces the workspace's managers.
    async fn set_managers(
        &self,
        team_id: &str,
        users: &[String],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// What the metrics need of every prospect in the workspace, with its rep.
    async fn team_histories(&self, team_id: &str) -> StoreResult<Vec<(String, History)>>;

    /// The rep's pending touches with their prospects' lead, in due order.
    async fn rep_pending_touches(&self, rep: &RepRef) -> StoreResult<Vec<DueTouch>>;

    /// Moves the rep's pending touches to new dates, all or nothing.
    async fn move_touches(
        &self,
        rep: &RepRef,
        moves: &[(crate::domain::TouchId, NaiveDate)],
    ) -> StoreResult<()>;

    /// Hands a prospect (with its touches) to another rep of the same workspace; `false` if it
    /// was not `from`'s.
    async fn reassign(
        &self,
        team_id: &str,
        id: ProspectId,
        from: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Every rep followup knows, in every workspace.
    async fn all_reps(&self) -> StoreResult<Vec<RepRef>>;

    /// Which rep of the workspace owns a prospect.
    async fn prospect_owner(&self, team_id: &str, id: ProspectId) -> StoreResult<Option<String>>;

    /// Pending touches due before `today`, counted by rep, for a workspace.
    async fn team_overdue(
        &self,
        team_id: &str,
        today: NaiveDate,
    ) -> StoreResult<Vec<(String, i64)>>;

    /// Counts of what a rep did between two instants.
    async fn activity(
        &self,
        rep: &RepRef,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Activity>;

    /// Takes back the change an undo record names, if it is the rep's, not yet undone, not
    /// expired at `now`, and nothing changed the prospect since. All or nothing.
    async fn undo(&self, rep: &RepRef, undo_id: i64, now: DateTime<Utc>) -> StoreResult<Undone>;

    /// Writes what Slack's profile told of a rep — the zone (unless the rep chose one meanwhile),
    /// when it was read, and that the rep cannot be messaged — and nothing else of the row, so a
    /// setting changed while a digest pass ran is kept.
    async fn save_rep_zone(&self, settings: &RepSettings, now: DateTime<Utc>) -> StoreResult<()>;

    /// Stores a recap's action items for one of the rep's prospects; `false` if it is not theirs.
    async fn add_items(
        &self,
        rep: &RepRef,
        prospect: ProspectId,
        items: &[crate::domain::items::NewItem],
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// The rep's open action items (of one prospect, when given), by due date, undated last.
    async fn open_items(
        &self,
        rep: &RepRef,
        prospect: Option<ProspectId>,
    ) -> StoreResult<Vec<crate::domain::items::ActionItem>>;

    /// Marks one of the rep's items delivered; `false` if it was not theirs or already done.
    async fn deliver_item(&self, rep: &RepRef, item: i64, now: DateTime<Utc>) -> StoreResult<bool>;

    /// The workspace's non-working days, sorted.
    async fn team_holidays(&self, team_id: &str) -> StoreResult<Vec<NaiveDate>>;

    /// Replaces the workspace's non-working days.
    async fn set_team_holidays(&self, team_id: &str, days: &[NaiveDate]) -> StoreResult<()>;

    /// Every workspace's non-working days, by workspace (for a digest pass).
    async fn all_team_holidays(&self) -> StoreResult<Vec<(String, NaiveDate)>>;

    /// The digest record for a rep's local date, if any.
    async fn digest_run(
        &self,
        rep: &RepRef,
        local_date: NaiveDate,
    ) -> StoreResult<Option<DigestRun>>;

    /// Marks an OAuth `state`'s nonce used at `now`; `true` only the first time, on any replica.
    /// Forgets nonces used more than a day before `now` (a state lives 10 minutes).
    /// The team's own cadences (every version) and its default cadence; kept in memory and
    /// read again after an import.
    async fn team_cadences(&self, team_id: &str) -> StoreResult<Arc<TeamCadences>>;
    /// Adds or replaces the team's cadences with a checked file's, in one transaction: a new
    /// version of each that changed; the ones the file leaves out are retired (their
    /// enrolments run to the end).
    async fn import_cadences(
        &self,
        team_id: &str,
        defs: &[CadenceDef],
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<CadenceImport>;
    /// Sets the team's default cadence (`None`: back to `proposal`).
    async fn set_default_cadence(
        &self,
        team_id: &str,
        cadence: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    async fn claim_oauth_state(&self, nonce: &str, now: DateTime<Utc>) -> StoreResult<bool>;
}

/// What a rep did in a period: the weekly summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    pub touches_done: i64,
    pub replies: i64,
    pub won: i64,
    pub won_value_cents: i64,
    pub added: i64,
}

impl Activity {
    /// Whether the rep did anything at all in the period.
    pub fn any(&self) -> bool {
        self.touches_done + self.replies + self.won + self.added > 0
    }
}

/// A workspace installed through OAuth.
#[derive(Clone, PartialEq, Eq)]
pub struct Workspace {
    pub team_id: String,
    pub team_name: Option<String>,
    pub bot_user_id: Option<String>,
    pub app_id: Option<String>,
    /// The bot token, encrypted (see `oauth::Cipher`).
    pub bot_token_enc: String,
    pub scope: Option<String>,
    pub installed_by: Option<String>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("team_id", &self.team_id)
            .field("team_name", &self.team_name)
            .field("bot_token_enc", &"***")
            .finish()
    }
}

/// Why a workspace gets nothing from followup, and what happens to its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// The Slack error (`token_revoked`, `invalid_auth`, …) or event (`app_uninstalled`).
    pub reason: String,
    pub revoked_at: DateTime<Utc>,
    /// When its data is deleted, after an uninstall.
    pub purge_after: Option<DateTime<Utc>>,
    pub purged_at: Option<DateTime<Utc>>,
}

/// What a purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub prospects: u64,
    pub touches: u64,
    pub reps: u64,
    /// Whether the workspace's token was stored (OAuth mode) and is now gone.
    pub token: bool,
}

/// How a claimed digest ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestOutcome {
    Sent {
        channel: String,
        ts: String,
    },
    /// Try again after `retry_at` (the lease is moved there).
    Failed {
        error: String,
        retry_at: DateTime<Utc>,
    },
    /// Slack said the rep cannot be messaged; the rep is skipped until they use followup again.
    Unreachable {
        reason: String,
    },
}

/// A stored digest claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRun {
    pub status: String,
    pub attempts: i64,
    pub sent_at: Option<DateTime<Utc>>,
    pub channel_id: Option<String>,
    pub message_ts: Option<String>,
    pub last_error: Option<String>,
}

/// Opens the database `url` names (creating a SQLite file if missing) without migrating it.
pub async fn connect(url: &str) -> StoreResult<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(PgStore::connect(url).await?))
    } else {
        Err(StoreError::UnknownBackend(redact_url(url)))
    }
}

/// [`connect`], with an error that names the database (password hidden) for an operator.
pub async fn open(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    connect(url).await.map_err(|e| {
        anyhow::Error::new(e).context(format!("cannot open the database at {}", redact_url(url)))
    })
}

/// A database URL with any password replaced, fit for errors and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
