//! Installing in many workspaces: OAuth v2 through the real router, tokens encrypted at rest.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::app::{reply_text, TestApp, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET};
use common::slack_requests::{
    event_callback, SignedPost, SlashCommand, COMMANDS_PATH, FORM_CONTENT_TYPE,
};
use common::TestDb;
use followup::oauth::{check_state, issue_state, Cipher, CipherError, StateError};
use serde_json::json;

/// A base64 key of 32 bytes.
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

fn start_time() -> DateTime<Utc> {
    common::at(2026, 11, 2, 14, 0)
}

fn cipher() -> Cipher {
    Cipher::from_base64(KEY).unwrap()
}

fn access_reply(team: &str, token: &str) -> serde_json::Value {
    json!({
        "ok": true, "access_token": token, "token_type": "bot",
        "scope": "commands,chat:write,im:write,users:read", "bot_user_id": "U0BOT", "app_id": "A0FAKEAPP",
        "team": {"id": team, "name": "Acme & Co"}, "enterprise": null, "is_enterprise_install": false,
        "authed_user": {"id": "U0INSTALLER"},
    })
}

async fn get(app: &TestApp, path: &str) -> (u16, String, Option<String>) {
    let response = app
        .http
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string());
    (status, response.text().await.unwrap(), location)
}

async fn fresh_state(app: &TestApp) -> String {
    let (status, _, location) = get(app, "/slack/install").await;
    assert_eq!(status, 302);
    let location = location.unwrap();
    let query = location.split_once('?').unwrap().1;
    let params: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(query).unwrap();
    params["state"].clone()
}

macro_rules! oauth_tests {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                use super::*;
                async fn body($app: &TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = TestApp::start_oauth(TestDb::sqlite().await, start_time(), cipher()).await;
                    body(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = TestDb::postgres().await else { return };
                    let app = TestApp::start_oauth(db, start_time(), cipher()).await;
                    body(&app).await;
                    app.finish().await;
                }
            }
        )*
    };
}

oauth_tests! {
    async fn install_redirects_to_slack_with_the_scopes_and_a_signed_state(app) {
        let (status, _, location) = get(app, "/slack/install").await;
        assert_eq!(status, 302);
        let location = location.unwrap();
        assert!(location.starts_with("https://slack.com/oauth/v2/authorize?"), "{location}");
        let query = location.split_once('?').unwrap().1;
        let params: std::collections::HashMap<String, String> = serde_urlencoded::from_str(query).unwrap();
        assert_eq!(params["client_id"], OAUTH_CLIENT_ID);
        assert_eq!(params["scope"], "commands,chat:write,im:write,users:read");
        assert_eq!(check_state(OAUTH_CLIENT_SECRET, &params["state"], start_time()), Ok(()));
    }

    async fn a_completed_install_stores_the_token_encrypted_and_uses_it_for_that_workspace(app) {
        app.slack.set_reply("oauth.v2.access", access_reply("T0ACME", "xoxb-acme-secret-token"));
        let state = fresh_state(app).await;
        let (status, page, _) = get(app, &format!("/slack/oauth/callback?code=4724469134.4644010092847&state={state}")).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("followup is installed") && page.contains("Acme &amp; Co"), "{page}");
        let exchange = &app.slack.calls_to("oauth.v2.access")[0];
        assert!(exchange.authorization.as_deref().unwrap_or("").starts_with("Basic "), "client id and secret as HTTP Basic");
        assert_eq!(exchange.str_field("code"), Some("4724469134.4644010092847"));

        let stored = app.store.workspace_token("T0ACME").await.unwrap().expect("stored");
        assert!(!stored.contains("xoxb-acme-secret-token"), "encrypted at rest");
        assert_eq!(cipher().decrypt("T0ACME", &stored).unwrap(), "xoxb-acme-secret-token");
        assert_eq!(cipher().decrypt("T0OTHER", &stored), Err(CipherError::Undecryptable), "bound to its workspace");

        // A Web API call for that workspace uses its token; another workspace has none.
        let command = SlashCommand::new("add").team_id("T0ACME").user_id("U0A").trigger_id("1.2.3");
        app.send(SignedPost::signed(common::app::SECRET, app.now_unix(), COMMANDS_PATH, FORM_CONTENT_TYPE, command.form_body())).await;
        let opened = app.slack.wait_for("views.open", 1, std::time::Duration::from_secs(5)).await;
        assert_eq!(opened[0].bearer_token(), Some("xoxb-acme-secret-token"));
        let other = SlashCommand::new("add").team_id("T0NOPE").user_id("U0A").trigger_id("4.5.6");
        app.send(SignedPost::signed(common::app::SECRET, app.now_unix(), COMMANDS_PATH, FORM_CONTENT_TYPE, other.form_body())).await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(app.slack.count("views.open"), 1, "no token for an uninstalled workspace, so no call");
    }

    async fn a_forged_or_expired_state_is_refused_and_stores_nothing(app) {
        app.slack.set_reply("oauth.v2.access", access_reply("T0ACME", "xoxb-acme"));
        let forged = issue_state("someone-elses-secret", start_time());
        let expired = issue_state(OAUTH_CLIENT_SECRET, start_time() - Duration::minutes(11));
        for state in [forged.as_str(), expired.as_str(), "garbage", ""] {
            let (status, page, _) = get(app, &format!("/slack/oauth/callback?code=abc&state={state}")).await;
            assert_eq!(status, 400, "{state}");
            assert!(page.contains("This install link is not valid") && page.contains("Nothing was stored"), "{page}");
        }
        let (status, _, _) = get(app, "/slack/oauth/callback?code=abc").await;
        assert_eq!(status, 400);
        assert_eq!(app.slack.count("oauth.v2.access"), 0);
        assert!(app.store.workspace_token("T0ACME").await.unwrap().is_none());
    }

    async fn a_denied_install_says_so_and_stores_nothing(app) {
        let state = fresh_state(app).await;
        let (status, page, _) = get(app, &format!("/slack/oauth/callback?error=access_denied&state={state}")).await;
        assert_eq!(status, 400);
        assert!(page.contains("cancelled") && page.contains("Nothing was stored"), "{page}");
        assert_eq!(app.slack.count("oauth.v2.access"), 0);
    }

    async fn a_refused_code_exchange_says_so_and_stores_nothing(app) {
        app.slack.fail_next("oauth.v2.access", 1, common::fake_slack::Failure::ApiError("invalid_code".into()));
        let state = fresh_state(app).await;
        let (status, page, _) = get(app, &format!("/slack/oauth/callback?code=stale&state={state}")).await;
        assert_eq!(status, 400);
        assert!(page.contains("invalid_code") && page.contains("Nothing was stored"), "{page}");
        assert!(app.store.workspace_token("T0ACME").await.unwrap().is_none());
    }

    async fn uninstalling_or_revoking_the_bot_token_forgets_the_workspace(app) {
        for (team, event) in [
            ("T0ONE", json!({"type": "app_uninstalled"})),
            ("T0TWO", json!({"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT"]}})),
        ] {
            app.slack.set_reply("oauth.v2.access", access_reply(team, &format!("xoxb-{team}")));
            let state = fresh_state(app).await;
            assert_eq!(get(app, &format!("/slack/oauth/callback?code=c&state={state}")).await.0, 200);
            assert!(app.store.workspace_token(team).await.unwrap().is_some());
            let response = app.event(&event_callback(team, event)).await;
            assert_eq!(response.status(), 200);
            assert!(app.store.workspace_token(team).await.unwrap().is_none(), "{team}");
            // Redelivered: still fine.
            assert_eq!(app.event(&event_callback(team, json!({"type": "app_uninstalled"}))).await.status(), 200);
        }
        let shown = reply_text(&app.command_in("T0ONE", "U0A", "help").await.1);
        assert!(shown.contains("/followup add"), "signed commands still get answers: {shown}");
    }
}

#[test]
fn states_expire_and_cannot_be_forged() {
    let now = start_time();
    let state = issue_state("secret", now);
    assert_eq!(
        check_state("secret", &state, now + Duration::minutes(9)),
        Ok(())
    );
    assert_eq!(
        check_state("secret", &state, now + Duration::minutes(11)),
        Err(StateError::Expired)
    );
    assert_eq!(check_state("other", &state, now), Err(StateError::Forged));
    let mut tampered = state.clone();
    tampered.replace_range(0..1, "9");
    assert_eq!(
        check_state("secret", &tampered, now),
        Err(StateError::Forged)
    );
    assert_ne!(
        issue_state("secret", now),
        issue_state("secret", now),
        "random per link"
    );
}

#[test]
fn the_cipher_refuses_bad_keys_and_tampered_tokens() {
    assert_eq!(
        Cipher::from_base64("not base64!").err(),
        Some(CipherError::NotBase64)
    );
    assert_eq!(
        Cipher::from_base64("c2hvcnQ=").err(),
        Some(CipherError::WrongLength(5))
    );
    let c = cipher();
    let sealed = c.encrypt("T1", "xoxb-1");
    assert_ne!(sealed, c.encrypt("T1", "xoxb-1"), "a fresh nonce each time");
    let mut bytes =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &sealed).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let tampered = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
    assert_eq!(c.decrypt("T1", &tampered), Err(CipherError::Undecryptable));
    assert!(!format!("{c:?}").contains(KEY));
}

fn serve_with(env: &[(&str, &str)]) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_followup"));
    command
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("x.db").display()),
        )
        .env("SLACK_SIGNING_SECRET", "s")
        .env("PORT", "0");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).trim().to_string(),
    )
}

#[test]
fn oauth_mode_refuses_to_start_without_a_usable_key_saying_which_variable() {
    for (env, named) in [
        (
            vec![("SLACK_CLIENT_ID", "1.2"), ("SLACK_CLIENT_SECRET", "s")],
            "FOLLOWUP_ENCRYPTION_KEY is not set",
        ),
        (
            vec![
                ("SLACK_CLIENT_ID", "1.2"),
                ("SLACK_CLIENT_SECRET", "s"),
                ("FOLLOWUP_ENCRYPTION_KEY", "c2hvcnQ="),
            ],
            "FOLLOWUP_ENCRYPTION_KEY must be 32 bytes",
        ),
        (
            vec![("SLACK_CLIENT_ID", "1.2")],
            "SLACK_CLIENT_SECRET is not set",
        ),
        (
            vec![("SLACK_BOT_TOKEN", "xoxp-user-token")],
            "SLACK_BOT_TOKEN must be a bot token",
        ),
        (
            vec![("SLACK_APP_TOKEN", "xoxb-wrong")],
            "SLACK_APP_TOKEN must be an app-level token",
        ),
        (
            vec![("PORT", "eighty")],
            "PORT `eighty` is not a port number",
        ),
        (
            vec![("FOLLOWUP_DIGEST_TIME", "8am")],
            "FOLLOWUP_DIGEST_TIME",
        ),
    ] {
        let (ok, stderr) = serve_with(&env);
        assert!(!ok, "{env:?} started");
        assert!(stderr.contains(named), "{env:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        for (_, value) in &env {
            if value.len() > 3 {
                assert!(
                    !stderr.contains(&format!("={value}")),
                    "no secret echoed: {stderr}"
                );
            }
        }
    }
}

#[test]
fn secrets_never_show_in_debug_output() {
    std::env::set_var("SLACK_SIGNING_SECRET", "sign-secret-123");
    std::env::set_var("SLACK_BOT_TOKEN", "xoxb-bot-secret-456");
    std::env::set_var("SLACK_APP_TOKEN", "xapp-app-secret-789");
    std::env::set_var("SLACK_CLIENT_ID", "1.2");
    std::env::set_var("SLACK_CLIENT_SECRET", "client-secret-000");
    std::env::set_var("FOLLOWUP_ENCRYPTION_KEY", KEY);
    let serve = followup::config::ServeConfig::from_env().unwrap();
    let shown = format!(
        "{serve:?} {:?} {:?}",
        serve.slack.oauth_config(),
        followup::slack::signature::SigningSecret::new("sign-secret-123")
    );
    for secret in [
        "sign-secret-123",
        "xoxb-bot-secret-456",
        "xapp-app-secret-789",
        "client-secret-000",
        KEY,
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    let db = followup::config::Config {
        database_url: "postgres://app:pg-password-1@db/app".into(),
        digest_time: chrono::NaiveTime::MIN,
        digest_concurrency: 1,
    };
    assert!(!format!("{db:?}").contains("pg-password-1"));
}

#[test]
fn a_database_password_never_appears_in_errors() {
    for url in [
        "postgres://app:hunter2secret@127.0.0.1:1/x",
        "postgres://app:hunter2secret@127.0.0.1:5432/no_such_database_here",
        "mysql://app:hunter2secret@localhost/x",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
            .arg("migrate")
            .current_dir(dir.path())
            .env_clear()
            .env("DATABASE_URL", url)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{url}");
        assert!(
            !stderr.contains("hunter2secret"),
            "password leaked: {stderr}"
        );
        assert!(
            stderr.contains("app:***@"),
            "names the database, password hidden: {stderr}"
        );
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
}
