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

/// An environment variable, with an empty value meaning "not set".
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// How followup reaches Slack: which tokens, which transport. Secrets are never printed.
#[derive(Clone)]
pub struct SlackConfig {
    pub api_url: String,
    pub bot_token: Option<String>,
    /// OAuth mode: client id, client secret, and the key that encrypts stored tokens.
    pub oauth: Option<(String, String, crate::oauth::Cipher)>,
    /// Socket Mode's app-level token (`xapp-…`).
    pub app_token: Option<String>,
}

impl std::fmt::Debug for SlackConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackConfig")
            .field("api_url", &self.api_url)
            .field("bot_token", &self.bot_token.as_ref().map(|_| "***"))
            .field("oauth", &self.oauth.as_ref().map(|(id, _, _)| (id, "***")))
            .field("app_token", &self.app_token.as_ref().map(|_| "***"))
            .finish()
    }
}

impl SlackConfig {
    /// Reads `SLACK_API_URL`, `SLACK_BOT_TOKEN`, `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`,
    /// `FOLLOWUP_ENCRYPTION_KEY` and `SLACK_APP_TOKEN`; an error names the variable at fault.
    pub fn from_env() -> anyhow::Result<Self> {
        let bot_token = var("SLACK_BOT_TOKEN");
        if bot_token.as_ref().is_some_and(|t| !t.starts_with("xoxb-")) {
            anyhow::bail!("SLACK_BOT_TOKEN must be a bot token (xoxb-…), from OAuth & Permissions in your Slack app");
        }
        let app_token = var("SLACK_APP_TOKEN");
        if app_token.as_ref().is_some_and(|t| !t.starts_with("xapp-")) {
            anyhow::bail!("SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope");
        }
        let oauth = match (var("SLACK_CLIENT_ID"), var("SLACK_CLIENT_SECRET")) {
            (None, None) => None,
            (Some(_), None) => anyhow::bail!("SLACK_CLIENT_SECRET is not set: OAuth mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
            (None, Some(_)) => anyhow::bail!("SLACK_CLIENT_ID is not set: OAuth mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
            (Some(id), Some(secret)) => {
                let key = var("FOLLOWUP_ENCRYPTION_KEY").ok_or_else(|| {
                    anyhow::anyhow!(
                        "FOLLOWUP_ENCRYPTION_KEY is not set: OAuth mode stores each workspace's token encrypted; make a key with `openssl rand -base64 32`"
                    )
                })?;
                let cipher = crate::oauth::Cipher::from_base64(&key).map_err(|e| anyhow::anyhow!("{e}"))?;
                Some((id, secret, cipher))
            }
        };
        Ok(Self {
            api_url: var("SLACK_API_URL").unwrap_or_else(|| DEFAULT_SLACK_API_URL.to_string()),
            bot_token,
            oauth,
            app_token,
        })
    }

    /// The Web API client: per-workspace tokens in OAuth mode, else the one bot token.
    pub fn api(
        &self,
        store: std::sync::Arc<dyn crate::store::Store>,
    ) -> anyhow::Result<crate::slack::api::SlackApi> {
        match &self.oauth {
            Some((_, _, cipher)) => crate::slack::api::SlackApi::with_tokens(
                &self.api_url,
                std::sync::Arc::new(crate::oauth::WorkspaceTokens::new(
                    store,
                    cipher.clone(),
                    self.bot_token.clone().map(Into::into),
                )),
            ),
            None => crate::slack::api::SlackApi::new(
                &self.api_url,
                self.bot_token.clone().map(Into::into),
            ),
        }
    }

    pub fn oauth_config(&self) -> Option<crate::oauth::OAuthConfig> {
        self.oauth
            .as_ref()
            .map(|(id, secret, cipher)| crate::oauth::OAuthConfig {
                client_id: id.clone(),
                client_secret: secret.clone().into(),
                cipher: cipher.clone(),
            })
    }
}

/// What `serve` needs beyond [`Config`]. Secrets are never printed.
#[derive(Clone)]
pub struct ServeConfig {
    pub signing_secret: String,
    pub port: u16,
    pub slack: SlackConfig,
}

impl std::fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeConfig")
            .field("signing_secret", &"***")
            .field("port", &self.port)
            .field("slack", &self.slack)
            .finish()
    }
}

impl ServeConfig {
    /// Reads `SLACK_SIGNING_SECRET` (required), `PORT` and the Slack settings.
    pub fn from_env() -> anyhow::Result<Self> {
        let signing_secret = var("SLACK_SIGNING_SECRET").ok_or_else(|| {
            anyhow::anyhow!(
                "SLACK_SIGNING_SECRET is not set. Copy the Signing Secret from your Slack app's \
                 Basic Information page (api.slack.com/apps → your app → App Credentials) into \
                 the environment or a .env file"
            )
        })?;
        let port = match var("PORT") {
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("PORT `{raw}` is not a port number"))?,
            None => DEFAULT_PORT,
        };
        Ok(Self {
            signing_secret,
            port,
            slack: SlackConfig::from_env()?,
        })
    }
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
