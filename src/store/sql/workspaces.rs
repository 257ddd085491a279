//! Workspaces as Slack installs them: the OAuth install and its token, the OAuth states used,
//! a revocation (dead token or uninstall) and the purge of a workspace's data that follows an
//! uninstall.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::store::{Purged, Revocation, StoreResult, Workspace};

/// Installed workspaces, their revocations and purges.
#[async_trait]
pub trait Workspaces: Send + Sync {
    /// Records (or replaces) a workspace installed through OAuth; its token already encrypted.
    async fn save_workspace(&self, workspace: &Workspace, now: DateTime<Utc>) -> StoreResult<()>;

    /// The encrypted bot token of an installed workspace.
    async fn workspace_token(&self, team_id: &str) -> StoreResult<Option<String>>;

    /// Forgets a workspace's tokens (uninstalled, or tokens revoked); `true` if there were any.
    async fn delete_workspace(&self, team_id: &str) -> StoreResult<bool>;

    /// Marks a workspace's token dead (or the app uninstalled): no digest goes to its reps until
    /// it installs again. With `purge_after`, its data is deleted then ([`Self::purge_due`]); a
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

    /// Marks an OAuth `state`'s nonce used at `now`; `true` only the first time, on any replica.
    /// Forgets nonces used more than a day before `now` (a state lives 10 minutes).
    async fn claim_oauth_state(&self, nonce: &str, now: DateTime<Utc>) -> StoreResult<bool>;
}

/// The workspaces' SQL for one backend; expanded inside `sql_store!`.
macro_rules! workspace_sql {
    ($store:ident, $begin:literal) => {
        #[async_trait]
        impl crate::store::Workspaces for $store {
            async fn save_workspace(&self, w: &Workspace, now: DateTime<Utc>) -> StoreResult<()> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                // Installed again: digests resume and a pending purge is called off.
                sqlx::query("DELETE FROM workspace_revocations WHERE team_id = $1")
                    .bind(&w.team_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO workspaces (team_id, team_name, bot_user_id, app_id, bot_token_enc, scope, \
                     installed_by, installed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                     ON CONFLICT (team_id) DO UPDATE SET team_name = excluded.team_name, \
                     bot_user_id = excluded.bot_user_id, app_id = excluded.app_id, \
                     bot_token_enc = excluded.bot_token_enc, scope = excluded.scope, \
                     installed_by = excluded.installed_by, updated_at = excluded.updated_at",
                )
                .bind(&w.team_id)
                .bind(&w.team_name)
                .bind(&w.bot_user_id)
                .bind(&w.app_id)
                .bind(&w.bot_token_enc)
                .bind(&w.scope)
                .bind(&w.installed_by)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn workspace_token(&self, team_id: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT bot_token_enc FROM workspaces WHERE team_id = $1")
                    .bind(team_id)
                    .fetch_optional(&mut *self.reader.acquire().await?)
                    .await?)
            }

            async fn delete_workspace(&self, team_id: &str) -> StoreResult<bool> {
                let deleted = sqlx::query("DELETE FROM workspaces WHERE team_id = $1")
                    .bind(team_id)
                    .execute(&mut *self.writer.acquire().await?)
                    .await?
                    .rows_affected();
                Ok(deleted > 0)
            }

            async fn revoke_workspace(
                &self,
                team_id: &str,
                reason: &str,
                now: DateTime<Utc>,
                purge_after: Option<DateTime<Utc>>,
            ) -> StoreResult<bool> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                let known: Option<Option<DateTime<Utc>>> =
                    sqlx::query_scalar("SELECT purged_at FROM workspace_revocations WHERE team_id = $1")
                        .bind(team_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                match known {
                    None => {
                        sqlx::query(
                            "INSERT INTO workspace_revocations (team_id, reason, revoked_at, purge_after) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(team_id)
                        .bind(reason)
                        .bind(now)
                        .bind(purge_after)
                        .execute(&mut *tx)
                        .await?;
                    }
                    // An uninstall after the token died sets the purge date and its reason; a
                    // dead token after an uninstall keeps them.
                    Some(_) if purge_after.is_some() => {
                        sqlx::query(
                            "UPDATE workspace_revocations SET reason = $2, \
                             purge_after = COALESCE(purge_after, $3) WHERE team_id = $1 AND purged_at IS NULL",
                        )
                        .bind(team_id)
                        .bind(reason)
                        .bind(purge_after)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Some(_) => {}
                }
                tx.commit().await?;
                Ok(known.is_none())
            }

            async fn restore_workspace(&self, team_id: &str) -> StoreResult<bool> {
                let lifted = sqlx::query("DELETE FROM workspace_revocations WHERE team_id = $1 AND purged_at IS NULL")
                    .bind(team_id)
                    .execute(&mut *self.writer.acquire().await?)
                    .await?
                    .rows_affected();
                Ok(lifted > 0)
            }

            async fn workspace_revocation(&self, team_id: &str) -> StoreResult<Option<Revocation>> {
                let row = sqlx::query(
                    "SELECT reason, revoked_at, purge_after, purged_at FROM workspace_revocations WHERE team_id = $1",
                )
                .bind(team_id)
                .fetch_optional(&mut *self.reader.acquire().await?)
                .await?;
                row.map(|row| {
                    Ok(Revocation {
                        reason: row.try_get("reason")?,
                        revoked_at: row.try_get("revoked_at")?,
                        purge_after: row.try_get("purge_after")?,
                        purged_at: row.try_get("purged_at")?,
                    })
                })
                .transpose()
            }

            async fn revoked_workspaces(&self) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT team_id FROM workspace_revocations WHERE purged_at IS NULL ORDER BY team_id",
                )
                .fetch_all(&mut *self.reader.acquire().await?)
                .await?)
            }

            async fn purge_due(&self, now: DateTime<Utc>) -> StoreResult<Vec<String>> {
                Ok(sqlx::query_scalar(
                    "SELECT team_id FROM workspace_revocations WHERE purge_after IS NOT NULL \
                     AND purge_after <= $1 AND purged_at IS NULL ORDER BY team_id",
                )
                .bind(now)
                .fetch_all(&mut *self.reader.acquire().await?)
                .await?)
            }

            async fn purge_workspace(&self, team_id: &str, now: DateTime<Utc>) -> StoreResult<Purged> {
                let mut lease = self.writer.acquire().await?;
                let mut tx = lease.begin_with($begin).await?;
                let of_prospects = "prospect_id IN (SELECT id FROM prospects WHERE team_id = $1)";
                for table in ["undo_log", "action_items", "stage_changes"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE {of_prospects}"))
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let touches = sqlx::query(&format!("DELETE FROM touches WHERE {of_prospects}"))
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                sqlx::query(&format!("DELETE FROM enrolments WHERE {of_prospects}"))
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?;
                let prospects = sqlx::query("DELETE FROM prospects WHERE team_id = $1")
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                for table in ["digest_runs", "managers", "team_holidays", "team_settings", "resources", "team_cadences"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE team_id = $1"))
                        .bind(team_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let reps = sqlx::query("DELETE FROM reps WHERE team_id = $1")
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                let token = sqlx::query("DELETE FROM workspaces WHERE team_id = $1")
                    .bind(team_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    > 0;
                // What is kept: that the workspace was purged, and when (no personal data).
                sqlx::query(
                    "INSERT INTO workspace_revocations (team_id, reason, revoked_at, purged_at) \
                     VALUES ($1, 'purged', $2, $2) \
                     ON CONFLICT (team_id) DO UPDATE SET purge_after = NULL, purged_at = excluded.purged_at",
                )
                .bind(team_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                self.cadences.forget(team_id);
                Ok(Purged { prospects, touches, reps, token })
            }

            async fn claim_oauth_state(&self, nonce: &str, now: DateTime<Utc>) -> StoreResult<bool> {
                sqlx::query("DELETE FROM oauth_states WHERE used_at < $1")
                    .bind(now - chrono::Duration::days(1))
                    .execute(&mut *self.writer.acquire().await?)
                    .await?;
                let claimed = sqlx::query(
                    "INSERT INTO oauth_states (nonce, used_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING",
                )
                .bind(nonce)
                .bind(now)
                .execute(&mut *self.writer.acquire().await?)
                .await?
                .rows_affected();
                Ok(claimed == 1)
            }
        }
    };
}

pub(crate) use workspace_sql;
