//! Storage: one trait ([`Store`], made of one trait per area), a SQLite and a Postgres
//! implementation sharing the same SQL.
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
mod sqlite_connections;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::domain::lifecycle::{Change, NewTouch, Outcome, ProspectState};
use crate::domain::{CadenceId, DomainError, NewProspect, Prospect, ProspectId, RepRef};

pub use library::Library;
pub use postgres::PgStore;
pub use sql::{Digests, Metrics, Prospects, Reps, Teams, Workspaces};
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

/// What [`Prospects::add_prospect`] did.
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

/// How an action changes a prospect, worked out from the prospect as stored: the domain's
/// decision (`domain::lifecycle::decide`), which the service hands to [`Prospects::apply`].
pub type Decide<'a> = dyn Fn(&ProspectState) -> Result<Change, DomainError> + Send + Sync + 'a;

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

/// What [`Prospects::undo`] did.
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

/// Everything followup stores, on one backend. Each area's part is a trait of its own, declared
/// beside the SQL that implements it (`sql/prospects.rs`, `sql/digests.rs`, …, and
/// `library.rs`); this one adds what concerns the database itself.
#[async_trait]
pub trait Store:
    Prospects + Digests + Reps + Teams + Workspaces + Metrics + Library + Send + Sync + 'static
{
    fn backend(&self) -> Backend;
    /// Applies every pending migration for this backend.
    async fn migrate(&self) -> StoreResult<()>;
    /// Answers when the database does.
    async fn ping(&self) -> StoreResult<()>;
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
