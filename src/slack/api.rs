//! The Slack Web API, through slack-morphism's client: bodies are Block Kit JSON built in
//! `slack::blocks`, so no strict payload enum stands between followup and a new block kind.
//! HTTP 429 waits for `Retry-After`; `ratelimited` and 5xx back off; both a bounded number of times.

use std::time::Duration;

use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{json, Value};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use url::Url;

use super::blocks::Message;
use super::payload::OAuthAccess;

type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

/// Why a Web API call failed after its retries.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Slack answered `ok: false` with this code (`channel_not_found`, `user_not_found`, …).
    #[error("Slack answered `{0}`")]
    Slack(String),
    #[error("Slack kept rate-limiting the call")]
    RateLimited,
    #[error("Slack could not be reached: {0}")]
    Transport(String),
    #[error("no bot token is configured (set SLACK_BOT_TOKEN)")]
    NoToken,
    #[error("refusing to post to a response URL outside Slack: {0}")]
    ForeignUrl(String),
    /// The workspace's token is gone: revoked, the app uninstalled, or the account that
    /// installed it deactivated. Nothing for this workspace works until it installs again.
    #[error("the workspace's Slack token no longer works (`{0}`)")]
    TokenDead(String),
    /// Slack answered `ok: true` with something followup cannot read.
    #[error("Slack's answer was not understood: {0}")]
    Unexpected(String),
}

/// The answers that mean the token itself is gone, whoever the call was about.
/// `account_inactive` is about the token's owner (the installing user or the bot), not the rep.
pub const DEAD_TOKEN_CODES: &[&str] = &[
    "invalid_auth",
    "token_revoked",
    "account_inactive",
    "not_authed",
    "token_expired",
];

/// How long a workspace whose token died is refused without asking Slack; after that one call
/// tries again (another replica may have seen it installed again).
pub const DEAD_TOKEN_MEMORY: Duration = Duration::from_secs(60);

/// Told once each time a workspace's token is found dead: (team id, Slack's error code).
pub type DeadTokenHook = std::sync::Arc<dyn Fn(&str, &str) + Send + Sync>;

impl ApiError {
    /// The rep cannot be reached (blocked the app, left, or deactivated): do not retry.
    pub fn is_unreachable_user(&self) -> bool {
        matches!(self, ApiError::Slack(code) if matches!(code.as_str(),
            "user_not_found" | "user_disabled" | "cannot_dm_bot"
            | "channel_not_found" | "is_archived" | "not_in_channel" | "messages_tab_disabled"
            | "user_is_bot"))
    }

    /// The workspace's token is gone: stop everything for it, not just this rep.
    pub fn is_token_dead(&self) -> bool {
        matches!(self, ApiError::TokenDead(_))
    }
}

/// Where a workspace's bot token comes from: one fixed token (`SLACK_BOT_TOKEN`), or one per
/// workspace installed through OAuth.
#[async_trait::async_trait]
pub trait TokenSource: Send + Sync {
    async fn bot_token(&self, team_id: &str) -> Option<SecretString>;
    /// Drops anything remembered about a workspace (after an uninstall or a reinstall).
    fn forget(&self, _team_id: &str) {}
    /// Whether any workspace can have a token at all.
    fn any(&self) -> bool;
}

/// The single-workspace token, or none.
pub struct StaticToken(pub Option<SecretString>);

#[async_trait::async_trait]
impl TokenSource for StaticToken {
    async fn bot_token(&self, _team_id: &str) -> Option<SecretString> {
        self.0.clone()
    }
    fn any(&self) -> bool {
        self.0.is_some()
    }
}

pub struct SlackApi {
    client: SlackClient<Connector>,
    tokens: std::sync::Arc<dyn TokenSource>,
    /// Hosts a `response_url` may point at: Slack's, and the configured API host (a local fake in tests).
    response_hosts: Vec<String>,
    max_attempts: u32,
    backoff: Duration,
    /// How long one attempt may take before it counts as failed (and is retried).
    attempt_timeout: Duration,
    /// When each channel last got a message: Slack allows about one a second into one channel.
    last_post: std::sync::Mutex<std::collections::HashMap<String, std::time::Instant>>,
    /// Workspaces whose token Slack refused lately, with the code and when.
    dead: std::sync::Mutex<std::collections::HashMap<String, (String, std::time::Instant)>>,
    /// Records a dead token (set by `AppState`, which owns the store).
    on_dead: std::sync::OnceLock<DeadTokenHook>,
}

/// The least time between two messages into one channel.
pub const CHANNEL_SPACING: Duration = Duration::from_secs(1);

impl std::fmt::Debug for SlackApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackApi")
            .field("tokens", &"***")
            .field("response_hosts", &self.response_hosts)
            .finish()
    }
}

impl SlackApi {
    /// A client for the Web API at `base_url` (`https://slack.com/api/` unless a test says
    /// otherwise) with one bot token for every workspace.
    pub fn new(base_url: &str, bot_token: Option<SecretString>) -> anyhow::Result<Self> {
        Self::with_tokens(
            base_url,
            std::sync::Arc::new(StaticToken(
                bot_token.filter(|t| !t.expose_secret().is_empty()),
            )),
        )
    }

    /// A client whose token depends on the workspace each call serves.
    pub fn with_tokens(
        base_url: &str,
        tokens: std::sync::Arc<dyn TokenSource>,
    ) -> anyhow::Result<Self> {
        let base = base_url.trim_end_matches('/');
        let parsed =
            Url::parse(base).map_err(|e| anyhow::anyhow!("SLACK_API_URL `{base}`: {e}"))?;
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| anyhow::anyhow!("loading the system's TLS roots: {e}"))?
            .https_or_http()
            .enable_http1()
            .build();
        let connector = SlackClientHyperConnector::with_connector(https).with_slack_api_url(base);
        let mut response_hosts = vec!["hooks.slack.com".to_string()];
        if let Some(host) = parsed.host_str() {
            response_hosts.push(host.to_string());
        }
        Ok(Self {
            client: SlackClient::new(connector),
            tokens,
            response_hosts,
            max_attempts: 5,
            backoff: Duration::from_millis(250),
            attempt_timeout: Duration::from_secs(10),
            last_post: std::sync::Mutex::new(std::collections::HashMap::new()),
            dead: std::sync::Mutex::new(std::collections::HashMap::new()),
            on_dead: std::sync::OnceLock::new(),
        })
    }

    /// Shorter backoff, for tests of the retry path.
    pub fn with_backoff(mut self, backoff: Duration, max_attempts: u32) -> Self {
        self.backoff = backoff;
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// How long one attempt may take (10 s unless a test wants less).
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    pub fn has_token(&self) -> bool {
        self.tokens.any()
    }

    pub fn tokens(&self) -> &std::sync::Arc<dyn TokenSource> {
        &self.tokens
    }

    /// Tells `hook` each time a workspace's token is found dead (once per finding, not per call).
    pub fn on_dead_token(&self, hook: DeadTokenHook) {
        let _ = self.on_dead.set(hook);
    }

    /// Forgets what was learned about a workspace: its cached token and that it was dead (after
    /// an install, or an uninstall).
    pub fn forget(&self, team_id: &str) {
        self.tokens.forget(team_id);
        self.dead
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(team_id);
    }

    /// Notes the workspace's token dead when `result` says so, telling the hook the first time.
    fn noting<T>(&self, team_id: &str, result: Result<T, ApiError>) -> Result<T, ApiError> {
        if let Err(ApiError::TokenDead(code)) = &result {
            let first = self
                .dead
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(
                    team_id.to_string(),
                    (code.clone(), std::time::Instant::now()),
                )
                .is_none();
            if first {
                self.tokens.forget(team_id);
                if let Some(hook) = self.on_dead.get() {
                    hook(team_id, code);
                }
            }
        }
        result
    }

    async fn token(&self, team_id: &str) -> Result<SlackApiToken, ApiError> {
        {
            let mut dead = self.dead.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((code, since)) = dead.get(team_id) {
                if since.elapsed() < DEAD_TOKEN_MEMORY {
                    return Err(ApiError::TokenDead(code.clone()));
                }
                dead.remove(team_id);
            }
        }
        let token = self
            .tokens
            .bot_token(team_id)
            .await
            .ok_or(ApiError::NoToken)?;
        Ok(SlackApiToken::new(SlackApiTokenValue::new(
            token.expose_secret().to_string(),
        )))
    }

    /// Calls a Web API method for a workspace with a JSON body; retries rate limits and server errors.
    pub async fn call(
        &self,
        team_id: &str,
        method: &str,
        body: &(impl Serialize + Send + Sync),
    ) -> Result<Value, ApiError> {
        let result = self.call_once(team_id, method, body).await;
        self.noting(team_id, result)
    }

    /// `auth.test` with the fixed token: whose token it is. A refusal here is not noted against a
    /// workspace (which one is not known yet).
    pub async fn auth_test(&self) -> Result<Value, ApiError> {
        self.call_once("", "auth.test", &json!({})).await
    }

    async fn call_once(
        &self,
        team_id: &str,
        method: &str,
        body: &(impl Serialize + Send + Sync),
    ) -> Result<Value, ApiError> {
        let token = self.token(team_id).await?;
        self.post_with(&token, method, body).await
    }

    /// `method` with `token` and a JSON body, retried as [`Self::retrying`] says.
    async fn post_with(
        &self,
        token: &SlackApiToken,
        method: &str,
        body: &(impl Serialize + Send + Sync),
    ) -> Result<Value, ApiError> {
        let span = tracing::debug_span!("slack_api", method);
        self.retrying(method, || {
            let context = SlackClientApiCallContext {
                rate_control_params: None,
                token: Some(token),
                tracing_span: &span,
                is_sensitive_url: false,
            };
            self.client
                .http_api
                .connector
                .http_post::<_, Value>(method, body, context)
        })
        .await
    }

    /// Posts to a `response_url` (ephemeral replies and in-place updates of the clicked message).
    pub async fn respond(&self, response_url: &str, body: &Value) -> Result<(), ApiError> {
        let url =
            Url::parse(response_url).map_err(|_| ApiError::ForeignUrl(response_url.into()))?;
        let allowed = url
            .host_str()
            .is_some_and(|h| self.response_hosts.iter().any(|a| a == h));
        if !allowed {
            return Err(ApiError::ForeignUrl(response_url.into()));
        }
        let span = tracing::debug_span!("slack_response_url");
        self.retrying("response_url", || {
            let context = SlackClientApiCallContext {
                rate_control_params: None,
                token: None,
                tracing_span: &span,
                is_sensitive_url: true,
            };
            self.client
                .http_api
                .connector
                .http_post_uri::<Value, Value>(url.clone(), body, context)
        })
        .await
        .map(|_| ())
    }

    /// Waits until `channel` may take another message, and books the slot.
    async fn pace(&self, channel: &str) {
        loop {
            let wait = {
                let mut last = self.last_post.lock().unwrap_or_else(|e| e.into_inner());
                let now = std::time::Instant::now();
                if last.len() > 10_000 {
                    last.retain(|_, at| now.duration_since(*at) < CHANNEL_SPACING);
                }
                match last.get(channel) {
                    Some(at) if now.duration_since(*at) < CHANNEL_SPACING => {
                        CHANNEL_SPACING - now.duration_since(*at)
                    }
                    _ => {
                        last.insert(channel.to_string(), now);
                        return;
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Posts a message, at most one a second into one channel; answers its `ts`.
    pub async fn post_message(
        &self,
        team_id: &str,
        channel: &str,
        message: &Message,
    ) -> Result<String, ApiError> {
        let answer = self.post(team_id, channel, message).await?;
        Ok(answer["ts"].as_str().unwrap_or_default().to_string())
    }

    /// `chat.postMessage` into `channel` (a channel id, or a user id for the app's DM), paced
    /// per channel; answers Slack's answer.
    async fn post(
        &self,
        team_id: &str,
        channel: &str,
        message: &Message,
    ) -> Result<Value, ApiError> {
        self.pace(channel).await;
        // Written straight from the typed blocks: no JSON value tree in between.
        #[derive(Serialize)]
        struct PostMessage<'a> {
            channel: &'a str,
            text: &'a str,
            blocks: &'a [crate::slack::blocks::Block],
        }
        let body = PostMessage {
            channel,
            text: &message.text,
            blocks: message.capped_slice(),
        };
        self.call(team_id, "chat.postMessage", &body).await
    }

    /// A direct message from the app to a user, in the app's Messages tab: `chat.postMessage`
    /// to the user id, which needs no `conversations.open` (nor `im:write`). Paced per user.
    /// Answers the DM channel Slack put it in, and its `ts`.
    pub async fn post_dm(
        &self,
        team_id: &str,
        user_id: &str,
        message: &Message,
    ) -> Result<(String, String), ApiError> {
        let answer = self.post(team_id, user_id, message).await?;
        let channel = answer["channel"].as_str().unwrap_or(user_id).to_string();
        Ok((
            channel,
            answer["ts"].as_str().unwrap_or_default().to_string(),
        ))
    }

    /// The user's time zone from the Slack profile (`None` when Slack has none), and whether the
    /// account is deleted.
    pub async fn user_tz(
        &self,
        team_id: &str,
        user_id: &str,
    ) -> Result<(Option<String>, bool), ApiError> {
        let answer = self.users_info(team_id, user_id).await?;
        Ok((answer.user.tz, answer.user.deleted.unwrap_or(false)))
    }

    /// Whether the user is one of the workspace's admins or owners (`users.info`), who manage
    /// followup for the team unless they name other managers.
    pub async fn is_workspace_admin(&self, team_id: &str, user_id: &str) -> Result<bool, ApiError> {
        let flags = self.users_info(team_id, user_id).await?.user.flags;
        Ok([flags.is_admin, flags.is_owner, flags.is_primary_owner]
            .iter()
            .any(|f| f.unwrap_or(false)))
    }

    /// `users.info`, typed.
    async fn users_info(
        &self,
        team_id: &str,
        user_id: &str,
    ) -> Result<SlackApiUsersInfoResponse, ApiError> {
        let result = async {
            let token = self.token(team_id).await?;
            let session = self.client.open_session(&token);
            let request = SlackApiUsersInfoRequest::new(SlackUserId::new(user_id.to_string()));
            self.retrying_typed("users.info", || session.users_info(&request))
                .await
        }
        .await;
        self.noting(team_id, result)
    }

    pub async fn open_view(
        &self,
        team_id: &str,
        trigger_id: &str,
        view: &Value,
    ) -> Result<(), ApiError> {
        self.open_view_for_update(team_id, trigger_id, view)
            .await
            .map(|_| ())
    }

    /// `views.open`, answering the new view's id (for a `views.update` once more is known).
    pub async fn open_view_for_update(
        &self,
        team_id: &str,
        trigger_id: &str,
        view: &Value,
    ) -> Result<Option<String>, ApiError> {
        let answer = self
            .call(
                team_id,
                "views.open",
                &json!({"trigger_id": trigger_id, "view": view}),
            )
            .await?;
        Ok(answer["view"]["id"].as_str().map(str::to_string))
    }

    /// `views.update` of an open view by its id.
    pub async fn update_view(
        &self,
        team_id: &str,
        view_id: &str,
        view: &Value,
    ) -> Result<(), ApiError> {
        self.call(
            team_id,
            "views.update",
            &json!({"view_id": view_id, "view": view}),
        )
        .await
        .map(|_| ())
    }

    /// A user's name as people know it: real name, else display name, else handle.
    pub async fn user_name(
        &self,
        team_id: &str,
        user_id: &str,
    ) -> Result<Option<String>, ApiError> {
        let answer = self.users_info(team_id, user_id).await?;
        let profile = answer.user.profile.as_ref();
        let name = profile
            .and_then(|p| p.real_name.clone())
            .or_else(|| profile.and_then(|p| p.display_name.clone()))
            .or(answer.user.name)
            .filter(|n| !n.trim().is_empty());
        Ok(name)
    }

    /// Publishes a user's Home tab.
    pub async fn publish_home(
        &self,
        team_id: &str,
        user_id: &str,
        view: &Value,
    ) -> Result<(), ApiError> {
        self.call(
            team_id,
            "views.publish",
            &json!({"user_id": user_id, "view": view}),
        )
        .await
        .map(|_| ())
    }

    /// A Socket Mode WebSocket URL (`apps.connections.open`, with the app-level token).
    pub async fn open_socket(&self, app_token: &SecretString) -> Result<String, ApiError> {
        let answer = self
            .call_with_token(
                app_token.expose_secret(),
                "apps.connections.open",
                &json!({}),
            )
            .await?;
        answer["url"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ApiError::Slack("apps.connections.open answered without a url".into()))
    }

    /// Revokes a token Slack just issued that followup will not keep (`auth.revoke`, called with
    /// that token): an org-wide install that was refused.
    pub async fn revoke_token(&self, token: &str) -> Result<(), ApiError> {
        self.call_with_token(token, "auth.revoke", &json!({}))
            .await
            .map(|_| ())
    }

    /// A Web API call with a token that belongs to no workspace followup keeps.
    async fn call_with_token(
        &self,
        token: &str,
        method: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        let token = SlackApiToken::new(SlackApiTokenValue::new(token.to_string()));
        self.post_with(&token, method, body).await
    }

    /// Exchanges an OAuth code for the workspace's tokens (`oauth.v2.access`, client id and
    /// secret as HTTP Basic). Read as JSON: see [`OAuthAccess`] for why not slack-morphism's type.
    pub async fn oauth_access(
        &self,
        client_id: &str,
        client_secret: &SecretString,
        code: &str,
    ) -> Result<OAuthAccess, ApiError> {
        let connector = &self.client.http_api.connector;
        let method = connector
            .create_method_uri_path("oauth.v2.access")
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let url = Url::parse_with_params(method.as_str(), [("code", code)])
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let id = SlackClientId::new(client_id.to_string());
        let secret = SlackClientSecret::new(client_secret.expose_secret().to_string());
        let answer: Value = self
            .retrying("oauth.v2.access", || {
                connector.http_get_with_client_secret(url.clone(), &id, &secret)
            })
            .await?;
        serde_json::from_value(answer)
            .map_err(|e| ApiError::Unexpected(format!("oauth.v2.access: {e}")))
    }

    async fn retrying<'a, F, Fut>(&'a self, method: &str, attempt: F) -> Result<Value, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ClientResult<Value>> + 'a,
    {
        self.retrying_typed(method, attempt).await
    }

    async fn retrying_typed<'a, T, F, Fut>(
        &'a self,
        method: &str,
        mut attempt: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ClientResult<T>> + 'a,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            let last = tries >= self.max_attempts;
            let result = match tokio::time::timeout(self.attempt_timeout, attempt()).await {
                Ok(result) => result,
                Err(_) => {
                    crate::telemetry::SLACK_CALLS
                        .with_label_values(&[method, "timeout"])
                        .inc();
                    if last {
                        return Err(ApiError::Transport(format!(
                            "no answer within {} s",
                            self.attempt_timeout.as_secs_f32()
                        )));
                    }
                    tracing::warn!(
                        attempt = tries,
                        method,
                        "Slack did not answer in time; retrying"
                    );
                    tokio::time::sleep(self.backoff * 2u32.pow(tries - 1)).await;
                    continue;
                }
            };
            let outcome = match &result {
                Ok(_) => "ok",
                Err(SlackClientError::RateLimitError(_)) => {
                    crate::telemetry::SLACK_RATE_LIMITED.inc();
                    "rate_limited"
                }
                Err(_) => "error",
            };
            crate::telemetry::SLACK_CALLS
                .with_label_values(&[method, outcome])
                .inc();
            let wait = match result {
                Ok(value) => return Ok(value),
                Err(SlackClientError::RateLimitError(e)) => {
                    if last {
                        return Err(ApiError::RateLimited);
                    }
                    e.retry_after.unwrap_or(Duration::from_secs(1))
                }
                Err(SlackClientError::ApiError(e)) if e.code == "ratelimited" => {
                    if last {
                        return Err(ApiError::RateLimited);
                    }
                    Duration::from_secs(1)
                }
                Err(SlackClientError::ApiError(e))
                    if DEAD_TOKEN_CODES.contains(&e.code.as_str()) =>
                {
                    return Err(ApiError::TokenDead(e.code))
                }
                Err(SlackClientError::ApiError(e)) => return Err(ApiError::Slack(e.code)),
                Err(SlackClientError::HttpError(e)) if e.status_code.is_server_error() && !last => {
                    self.backoff * 2u32.pow(tries - 1)
                }
                Err(e) if last => return Err(ApiError::Transport(e.to_string())),
                Err(SlackClientError::HttpError(e)) => {
                    return Err(ApiError::Transport(format!("HTTP {}", e.status_code)))
                }
                Err(_) => self.backoff * 2u32.pow(tries - 1),
            };
            tracing::warn!(
                attempt = tries,
                wait_ms = wait.as_millis() as u64,
                "Slack call failed; retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }
}
