//! The checked settings of the commands that talk to Slack: `serve`, and `digest` for its tokens.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::{Config, Settings};
use crate::oauth::{Cipher, OAuthConfig, WorkspaceTokens};
use crate::slack::api::SlackApi;
use crate::slack::signature::SigningSecret;
use crate::store::Store;

/// How followup reaches Slack: which tokens, which transport. Secrets print as `[REDACTED]`.
#[derive(Clone, Debug)]
pub struct SlackConfig {
    pub api_url: String,
    pub bot_token: Option<SecretString>,
    /// OAuth mode: client id, client secret, and the key that encrypts stored tokens.
    pub oauth: Option<OAuthConfig>,
    /// Socket Mode's app-level token (`xapp-…`).
    pub app_token: Option<SecretString>,
}

impl SlackConfig {
    /// The Web API client: per-workspace tokens in OAuth mode, else the one bot token.
    pub fn api(&self, store: Arc<dyn Store>) -> anyhow::Result<SlackApi> {
        match &self.oauth {
            Some(oauth) => SlackApi::with_tokens(
                &self.api_url,
                Arc::new(WorkspaceTokens::new(
                    store,
                    oauth.cipher.clone(),
                    self.bot_token.clone(),
                )),
            ),
            None => SlackApi::new(&self.api_url, self.bot_token.clone()),
        }
    }
}

/// What `serve` runs with, checked. Secrets print as `[REDACTED]`.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub settings: Settings,
    pub signing_secret: SigningSecret,
    pub port: u16,
    pub slack: SlackConfig,
    /// Where a workspace's weekly numbers go when its managers chose no channel.
    pub team_channel: Option<String>,
}

impl Config {
    /// `SLACK_BOT_TOKEN`, `SLACK_APP_TOKEN`, `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET` and
    /// `FOLLOWUP_ENCRYPTION_KEY`, checked; an error names the variable at fault.
    pub fn slack(&self) -> anyhow::Result<SlackConfig> {
        let starts = |token: &Option<SecretString>, prefix: &str| {
            token
                .as_ref()
                .is_none_or(|t| t.expose_secret().starts_with(prefix))
        };
        if !starts(&self.bot_token, "xoxb-") {
            anyhow::bail!("SLACK_BOT_TOKEN must be a bot token (xoxb-…), from OAuth & Permissions in your Slack app");
        }
        if !starts(&self.app_token, "xapp-") {
            anyhow::bail!("SLACK_APP_TOKEN must be an app-level token (xapp-…) with the connections:write scope");
        }
        let oauth = match (&self.client_id, &self.client_secret) {
            (None, None) => None,
            (Some(_), None) => anyhow::bail!("SLACK_CLIENT_SECRET is not set: OAuth mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
            (None, Some(_)) => anyhow::bail!("SLACK_CLIENT_ID is not set: OAuth mode needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET"),
            (Some(id), Some(secret)) => {
                let key = self.encryption_key.as_ref().ok_or_else(|| {
                    anyhow::anyhow!(
                        "FOLLOWUP_ENCRYPTION_KEY is not set: OAuth mode stores each workspace's token encrypted; make a key with `openssl rand -base64 32`"
                    )
                })?;
                let cipher = Cipher::from_base64(key.expose_secret())
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                Some(OAuthConfig {
                    client_id: id.clone(),
                    client_secret: secret.clone(),
                    cipher,
                })
            }
        };
        Ok(SlackConfig {
            api_url: self.api_url.clone(),
            bot_token: self.bot_token.clone(),
            oauth,
            app_token: self.app_token.clone(),
        })
    }

    /// Everything `serve` needs, checked: [`Config::settings`], `SLACK_SIGNING_SECRET`
    /// (required), `PORT`, and [`Config::slack`].
    pub fn serve(&self) -> anyhow::Result<ServeConfig> {
        let settings = self.settings()?;
        let signing_secret = self.signing_secret.clone().ok_or_else(|| {
            anyhow::anyhow!(
                "SLACK_SIGNING_SECRET is not set. Copy the Signing Secret from your Slack app's \
                 Basic Information page (api.slack.com/apps → your app → App Credentials) into \
                 the environment or a .env file"
            )
        })?;
        let raw = &self.port;
        let port = raw
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("PORT `{raw}` is not a port number"))?;
        Ok(ServeConfig {
            settings,
            signing_secret: SigningSecret::from(signing_secret),
            port,
            slack: self.slack()?,
            team_channel: self.team_channel.clone(),
        })
    }
}
