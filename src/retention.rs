//! What followup keeps after a workspace uninstalls it, and for how long: everything for
//! [`PURGE_AFTER_DAYS`](crate::handlers::events::PURGE_AFTER_DAYS) days (so a team that reinstalls
//! finds its pipeline), then nothing but the date it was purged.

use chrono::{DateTime, Utc};

use crate::store::{Store, StoreResult};

/// Purges every workspace whose purge date has come; answers how many were purged. One that
/// fails is logged and tried again on the next tick.
pub async fn purge_expired(store: &dyn Store, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut purged = 0;
    for team in store.purge_due(now).await? {
        match store.purge_workspace(&team, now).await {
            Ok(deleted) => {
                purged += 1;
                tracing::info!(
                    %team,
                    prospects = deleted.prospects,
                    touches = deleted.touches,
                    reps = deleted.reps,
                    "uninstalled workspace's data deleted, 30 days after the uninstall"
                );
            }
            Err(e) => {
                tracing::error!(error = ?e, %team, "purging an uninstalled workspace failed; the next tick tries again")
            }
        }
    }
    Ok(purged)
}
