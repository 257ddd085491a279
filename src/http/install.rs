//! `GET /slack/install` and `GET /slack/oauth/callback`: installing followup in a workspace.
//! The install sets a cookie the callback must bring back with its `state`, once; every failure
//! is a plain page saying what happened, and nothing is stored.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use secrecy::ExposeSecret;

use crate::app::AppState;
use crate::oauth::{check_state, issue_state, StateError, STATE_COOKIE, STATE_TTL_MINUTES};
use crate::slack::api::ApiError;
use crate::slack::manifest::{BOT_SCOPES, INSTALL_PATH, OAUTH_CALLBACK_PATH};
use crate::store::Workspace;

/// Slack's authorize page: a browser page, not part of the Web API.
pub const AUTHORIZE_URL: &str = "https://slack.com/oauth/v2/authorize";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(INSTALL_PATH, get(install))
        .route(OAUTH_CALLBACK_PATH, get(callback))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} · followup</title>\
         <meta name=\"viewport\" content=\"width=device-width\"></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem\">\
         <h1>{t}</h1><p>{b}</p></body></html>",
        t = html_escape(title),
        b = html_escape(body)
    );
    (status, Html(html)).into_response()
}

/// The install cookie: sent only to the callback, never to scripts, and only over HTTPS; `Lax`
/// lets it ride along on Slack's top-level redirect back to us.
fn state_cookie(value: &str, max_age_seconds: i64) -> String {
    format!(
        "{STATE_COOKIE}={value}; Max-Age={max_age_seconds}; Path={OAUTH_CALLBACK_PATH}; HttpOnly; Secure; SameSite=Lax"
    )
}

/// The install cookie's value from the `Cookie` headers. Read by hand: one cookie of a fixed name
/// holding base64url needs no cookie crate (a new dependency) to find.
fn cookie_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == STATE_COOKIE)
        .map(|(_, value)| value.to_string())
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

async fn install(State(state): State<AppState>) -> Response {
    let Some(oauth) = &state.oauth else {
        return page(
            StatusCode::NOT_FOUND,
            "Not available",
            "This followup runs for a single workspace (SLACK_BOT_TOKEN); installing it elsewhere needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and FOLLOWUP_ENCRYPTION_KEY.",
        );
    };
    let issued = issue_state(oauth.client_secret.expose_secret(), state.clock.now());
    let query = serde_urlencoded::to_string([
        ("client_id", oauth.client_id.as_str()),
        ("scope", &BOT_SCOPES.join(",")),
        ("state", &issued.state),
    ])
    .unwrap_or_default();
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, format!("{AUTHORIZE_URL}?{query}")),
            (
                header::SET_COOKIE,
                state_cookie(&issued.cookie, STATE_TTL_MINUTES * 60),
            ),
        ],
    )
        .into_response()
}

/// Every answer of the callback clears the install cookie: a state is good for one try.
async fn callback(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let mut response = complete(&state, &query, cookie_from(&headers).as_deref()).await;
    if let Ok(clear) = HeaderValue::from_str(&state_cookie("", 0)) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

async fn complete(
    state: &AppState,
    query: &HashMap<String, String>,
    cookie: Option<&str>,
) -> Response {
    let Some(oauth) = &state.oauth else {
        return page(
            StatusCode::NOT_FOUND,
            "Not available",
            "This followup is not set up for installing in other workspaces.",
        );
    };
    let again = format!("Nothing was stored. You can start again at {INSTALL_PATH}.");
    if let Some(error) = query.get("error") {
        let why = if error == "access_denied" {
            "The installation was cancelled in Slack."
        } else {
            "Slack did not complete the installation."
        };
        return page(
            StatusCode::BAD_REQUEST,
            "followup was not installed",
            &format!("{why} ({error}) {again}"),
        );
    }
    let refused = |why: String| {
        page(
            StatusCode::BAD_REQUEST,
            "This install link is not valid",
            &format!("{why}. {again}"),
        )
    };
    let Some(given) = query.get("state") else {
        return refused("It carries no state".into());
    };
    let nonce = match check_state(
        oauth.client_secret.expose_secret(),
        given,
        cookie,
        state.clock.now(),
    ) {
        Ok(nonce) => nonce,
        Err(e) => return refused(capitalized(&e.to_string())),
    };
    let Some(code) = query.get("code").filter(|c| !c.is_empty()) else {
        return page(
            StatusCode::BAD_REQUEST,
            "followup was not installed",
            &format!("Slack sent no code. {again}"),
        );
    };
    // Claimed before the code is exchanged, so two tries with one state cannot both install.
    match state
        .service
        .store
        .claim_oauth_state(&nonce, state.clock.now())
        .await
    {
        Ok(true) => {}
        Ok(false) => return refused(capitalized(&StateError::Used.to_string())),
        Err(e) => {
            tracing::error!(error = ?e, "recording the install state failed");
            return page(
                StatusCode::SERVICE_UNAVAILABLE,
                "followup was not installed",
                &format!("Our database did not answer. {again}"),
            );
        }
    }
    let access = match state
        .slack
        .oauth_access(&oauth.client_id, &oauth.client_secret, code)
        .await
    {
        Ok(access) => access,
        Err(ApiError::Slack(code)) => {
            tracing::warn!(%code, "oauth.v2.access refused");
            return page(
                StatusCode::BAD_REQUEST,
                "Slack refused the installation",
                &format!("Slack answered `{code}`. {again}"),
            );
        }
        Err(e @ ApiError::Unexpected(_)) => {
            tracing::error!(error = %e, "oauth.v2.access answered something unreadable");
            return page(
                StatusCode::BAD_GATEWAY,
                "Slack's answer was not understood",
                &format!("Please try again in a minute. {again}"),
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "oauth.v2.access failed");
            return page(
                StatusCode::BAD_GATEWAY,
                "Slack could not be reached",
                &format!("Please try again in a minute. {again}"),
            );
        }
    };
    if access.is_enterprise_install {
        let org = access
            .enterprise
            .as_ref()
            .map(|e| e.name.clone().unwrap_or_else(|| e.id.clone()))
            .unwrap_or_else(|| "your".into());
        tracing::warn!(enterprise = %org, "org-wide install refused");
        // The org-wide token Slack just issued is not kept: revoke it, so no live token is left
        // behind that followup does not hold.
        if let Err(e) = state.slack.revoke_token(&access.access_token).await {
            tracing::warn!(error = %e, "revoking the refused org-wide token failed");
        }
        return page(
            StatusCode::FORBIDDEN,
            "followup is installed per workspace",
            &format!(
                "Slack installed followup for the whole {org} organization at once (an org-wide \
                 Enterprise Grid install), and followup is installed into one workspace at a time, \
                 not org-wide. Nothing was stored. To use it in your organization, start again at \
                 {INSTALL_PATH} and, on Slack's page, choose a single workspace of the organization \
                 (the menu at the top right), not the organization itself; an org admin may need to \
                 approve the app for that workspace first. Each workspace that wants followup \
                 installs it the same way."
            ),
        );
    }
    let Some(team) = access.team.filter(|t| !t.id.is_empty()) else {
        return page(
            StatusCode::BAD_REQUEST,
            "followup was not installed",
            &format!("Slack did not say which workspace it was installed in. {again}"),
        );
    };
    let team_id = team.id;
    let token = access.access_token;
    if !token.starts_with("xoxb-") {
        return page(
            StatusCode::BAD_REQUEST,
            "followup was not installed",
            &format!("Slack did not grant a bot token. {again}"),
        );
    }
    let workspace = Workspace {
        bot_token_enc: oauth.cipher.encrypt(&team_id, &token),
        team_name: team.name.clone(),
        bot_user_id: access.bot_user_id,
        app_id: access.app_id,
        scope: access.scope,
        installed_by: access.authed_user.map(|u| u.id),
        team_id: team_id.clone(),
    };
    if let Err(e) = state
        .service
        .store
        .save_workspace(&workspace, state.clock.now())
        .await
    {
        tracing::error!(error = ?e, "saving the workspace failed");
        return page(
            StatusCode::SERVICE_UNAVAILABLE,
            "followup was not installed",
            &format!("Our database did not answer. {again}"),
        );
    }
    // A token cached, or found dead, before this install is forgotten: digests resume at once
    // (saving the workspace lifted any revocation and a pending purge).
    state.slack.forget(&team_id);
    tracing::info!(team = %team_id, "workspace installed");
    let name = team.name.unwrap_or(team_id);
    page(
        StatusCode::OK,
        "followup is installed",
        &format!("followup is now in {name}. Type /followup in Slack to add your first prospect; your first digest arrives the next working morning."),
    )
}
