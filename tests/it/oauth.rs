//! Installing in many workspaces: OAuth v2 through the real router, tokens encrypted at rest.

use crate::common;

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
        "scope": "commands,chat:write,users:read", "bot_user_id": "U0BOT", "app_id": "A0FAKEAPP",
        "team": {"id": team, "name": "Acme & Co"}, "enterprise": null, "is_enterprise_install": false,
        "authed_user": {"id": "U0INSTALLER"},
    })
}

struct Answer {
    status: u16,
    page: String,
    location: Option<String>,
    set_cookies: Vec<String>,
}

async fn get_with(app: &TestApp, path: &str, cookie: Option<&str>) -> Answer {
    let mut request = app.http.get(format!("{}{path}", app.base));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let header = |name: &str| -> Vec<String> {
        response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    };
    let location = header("location").pop();
    let set_cookies = header("set-cookie");
    Answer {
        status,
        page: response.text().await.unwrap(),
        location,
        set_cookies,
    }
}

async fn get(app: &TestApp, path: &str) -> (u16, String, Option<String>) {
    let answer = get_with(app, path, None).await;
    (answer.status, answer.page, answer.location)
}

/// What a browser holds after `GET /slack/install`: the state Slack hands back, and the
/// `Cookie` header the browser then sends to the callback.
struct Started {
    state: String,
    cookie: String,
}

async fn fresh_state(app: &TestApp) -> Started {
    let answer = get_with(app, "/slack/install", None).await;
    assert_eq!(answer.status, 302);
    let location = answer.location.unwrap();
    let query = location.split_once('?').unwrap().1;
    let params: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(query).unwrap();
    let set_cookie = answer
        .set_cookies
        .iter()
        .find(|c| c.starts_with("followup_oauth_state="))
        .expect("the install sets its cookie");
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    Started {
        state: params["state"].clone(),
        cookie,
    }
}

/// The callback as the browser that started the install reaches it.
async fn callback(app: &TestApp, query: &str, started: &Started) -> Answer {
    get_with(
        app,
        &format!("/slack/oauth/callback?{query}&state={}", started.state),
        Some(&started.cookie),
    )
    .await
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
        let answer = get_with(app, "/slack/install", None).await;
        assert_eq!(answer.status, 302);
        let location = answer.location.unwrap();
        assert!(location.starts_with("https://slack.com/oauth/v2/authorize?"), "{location}");
        let query = location.split_once('?').unwrap().1;
        let params: std::collections::HashMap<String, String> = serde_urlencoded::from_str(query).unwrap();
        assert_eq!(params["client_id"], OAUTH_CLIENT_ID);
        assert_eq!(params["scope"], "commands,chat:write,users:read");
        let [set_cookie] = answer.set_cookies.as_slice() else { panic!("one cookie: {:?}", answer.set_cookies) };
        let attributes: Vec<&str> = set_cookie.split(';').map(str::trim).collect();
        for wanted in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/slack/oauth/callback", "Max-Age=600"] {
            assert!(attributes.contains(&wanted), "{wanted} missing: {set_cookie}");
        }
        let nonce = attributes[0].strip_prefix("followup_oauth_state=").expect("the cookie's name");
        assert!(nonce.len() >= 40, "a long random nonce: {nonce}");
        assert!(!params["state"].contains(nonce), "the link carries only a hash of the cookie");
        assert!(check_state(OAUTH_CLIENT_SECRET, &params["state"], Some(nonce), start_time()).is_ok());
    }

    async fn a_completed_install_stores_the_token_encrypted_and_uses_it_for_that_workspace(app) {
        app.slack.set_reply("oauth.v2.access", access_reply("T0ACME", "xoxb-acme-secret-token"));
        let started = fresh_state(app).await;
        let Answer { status, page, set_cookies, .. } = callback(app, "code=4724469134.4644010092847", &started).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("followup is installed") && page.contains("Acme &amp; Co"), "{page}");
        assert!(set_cookies.iter().any(|c| c.starts_with("followup_oauth_state=;") && c.contains("Max-Age=0")), "the cookie is cleared: {set_cookies:?}");
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
        for (state, cookie, why) in [
            (forged.state.as_str(), forged.cookie.as_str(), "not issued by this server"),
            (expired.state.as_str(), expired.cookie.as_str(), "has expired"),
            ("garbage", "x", "malformed"),
            ("", "x", "malformed"),
        ] {
            let answer = get_with(app, &format!("/slack/oauth/callback?code=abc&state={state}"), Some(&format!("followup_oauth_state={cookie}"))).await;
            assert_eq!(answer.status, 400, "{state}");
            let page = answer.page;
            assert!(page.contains("This install link is not valid") && page.contains(why) && page.contains("Nothing was stored"), "{page}");
            assert!(page.contains("/slack/install"), "says where to start again: {page}");
        }
        let (status, _, _) = get(app, "/slack/oauth/callback?code=abc").await;
        assert_eq!(status, 400);
        assert_eq!(app.slack.count("oauth.v2.access"), 0);
        assert!(app.store.workspace_token("T0ACME").await.unwrap().is_none());
    }

    async fn a_denied_install_says_so_and_stores_nothing(app) {
        let started = fresh_state(app).await;
        let Answer { status, page, .. } = callback(app, "error=access_denied", &started).await;
        assert_eq!(status, 400);
        assert!(page.contains("cancelled") && page.contains("Nothing was stored"), "{page}");
        assert_eq!(app.slack.count("oauth.v2.access"), 0);
    }

    async fn a_refused_code_exchange_says_so_and_stores_nothing(app) {
        app.slack.fail_next("oauth.v2.access", 1, common::fake_slack::Failure::ApiError("invalid_code".into()));
        let started = fresh_state(app).await;
        let Answer { status, page, .. } = callback(app, "code=stale", &started).await;
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
            let started = fresh_state(app).await;
            assert_eq!(callback(app, "code=c", &started).await.status, 200);
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

    async fn an_install_link_works_once_and_its_second_use_stores_nothing(app) {
        app.slack.set_reply("oauth.v2.access", access_reply("T0ACME", "xoxb-acme"));
        let started = fresh_state(app).await;
        assert_eq!(callback(app, "code=first", &started).await.status, 200);
        assert!(app.store.workspace_token("T0ACME").await.unwrap().is_some());

        // The same link and cookie again (a replayed or double-submitted callback).
        app.slack.set_reply("oauth.v2.access", access_reply("T0SECOND", "xoxb-second"));
        let Answer { status, page, .. } = callback(app, "code=second", &started).await;
        assert_eq!(status, 400, "{page}");
        assert!(page.contains("already used") && page.contains("Nothing was stored") && page.contains("/slack/install"), "{page}");
        assert_eq!(app.slack.count("oauth.v2.access"), 1, "the code of a used link is never exchanged");
        assert!(app.store.workspace_token("T0SECOND").await.unwrap().is_none());
    }

    async fn an_org_wide_install_is_refused_with_instructions_and_stores_nothing(app) {
        app.slack.set_reply("oauth.v2.access", json!({
            "ok": true, "access_token": "xoxb-org-wide", "token_type": "bot",
            "scope": "commands,chat:write,users:read", "bot_user_id": "U0BOT", "app_id": "A0FAKEAPP",
            "team": null, "enterprise": {"id": "E0GLOBEX", "name": "Globex Corp"}, "is_enterprise_install": true,
            "authed_user": {"id": "U0ADMIN"},
        }));
        let started = fresh_state(app).await;
        let Answer { status, page, .. } = callback(app, "code=org", &started).await;
        assert_eq!(status, 403, "{page}");
        for said in ["followup is installed per workspace", "Globex Corp", "not org-wide", "Nothing was stored", "/slack/install", "choose a single workspace"] {
            assert!(page.contains(said), "{said}: {page}");
        }
        assert_eq!(app.slack.count("oauth.v2.access"), 1);
        let revoked = app.slack.calls_to("auth.revoke");
        assert_eq!(revoked.len(), 1, "the org-wide token is revoked, not left live");
        assert_eq!(revoked[0].bearer_token(), Some("xoxb-org-wide"));
        for key in ["E0GLOBEX", ""] {
            assert!(app.store.workspace_token(key).await.unwrap().is_none(), "nothing stored under {key:?}");
        }
    }

    async fn a_workspace_inside_an_org_installs_under_its_own_team_id(app) {
        let mut reply = access_reply("T0GLOBEXSALES", "xoxb-globex-sales");
        reply["enterprise"] = json!({"id": "E0GLOBEX", "name": "Globex Corp"});
        app.slack.set_reply("oauth.v2.access", reply);
        let started = fresh_state(app).await;
        let Answer { status, page, .. } = callback(app, "code=ws", &started).await;
        assert_eq!(status, 200, "{page}");
        let stored = app.store.workspace_token("T0GLOBEXSALES").await.unwrap().expect("stored by team id");
        assert_eq!(cipher().decrypt("T0GLOBEXSALES", &stored).unwrap(), "xoxb-globex-sales");
        assert!(app.store.workspace_token("E0GLOBEX").await.unwrap().is_none());
    }

    async fn an_install_link_opened_without_its_browsers_cookie_is_refused(app) {
        app.slack.set_reply("oauth.v2.access", access_reply("T0ACME", "xoxb-acme"));
        let mine = fresh_state(app).await;
        let someone_elses = fresh_state(app).await;
        let path = format!("/slack/oauth/callback?code=abc&state={}", mine.state);
        for (cookie, why) in [
            (None, "did not start this install"),
            (Some("theme=dark"), "did not start this install"),
            (Some(someone_elses.cookie.as_str()), "started in another browser"),
            (Some("followup_oauth_state=AAAA"), "started in another browser"),
        ] {
            let Answer { status, page, .. } = get_with(app, &path, cookie).await;
            assert_eq!(status, 400, "{cookie:?}");
            assert!(page.contains("This install link is not valid") && page.contains(why), "{cookie:?}: {page}");
            assert!(page.contains("Nothing was stored") && page.contains("/slack/install"), "{page}");
        }
        assert_eq!(app.slack.count("oauth.v2.access"), 0);
        assert!(app.store.workspace_token("T0ACME").await.unwrap().is_none());

        // Those refusals did not use the link up: its own browser still completes the install.
        let with_other_cookies = Started { state: mine.state.clone(), cookie: format!("theme=dark; {}", mine.cookie) };
        assert_eq!(callback(app, "code=abc", &with_other_cookies).await.status, 200);
        assert!(app.store.workspace_token("T0ACME").await.unwrap().is_some());
    }
}

#[test]
fn states_expire_and_cannot_be_forged() {
    let now = start_time();
    let issued = issue_state("secret", now);
    let (state, cookie) = (issued.state.as_str(), Some(issued.cookie.as_str()));
    assert!(check_state("secret", state, cookie, now + Duration::minutes(9)).is_ok());
    assert_eq!(
        check_state("secret", state, cookie, now + Duration::minutes(11)),
        Err(StateError::Expired)
    );
    assert_eq!(
        check_state("other", state, cookie, now),
        Err(StateError::Forged)
    );
    let mut tampered = state.to_string();
    tampered.replace_range(0..1, "9");
    assert_eq!(
        check_state("secret", &tampered, cookie, now),
        Err(StateError::Forged)
    );
    assert_eq!(
        check_state("secret", state, None, now),
        Err(StateError::NoCookie)
    );
    let other = issue_state("secret", now);
    assert_eq!(
        check_state("secret", state, Some(&other.cookie), now),
        Err(StateError::OtherBrowser)
    );
    assert_ne!(issued.state, other.state, "random per link");
    assert_ne!(issued.cookie, other.cookie, "random per browser");
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
        // A blank value is no value: `.env.example` leaves them empty.
        (
            vec![("SLACK_CLIENT_ID", "1.2"), ("SLACK_CLIENT_SECRET", "  ")],
            "SLACK_CLIENT_SECRET is not set",
        ),
        (
            vec![
                ("SLACK_CLIENT_ID", "1.2"),
                ("SLACK_CLIENT_SECRET", "s"),
                ("FOLLOWUP_ENCRYPTION_KEY", ""),
            ],
            "FOLLOWUP_ENCRYPTION_KEY is not set",
        ),
        (
            vec![("SLACK_SIGNING_SECRET", " ")],
            "SLACK_SIGNING_SECRET is not set",
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
    std::env::set_var("DATABASE_URL", "postgres://app:pg-password-1@db/app");
    let config = <followup::cli::Cli as clap::Parser>::try_parse_from(["followup"])
        .unwrap()
        .config;
    let serve = config.serve().unwrap();
    let shown = format!(
        "{config:?} {serve:?} {:?} {:?}",
        serve.slack.oauth,
        followup::slack::signature::SigningSecret::new("sign-secret-123")
    );
    for secret in [
        "sign-secret-123",
        "xoxb-bot-secret-456",
        "xapp-app-secret-789",
        "client-secret-000",
        KEY,
        "pg-password-1",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[test]
fn help_names_the_secret_variables_without_their_values() {
    let secrets = [
        ("SLACK_SIGNING_SECRET", "sign-secret-123"),
        ("SLACK_BOT_TOKEN", "xoxb-bot-secret-456"),
        ("SLACK_APP_TOKEN", "xapp-app-secret-789"),
        ("SLACK_CLIENT_SECRET", "client-secret-000"),
        ("FOLLOWUP_ENCRYPTION_KEY", KEY),
        ("DATABASE_URL", "postgres://app:pg-password-1@db/app"),
    ];
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_followup"))
        .arg("--help")
        .env_clear()
        .envs(secrets)
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{help}");
    for (name, value) in secrets {
        assert!(help.contains(name), "{name} is listed: {help}");
        assert!(!help.contains(value), "{name}'s value leaked: {help}");
    }
    assert!(!help.contains("pg-password-1"), "{help}");
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
