//! The digest scheduler inside `followup serve`: a `cron` tick every minute runs one pass, then
//! deletes the data of workspaces uninstalled more than 30 days ago.

use std::str::FromStr;
use std::sync::Arc;

use chrono::Utc;
use cron::Schedule;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::digest::Digester;

/// Every minute, on the minute.
pub const EVERY_MINUTE: &str = "0 * * * * *";

/// Runs a pass at each tick until `stop` turns true. A pass under way is never cut short: it
/// finishes the digests it is sending. A failed pass is logged; the next tick tries again
/// (claims make a repeated pass harmless).
pub async fn run(digester: Arc<Digester>, clock: Arc<dyn Clock>, mut stop: watch::Receiver<bool>) {
    let schedule = match Schedule::from_str(EVERY_MINUTE) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the digest schedule does not parse; no digests will be sent");
            return;
        }
    };
    loop {
        let now = clock.now();
        let Some(next) = schedule.after(&now).next() else {
            return;
        };
        let wait = (next - now).to_std().unwrap_or_default();
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
        let started = clock.now();
        let lag_ms = (started - next).num_milliseconds().max(0);
        crate::telemetry::SCHEDULER_LAG.set(lag_ms as f64 / 1000.0);
        match digester.run_pass(started, false).await {
            Ok(report) if !report.sent.is_empty() || !report.failed.is_empty() => tracing::info!(
                sent = report.sent.len(),
                failed = report.failed.len(),
                unreachable = report.unreachable.len(),
                lag_ms,
                "digest pass"
            ),
            Ok(_) => tracing::debug!(lag_ms, "digest pass: nothing to send"),
            Err(e) => tracing::error!(error = ?e, at = %Utc::now(), "digest pass failed"),
        }
        // An index probe when nothing is due: uninstalled workspaces whose 30 days are over.
        if let Err(e) =
            crate::retention::purge_expired(digester.service.store.as_ref(), started).await
        {
            tracing::error!(error = ?e, "looking for workspaces to purge failed");
        }
    }
}
