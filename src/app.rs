//! The running application: its shared state, its router, and `serve`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ServeConfig};
use crate::digest::Digester;
use crate::service::Service;
use crate::slack::api::SlackApi;
use crate::slack::signature::SigningSecret;
use crate::store::{self, Store};

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
        Self {
            service: Arc::new(Service::new(store, clock.clone(), default_digest)),
            oauth: None,
            slack: Arc::new(slack),
            secret,
            clock,
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
pub async fn serve(config: Config, serve: ServeConfig) -> anyhow::Result<()> {
    let store = store::open(&config.database_url).await?;
    store.migrate().await?;
    let slack = serve.slack.api(store.clone())?;
    if !slack.has_token() {
        tracing::warn!("SLACK_BOT_TOKEN is not set: replies work, but modals and direct messages cannot be sent");
    }
    let mut state = AppState::new(
        store,
        Arc::new(SystemClock),
        slack,
        SigningSecret::new(serve.signing_secret.clone()),
        config.digest_time,
    );
    if let Some(oauth) = serve.slack.oauth_config() {
        tracing::info!("OAuth mode: workspaces install at /slack/install");
        state = state.with_oauth(oauth);
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
            config.digest_concurrency,
        )
        .with_team_channel(std::env::var("FOLLOWUP_TEAM_CHANNEL").ok()),
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
    tracing::info!(%addr, database = %store::redact_url(&config.database_url), "followup is listening");
    let served = serve_on(listener, state, stop).await;
    let _ = scheduler.await;
    if let Some(socket) = socket {
        let _ = socket.await;
    }
    served?;
    tracing::info!("stopped");
    Ok(())
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
