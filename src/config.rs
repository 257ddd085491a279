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
    /// How many reps a digest pass serves at once (`FOLLOWUP_DIGEST_CONCURRENCY`, default 8).
    pub digest_concurrency: usize,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field(
                "database_url",
                &crate::store::redact_url(&self.database_url),
            )
            .field("digest_time", &self.digest_time)
            .field("digest_concurrency", &self.digest_concurrency)
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
        let digest_concurrency = match std::env::var("FOLLOWUP_DIGEST_CONCURRENCY") {
            Ok(raw) => raw
                .trim()
                .parse()
                .ok()
                .filter(|n: &usize| (1..=256).contains(n))
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "FOLLOWUP_DIGEST_CONCURRENCY `{raw}` is not a number from 1 to 256"
                    )
                })?,
            Err(_) => 8,
        };
        Ok(Self {
            database_url,
            digest_time,
            digest_concurrency,
        })
    }
}

pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api/";
pub const DEFAULT_PORT: u16 = 3000;

/// What `serve` needs beyond [`Config`]. Secrets are never printed.
#[derive(Clone)]
pub struct ServeConfig {
    pub signing_secret: String,
    pub bot_token: Option<String>,
    pub slack_api_url: String,
    pub port: u16,
}

impl std::fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeConfig")
            .field("signing_secret", &"***")
            .field("bot_token", &self.bot_token.as_ref().map(|_| "***"))
            .field("slack_api_url", &self.slack_api_url)
            .field("port", &self.port)
            .finish()
    }
}

impl ServeConfig {
    /// Reads `SLACK_SIGNING_SECRET` (required), `SLACK_BOT_TOKEN`, `SLACK_API_URL` and `PORT`.
    pub fn from_env() -> anyhow::Result<Self> {
        let signing_secret = std::env::var("SLACK_SIGNING_SECRET")
            .ok()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "SLACK_SIGNING_SECRET is not set. Copy the Signing Secret from your Slack app's \
                     Basic Information page (api.slack.com/apps → your app → App Credentials) into \
                     the environment or a .env file"
                )
            })?;
        let port = match std::env::var("PORT") {
            Ok(raw) => raw
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("PORT `{raw}` is not a port number"))?,
            Err(_) => DEFAULT_PORT,
        };
        Ok(Self {
            signing_secret,
            bot_token: std::env::var("SLACK_BOT_TOKEN")
                .ok()
                .filter(|t| !t.is_empty()),
            slack_api_url: std::env::var("SLACK_API_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| DEFAULT_SLACK_API_URL.to_string()),
            port,
        })
    }
}

/// The Web API client for commands that only send (no signing secret needed).
pub fn slack_from_env() -> anyhow::Result<crate::slack::api::SlackApi> {
    let base = std::env::var("SLACK_API_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_SLACK_API_URL.to_string());
    let token = std::env::var("SLACK_BOT_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    crate::slack::api::SlackApi::new(&base, token)
}

/// Logs to stderr: human-readable, or one JSON object a line with `FOLLOWUP_LOG_FORMAT=json`.
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,slack_morphism=warn"));
    let json = std::env::var("FOLLOWUP_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
