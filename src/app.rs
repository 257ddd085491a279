//! The running application: its shared state, its router, and `serve`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::{Clock, SystemClock};
use crate::config::ServeConfig;
use crate::digest::Digester;
use crate::service::{Roles, Service};
use crate::slack::api::{DeadTokenHook, SlackApi};
use crate::slack::signature::SigningSecret;
use crate::store::Store;

/// Everything a request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub service: Arc<Service>,
    /// Set in OAuth mode (many workspaces).
    pub oauth: Option<Arc<crate::oauth::OAuthConfig>>,
    pub slack: Arc<SlackApi>,
    pub secret: SigningSecret,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        slack: SlackApi,
        secret: SigningSecret,
        default_digest: chrono::NaiveTime,
    ) -> Self {
        let service = Arc::new(Service::new(store.clone(), clock.clone(), default_digest));
        slack.on_dead_token(dead_token_recorder(store, clock.clone()));
        let slack = Arc::new(slack);
        service.set_roles(Arc::new(SlackRoles::new(slack.clone())));
        Self {
            service,
            oauth: None,
            slack,
            secret,
            clock,
        }
    }
}

/// Records a workspace whose token died, so its reps are no digest candidates until it installs
/// again, and says so once in the log (not once per rep or per call).
fn dead_token_recorder(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> DeadTokenHook {
    Arc::new(move |team_id: &str, code: &str| {
        let (store, now) = (store.clone(), clock.now());
        let (team_id, code) = (team_id.to_string(), code.to_string());
        tokio::spawn(async move {
            match store.revoke_workspace(&team_id, &code, now, None).await {
                Ok(true) => tracing::error!(
                    team = %team_id,
                    %code,
                    "Slack refused this workspace's token: no digests or messages go to it until followup is installed there again"
                ),
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(error = ?e, team = %team_id, "recording a dead token failed")
                }
            }
        });
    })
}

/// How long a user's admin or owner role is remembered.
const ROLE_MEMORY: std::time::Duration = std::time::Duration::from_secs(600);
/// How long asking Slack for a role may take: it runs before a command's answer.
const ROLE_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1500);

/// A workspace's admins and owners, from `users.info`, remembered for ten minutes.
struct SlackRoles {
    slack: Arc<SlackApi>,
    known:
        std::sync::Mutex<std::collections::HashMap<(String, String), (bool, std::time::Instant)>>,
}

impl SlackRoles {
    fn new(slack: Arc<SlackApi>) -> Self {
        Self {
            slack,
            known: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }
}

#[async_trait::async_trait]
impl Roles for SlackRoles {
    async fn is_admin(&self, team_id: &str, user_id: &str) -> Option<bool> {
        let key = (team_id.to_string(), user_id.to_string());
        if let Some((admin, at)) = self
            .known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            if at.elapsed() < ROLE_MEMORY {
                return Some(*admin);
            }
        }
        if !self.slack.has_token() {
            return None;
        }
        match tokio::time::timeout(
            ROLE_TIMEOUT,
            self.slack.is_workspace_admin(team_id, user_id),
        )
        .await
        {
            Ok(Ok(admin)) => {
                let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
                if known.len() > 10_000 {
                    known.retain(|_, (_, at)| at.elapsed() < ROLE_MEMORY);
                }
                known.insert(key, (admin, std::time::Instant::now()));
                Some(admin)
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "asking Slack whether a user is an admin failed");
                None
            }
            Err(_) => {
                tracing::warn!("Slack did not say in time whether a user is an admin");
                None
            }
        }
    }
}

impl AppState {
    /// Turns on the OAuth install flow.
    pub fn with_oauth(mut self, oauth: crate::oauth::OAuthConfig) -> Self {
        self.oauth = Some(Arc::new(oauth));
        self
    }
}

pub fn router(state: AppState) -> Router {
    crate::http::router(state)
}

/// Serves the router on an already bound listener until `stop` turns true; requests in flight
/// are finished first.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        })
        .await
}

/// `followup serve`: migrate, then answer Slack on `0.0.0.0:$PORT` (and over Socket Mode when
/// `SLACK_APP_TOKEN` is set), and run the digest scheduler. SIGTERM or Ctrl-C stops it gracefully.
pub async fn serve(serve: ServeConfig) -> anyhow::Result<()> {
    let settings = &serve.settings;
    let store = settings.open_store().await?;
    let slack = serve.slack.api(store.clone())?;
    if !slack.has_token() {
        tracing::warn!("SLACK_BOT_TOKEN is not set: replies work, but modals and direct messages cannot be sent");
    }
    let mut state = AppState::new(
        store,
        Arc::new(SystemClock),
        slack,
        serve.signing_secret.clone(),
        settings.digest_time,
    );
    if let Some(oauth) = serve.slack.oauth.clone() {
        tracing::info!("OAuth mode: workspaces install at /slack/install");
        state = state.with_oauth(oauth);
    }
    if state.oauth.is_none() && state.slack.has_token() {
        let state = state.clone();
        tokio::spawn(async move { check_static_token(&state).await });
    }
    let addr = SocketAddr::from(([0, 0, 0, 0], serve.port));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;

    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping: finishing requests in flight and any digest being sent");
        let _ = stop_tx.send(true);
    });
    let digester = Arc::new(
        Digester::new(
            state.service.clone(),
            state.slack.clone(),
            settings.digest_concurrency,
        )
        .with_team_channel(serve.team_channel.clone()),
    );
    let scheduler = tokio::spawn(crate::scheduler::run(
        digester,
        state.clock.clone(),
        stop.clone(),
    ));
    let socket = serve.slack.app_token.clone().map(|token| {
        tracing::info!("Socket Mode: connecting out to Slack");
        tokio::spawn(crate::socket_mode::run(state.clone(), token, stop.clone()))
    });
    tracing::info!(%addr, database = %settings.database_shown(), "followup is listening");
    let served = serve_on(listener, state, stop).await;
    let _ = scheduler.await;
    if let Some(socket) = socket {
        let _ = socket.await;
    }
    served?;
    tracing::info!("stopped");
    Ok(())
}

/// With one fixed token (`SLACK_BOT_TOKEN`): asks Slack whose token it is. A workspace marked
/// revoked or uninstalled whose token works again (installed again, the new token configured)
/// gets its digests back and its purge called off. Answers the workspace's team id.
pub async fn check_static_token(state: &AppState) -> Option<String> {
    let answer = match state.slack.auth_test().await {
        Ok(answer) => answer,
        Err(e) => {
            tracing::error!(error = %e, "SLACK_BOT_TOKEN does not work: check it, or install the app again and set the new token");
            return None;
        }
    };
    let team = answer["team_id"].as_str()?.to_string();
    match state.service.store.restore_workspace(&team).await {
        Ok(true) => {
            state.slack.forget(&team);
            tracing::info!(%team, "the workspace's token works again: digests resume and no purge is pending");
        }
        Ok(false) => {}
        Err(e) => tracing::error!(error = ?e, %team, "lifting the workspace's revocation failed"),
    }
    Some(team)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
