//! Configuration from the environment (and a `.env` file when present), read once at start.

use chrono::NaiveTime;

use crate::domain::dates::parse_time_of_day;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://followup.db";
pub const DEFAULT_DIGEST_TIME: &str = "08:00";

/// What every command needs; the server reads its Slack settings separately.
#[derive(Clone)]
pub struct Config {
    pub database_url: String,
    pub digest_time: NaiveTime,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &crate::store::redact_url(&self.database_url),
            )
            .field("digest_time", &self.digest_time)
            .finish()
    }
}

impl Config {
    /// Reads `DATABASE_URL` and `FOLLOWUP_DIGEST_TIME`, after loading `.env` if there is one.
    pub fn from_env() -> anyhow::Result<Self> {
        // A missing .env is normal; a malformed one is worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => anyhow::bail!("could not read .env: {e}"),
        }
        let database_url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_string());
        let digest_raw = std::env::var("FOLLOWUP_DIGEST_TIME")
            .unwrap_or_else(|_| DEFAULT_DIGEST_TIME.to_string());
        let digest_time = parse_time_of_day(&digest_raw)
            .map_err(|e| anyhow::anyhow!("FOLLOWUP_DIGEST_TIME: {e}"))?;
        Ok(Self {
            database_url,
            digest_time,
        })
    }
}
