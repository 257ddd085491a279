//! Configuration: one clap [`Config`] filled from flags, the environment and a `.env` file, and
//! the checked settings each command builds from it. `followup --help` prints the same table as
//! README's *Configuration* section; a test keeps the two the same.

mod serve;
#[cfg(test)]
mod tests;

use std::ffi::OsStr;
use std::sync::Arc;

use chrono::NaiveTime;
use secrecy::{ExposeSecret, SecretString};

use crate::domain::dates::parse_time_of_day;
use crate::store::{self, Store};

pub use serve::{ServeConfig, SlackConfig};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://followup.db";
pub const DEFAULT_DIGEST_TIME: &str = "08:00";
pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api/";

/// Every setting, each from its flag, else its environment variable, else its default. Values
/// are kept as given: each command checks the ones it uses ([`Config::settings`],
/// [`Config::serve`], [`Config::slack`]), so `followup demo` or `followup import` never stops for
/// a Slack setting it does not read. Secrets are `SecretString`s: `Debug` prints `[REDACTED]`,
/// and `--help` names their variables without their values.
#[derive(Clone, Debug, clap::Args)]
#[command(
    next_help_heading = "Configuration (each also read from its environment variable, or from .env)"
)]
pub struct Config {
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "URL",
        default_value = DEFAULT_DATABASE_URL,
        hide_env_values = true,
        help = "sqlite://… (created if missing) or postgres://…"
    )]
    pub database_url: SecretString,

    #[arg(
        long,
        env = "FOLLOWUP_DIGEST_TIME",
        value_name = "HH:MM",
        default_value = DEFAULT_DIGEST_TIME,
        help = "local time of a rep's morning digest until the rep sets another"
    )]
    digest_time: String,

    #[arg(
        long = "slack-signing-secret",
        env = "SLACK_SIGNING_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        help = "verifies every request from Slack; serve refuses to start without it"
    )]
    pub signing_secret: Option<SecretString>,

    #[arg(
        long = "slack-bot-token",
        env = "SLACK_BOT_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        help = "bot token (xoxb-…) of a single-workspace install; without it replies work but modals and DMs do not"
    )]
    pub bot_token: Option<SecretString>,

    #[arg(
        long = "slack-app-token",
        env = "SLACK_APP_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true,
        help = "app-level token (xapp-…, scope connections:write): connect over Socket Mode, no public URL needed"
    )]
    pub app_token: Option<SecretString>,

    #[arg(
        long = "slack-client-id",
        env = "SLACK_CLIENT_ID",
        value_name = "ID",
        help = "with SLACK_CLIENT_SECRET, turns on the OAuth install flow for many workspaces"
    )]
    pub client_id: Option<String>,

    #[arg(
        long = "slack-client-secret",
        env = "SLACK_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true,
        help = "see SLACK_CLIENT_ID"
    )]
    pub client_secret: Option<SecretString>,

    #[arg(
        long,
        env = "FOLLOWUP_ENCRYPTION_KEY",
        value_name = "KEY",
        hide_env_values = true,
        help = "32 random bytes, base64 (openssl rand -base64 32); encrypts stored workspace tokens; OAuth mode refuses to start without it"
    )]
    pub encryption_key: Option<SecretString>,

    #[arg(
        long = "slack-api-url",
        env = "SLACK_API_URL",
        value_name = "URL",
        default_value = DEFAULT_SLACK_API_URL,
        help = "base of the Slack Web API; tests point it at a local fake"
    )]
    pub api_url: String,

    #[arg(
        long,
        env = "PORT",
        value_name = "PORT",
        default_value = "3000",
        help = "listens on 0.0.0.0:$PORT (the Docker image sets 8080)"
    )]
    port: String,

    #[arg(
        long,
        env = "FOLLOWUP_LOG_FORMAT",
        value_name = "FORMAT",
        default_value = "pretty",
        value_parser = LogFormat::parse,
        help = "json for one JSON object per log line"
    )]
    pub log_format: LogFormat,

    #[arg(
        long,
        env = "FOLLOWUP_DIGEST_CONCURRENCY",
        value_name = "N",
        default_value = "8",
        help = "how many reps a digest pass serves at once (1 to 256)"
    )]
    digest_concurrency: String,

    #[arg(
        long,
        env = "FOLLOWUP_TEAM_CHANNEL",
        value_name = "CHANNEL",
        help = "a channel id (C…, the bot must be a member): on Monday mornings a workspace's last-week numbers by rep go there, unless its managers chose a channel with /followup settings team-channel #sales (with several workspaces, each chooses its own)"
    )]
    pub team_channel: Option<String>,
}

/// The variables an empty or blank value leaves unset, as they did before clap read them:
/// `.env.example` lists the Slack ones with empty values. The others keep refusing an empty
/// value (an empty `DATABASE_URL` is a mistake worth stopping for, not a reason to open a local
/// file).
pub const BLANK_IS_UNSET: &[&str] = &[
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "FOLLOWUP_ENCRYPTION_KEY",
    "SLACK_API_URL",
    "PORT",
    "FOLLOWUP_TEAM_CHANNEL",
];

/// Loads `.env` from the working directory into the environment, under what is already set. A
/// missing file is normal; a malformed one is worth stopping for.
pub fn load_dotenv() -> anyhow::Result<()> {
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(e) => anyhow::bail!("could not read .env: {e}"),
    }
}

/// Removes the [`BLANK_IS_UNSET`] variables whose value is empty or blank, so clap sees them as
/// unset and applies the default. Written by hand: clap takes an empty variable as a value.
/// Changes the process environment, so it runs before any other thread starts.
pub fn unset_blank_variables() {
    for name in BLANK_IS_UNSET {
        if std::env::var_os(name).is_some_and(|value| is_blank(&value)) {
            std::env::remove_var(name);
        }
    }
}

fn is_blank(value: &OsStr) -> bool {
    value.to_str().is_some_and(|v| v.trim().is_empty())
}

/// What every command that opens the database runs with, checked. The digest settings are
/// checked even by commands that send no digest, so `followup migrate` in a deploy finds a
/// malformed one before the first morning does.
#[derive(Clone, Debug)]
pub struct Settings {
    pub database_url: SecretString,
    pub digest_time: NaiveTime,
    /// How many reps a digest pass serves at once.
    pub digest_concurrency: usize,
}

impl Settings {
    /// The database, migrated.
    pub async fn open_store(&self) -> anyhow::Result<Arc<dyn Store>> {
        let store = store::open(self.database_url.expose_secret()).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// The database URL with any password hidden, for logs and messages.
    pub fn database_shown(&self) -> String {
        store::redact_url(self.database_url.expose_secret())
    }
}

impl Config {
    /// `DATABASE_URL`, `FOLLOWUP_DIGEST_TIME` and `FOLLOWUP_DIGEST_CONCURRENCY`, checked; an
    /// error names the variable at fault.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let digest_time = parse_time_of_day(&self.digest_time)
            .map_err(|e| anyhow::anyhow!("FOLLOWUP_DIGEST_TIME: {e}"))?;
        let raw = &self.digest_concurrency;
        let digest_concurrency = raw
            .trim()
            .parse()
            .ok()
            .filter(|n: &usize| (1..=256).contains(n))
            .ok_or_else(|| {
                anyhow::anyhow!("FOLLOWUP_DIGEST_CONCURRENCY `{raw}` is not a number from 1 to 256")
            })?;
        Ok(Settings {
            database_url: self.database_url.clone(),
            digest_time,
            digest_concurrency,
        })
    }

    /// The variables of the Slack credentials that are set, never their values: demo mode
    /// refuses to start while any is. In the order of `demo::SLACK_CREDENTIALS`.
    pub fn slack_credentials_set(&self) -> Vec<&'static str> {
        [
            ("SLACK_BOT_TOKEN", self.bot_token.is_some()),
            ("SLACK_SIGNING_SECRET", self.signing_secret.is_some()),
            ("SLACK_CLIENT_ID", self.client_id.is_some()),
            ("SLACK_CLIENT_SECRET", self.client_secret.is_some()),
            ("SLACK_APP_TOKEN", self.app_token.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

/// How log lines are written (`FOLLOWUP_LOG_FORMAT`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// For people.
    #[default]
    Pretty,
    /// One JSON object a line, for a log pipeline.
    Json,
}

impl LogFormat {
    /// `json` in any case is JSON; anything else, as it always was, is the readable format.
    fn parse(raw: &str) -> Result<Self, std::convert::Infallible> {
        Ok(if raw.eq_ignore_ascii_case("json") {
            Self::Json
        } else {
            Self::Pretty
        })
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (read by tracing itself) when it is set.
pub fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,slack_morphism=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}
