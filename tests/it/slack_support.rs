//! Tests of the Slack test support itself: the fake Slack Web API and the signed request builders.
//! Vectors below were computed independently (Slack's published example, and python3's `hmac`).

use crate::common::{fake_slack, slack_requests};

use std::time::{Duration, Instant};

use fake_slack::{Failure, FakeSlack, FAKE_TEAM_ID};
use serde_json::{json, Value};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;
use slack_requests::*;

const SECRET: &str = "followup-test-secret";

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}

type TestClient = SlackClient<SlackClientHyperHttpsConnector>;

fn slack_client(api_url: &str) -> TestClient {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .expect("native roots")
        .https_or_http()
        .enable_http1()
        .build();
    SlackClient::new(SlackClientHyperConnector::with_connector(https).with_slack_api_url(api_url))
}

fn token() -> SlackApiToken {
    SlackApiToken::new("xoxb-test-token".into())
}

// ---------------------------------------------------------------------------------------------
// Signatures

#[test]
fn sign_matches_slacks_published_example() {
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
                &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
                &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F\
                commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
                &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    assert_eq!(
        sign(
            "8f742231b10e8888abcd99yyyzzz85a5",
            1531420618,
            body.as_bytes()
        ),
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    );
}

#[test]
fn sign_matches_python_hmac_vector() {
    // python3: "v0=" + hmac.new(b"followup-test-secret",
    //   b'v0:1767225600:payload={"type":"block_actions","note":"caf\xc3\xa9 & <b>"}',
    //   hashlib.sha256).hexdigest()
    let body = "payload={\"type\":\"block_actions\",\"note\":\"café & <b>\"}";
    assert_eq!(
        sign(SECRET, 1767225600, body.as_bytes()),
        "v0=48bc21de25b4bbd8248f69e910434b20c4fe7b4182a43c373124b9e6b72478a8"
    );
}

#[test]
fn signed_post_verifies_with_slack_morphisms_verifier() {
    let verifier = SlackEventSignatureVerifier::new(&SlackSigningSecret::new(SECRET.into()));
    let command = SlashCommand::new("add Jane Doe company:\"Acme Corp\"");
    for post in [
        command.signed(SECRET),
        SignedPost::interaction(SECRET, &json!({"type": "block_actions"})),
        SignedPost::event(SECRET, &url_verification("abc")),
    ] {
        verifier
            .verify(
                &post.signature,
                post.body_str(),
                &post.timestamp.to_string(),
            )
            .expect("slack-morphism accepts our signature");
        let forged = post
            .clone()
            .with_signature(&sign("other", post.timestamp, &post.body));
        assert!(verifier
            .verify(
                &forged.signature,
                forged.body_str(),
                &forged.timestamp.to_string()
            )
            .is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Request shapes

#[test]
fn slash_command_form_body_is_in_slacks_order_and_encoding() {
    let command = SlashCommand::new("add \"Acme Corp\" <mailto:a@b.co|a@b.co> 50%")
        .team_id("T123")
        .user_id("U456")
        .response_url("http://127.0.0.1:9/hooks/r1")
        .trigger_id("1.2.abc");
    let body = command.form_body();
    assert_eq!(
        body,
        format!(
            "token={DEFAULT_VERIFICATION_TOKEN}&team_id=T123&team_domain={DEFAULT_TEAM_DOMAIN}\
             &channel_id={DEFAULT_CHANNEL_ID}&channel_name={DEFAULT_CHANNEL_NAME}&user_id=U456\
             &user_name=rep&command=%2Ffollowup\
             &text=add+%22Acme+Corp%22+%3Cmailto%3Aa%40b.co%7Ca%40b.co%3E+50%25\
             &api_app_id={DEFAULT_API_APP_ID}&is_enterprise_install=false\
             &response_url=http%3A%2F%2F127.0.0.1%3A9%2Fhooks%2Fr1&trigger_id=1.2.abc"
        )
    );
    let event: SlackCommandEvent = serde_urlencoded::from_str(&body).expect("parses as a command");
    assert_eq!(event.team_id.0, "T123");
    assert_eq!(event.user_id.0, "U456");
    assert_eq!(
        event.text.as_deref(),
        Some("add \"Acme Corp\" <mailto:a@b.co|a@b.co> 50%")
    );

    let grid = SlashCommand::new("list").enterprise("E0001", "Globular Construct Inc");
    let fields: Vec<&str> = grid.fields().iter().map(|(k, _)| *k).collect();
    assert_eq!(
        fields,
        [
            "token",
            "team_id",
            "team_domain",
            "enterprise_id",
            "enterprise_name",
            "channel_id",
            "channel_name",
            "user_id",
            "user_name",
            "command",
            "text",
            "api_app_id",
            "is_enterprise_install",
            "response_url",
            "trigger_id"
        ]
    );
    assert!(grid
        .form_body()
        .contains("&enterprise_name=Globular+Construct+Inc&"));
    assert_ne!(
        SlashCommand::new("").trigger_id,
        SlashCommand::new("").trigger_id
    );
}

#[test]
fn interaction_payloads_parse_as_slack_morphism_events() {
    let message = bot_message("1700000000.000100", "Due today", json!([]));
    let payload = block_actions(
        "T1",
        "U1",
        vec![
            button_action("touch_done", "42", "touch_42"),
            static_select_action("touch_more", "won", "touch_42"),
            overflow_action("touch_overflow", "lost", "touch_42"),
        ],
        Some("http://127.0.0.1:9/hooks/a"),
        Some(message),
        Some("DU1"),
        message_container("DU1", "1700000000.000100", false),
    );
    let form = interaction_form_body(&payload);
    // serde_json (without `preserve_order`) sorts keys; JSON key order carries no meaning.
    assert!(
        form.starts_with("payload=%7B%22actions%22%3A%5B%7B"),
        "{form}"
    );
    assert!(!form.contains(' ') && !form.contains('"') && !form.contains('&'));
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&form).expect("form");
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0].0, "payload");
    let back: Value = serde_json::from_str(&pairs[0].1).expect("payload is JSON");
    assert_eq!(back, payload);

    match serde_json::from_value::<SlackInteractionEvent>(payload).expect("block_actions parses") {
        SlackInteractionEvent::BlockActions(ev) => {
            assert_eq!(ev.team.id.0, "T1");
            assert_eq!(ev.user.expect("user").id.0, "U1");
            let actions = ev.actions.expect("actions");
            assert_eq!(actions.len(), 3);
            assert_eq!(actions[0].value.as_deref(), Some("42"));
            assert_eq!(
                actions[1].selected_option.as_ref().expect("selected").value,
                "won"
            );
            assert_eq!(
                ev.response_url.expect("response_url").0.as_str(),
                "http://127.0.0.1:9/hooks/a"
            );
            assert_eq!(
                ev.message.expect("message").origin.ts.0,
                "1700000000.000100"
            );
        }
        other => panic!("unexpected {other:?}"),
    }

    let home = block_actions(
        "T1",
        "U1",
        vec![button_action("a", "b", "c")],
        None,
        None,
        None,
        view_container("V1"),
    );
    assert!(home.get("response_url").is_none());
    serde_json::from_value::<SlackInteractionEvent>(home).expect("home-tab block_actions parses");

    let submission = view_submission(
        "T1",
        "U1",
        "add_prospect",
        "{\"k\":1}",
        json!({
            "name": {"name_input": text_input_value("Jane Doe")},
            "lead": {"lead_select": static_select_value(Some("hot"))},
            "start": {"start_date": datepicker_value(Some("2026-12-01"))},
        }),
        "V123",
    );
    match serde_json::from_value::<SlackInteractionEvent>(submission).expect("view_submission") {
        SlackInteractionEvent::ViewSubmission(ev) => {
            assert_eq!(ev.view.state_params.id.0, "V123");
            let values = ev.view.state_params.state.expect("state").values;
            assert_eq!(values.len(), 3);
            match ev.view.view {
                SlackView::Modal(modal) => {
                    assert_eq!(modal.callback_id.expect("callback").0, "add_prospect");
                    assert_eq!(modal.private_metadata.as_deref(), Some("{\"k\":1}"));
                }
                other => panic!("not a modal: {other:?}"),
            }
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn events_parse_as_slack_morphism_push_events() {
    match serde_json::from_value::<SlackPushEvent>(url_verification("ch4llenge")).expect("parses") {
        SlackPushEvent::UrlVerification(v) => assert_eq!(v.challenge, "ch4llenge"),
        other => panic!("unexpected {other:?}"),
    }
    let a = event_callback("T1", app_home_opened("U1"));
    let b = event_callback("T1", app_home_opened("U1"));
    assert_ne!(a["event_id"], b["event_id"]);
    match serde_json::from_value::<SlackPushEvent>(a).expect("event_callback parses") {
        SlackPushEvent::EventCallback(cb) => {
            assert_eq!(cb.team_id.0, "T1");
            match cb.event {
                SlackEventCallbackBody::AppHomeOpened(ev) => {
                    assert_eq!(ev.user.0, "U1");
                    assert_eq!(ev.tab.as_deref(), Some("home"));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        other => panic!("unexpected {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The fake Slack

#[tokio::test]
async fn fake_records_a_call_and_serves_429_then_200() {
    let fake = FakeSlack::start().await;
    fake.fail_next(
        "chat.postMessage",
        1,
        Failure::RateLimited {
            retry_after_secs: 7,
        },
    );
    let client = http();
    let url = format!("{}chat.postMessage", fake.api_url());
    let body = json!({"channel": "C1", "text": "hello"});
    let before = Instant::now();

    let first = client
        .post(&url)
        .bearer_auth("xoxb-1")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(first.status(), 429);
    assert_eq!(
        first
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("7")
    );
    let first: Value = first.json().await.expect("json");
    assert_eq!(first, json!({"ok": false, "error": "ratelimited"}));

    let second = client
        .post(&url)
        .bearer_auth("xoxb-1")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.expect("json");
    assert_eq!(second["ok"], true);
    assert_eq!(second["channel"], "C1");
    assert_eq!(second["message"]["text"], "hello");
    assert_eq!(second["ts"], second["message"]["ts"]);

    let calls = fake
        .wait_for("chat.postMessage", 2, Duration::from_secs(1))
        .await;
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].failure,
        Some(Failure::RateLimited {
            retry_after_secs: 7
        })
    );
    assert!(calls[1].succeeded());
    for call in &calls {
        assert_eq!(call.authorization.as_deref(), Some("Bearer xoxb-1"));
        assert_eq!(call.bearer_token(), Some("xoxb-1"));
        assert_eq!(call.body, body);
        assert_eq!(call.http_method, "POST");
        assert!(call.received_at >= before);
    }
    assert!(calls[0].received_at <= calls[1].received_at);
    assert_eq!(fake.count("chat.postMessage"), 2);
    assert_eq!(fake.calls().len(), 2);
    fake.clear();
    assert!(fake.calls().is_empty());
}

#[tokio::test]
async fn fake_parses_form_bodies_and_scripted_failures() {
    let fake = FakeSlack::start().await;
    let client = http();
    fake.fail_next("users.info", 1, Failure::ServerError);
    fake.fail_next("users.info", 1, Failure::ApiError("user_not_found".into()));
    fake.fail_next("users.info", 1, Failure::Delay(Duration::from_millis(300)));
    let url = format!("{}users.info", fake.api_url());
    let send = || {
        client
            .post(&url)
            .header("Content-Type", FORM_CONTENT_TYPE)
            .body(form_encode(&[("user", "U9"), ("note", "a b&c")]))
            .send()
    };

    let r = send().await.expect("send");
    assert_eq!(r.status(), 500);
    let r = send().await.expect("send");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.json::<Value>().await.expect("json"),
        json!({"ok": false, "error": "user_not_found"})
    );
    let started = Instant::now();
    let r = send().await.expect("send");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.json::<Value>().await.expect("json")["user"]["id"], "U9");
    let r = send().await.expect("send");
    assert_eq!(r.json::<Value>().await.expect("json")["user"]["tz"], "UTC");

    let calls = fake.calls_to("users.info");
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[0].body, json!({"user": "U9", "note": "a b&c"}));
    assert_eq!(calls[0].failure, Some(Failure::ServerError));
    assert!(calls[3].failure.is_none());

    // Form-encoded message calls carry blocks as a JSON string.
    let r = client
        .post(format!("{}chat.postMessage", fake.api_url()))
        .header("Content-Type", FORM_CONTENT_TYPE)
        .body(form_encode(&[
            ("channel", "U77"),
            ("blocks", r#"[{"type":"divider"}]"#),
        ]))
        .send()
        .await
        .expect("send");
    let reply: Value = r.json().await.expect("json");
    assert_eq!(reply["channel"], "DU77");
    assert_eq!(reply["message"]["blocks"], json!([{"type": "divider"}]));
    let call = &fake.calls_to("chat.postMessage")[0];
    assert_eq!(call.blocks(), Some(json!([{"type": "divider"}])));

    // Unknown methods succeed plainly; replies can be overridden.
    let r = client
        .post(format!("{}reactions.add", fake.api_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(r.json::<Value>().await.expect("json"), json!({"ok": true}));
    fake.set_reply(
        "oauth.v2.access",
        json!({"ok": true, "access_token": "xoxb-x"}),
    );
    let r = client
        .post(format!("{}oauth.v2.access", fake.api_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.json::<Value>().await.expect("json")["access_token"],
        "xoxb-x"
    );
}

#[tokio::test]
async fn fake_serves_response_urls_with_plain_ok() {
    let fake = FakeSlack::start().await;
    let client = http();
    let url = fake.response_url("cmd-1");
    assert!(url.ends_with("/hooks/cmd-1"));
    let r = client
        .post(&url)
        .json(&json!({"response_type": "ephemeral", "text": "Added"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/plain")));
    assert_eq!(r.text().await.expect("text"), "ok");
    let calls = fake
        .wait_for("response_url:cmd-1", 1, Duration::from_secs(1))
        .await;
    assert_eq!(calls[0].str_field("text"), Some("Added"));

    fake.fail_next(
        "response_url:cmd-1",
        1,
        Failure::ApiError("expired_url".into()),
    );
    let r = client
        .post(&url)
        .json(&json!({"text": "late"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    assert_eq!(fake.count("response_url:cmd-1"), 2);
    assert_eq!(fake.count("response_url:other"), 0);
}

#[tokio::test]
#[should_panic(expected = "waited")]
async fn wait_for_panics_listing_what_arrived() {
    let fake = FakeSlack::start().await;
    http()
        .post(format!("{}auth.test", fake.api_url()))
        .send()
        .await
        .expect("send");
    fake.wait_for("chat.postMessage", 1, Duration::from_millis(100))
        .await;
}

#[test]
fn fake_keeps_serving_while_the_test_thread_blocks() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let fake = runtime.block_on(FakeSlack::start());
    let url = format!("{}auth.test", fake.api_url());
    // A blocking client on another thread while this thread's runtime is idle.
    let reply = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async { http().post(url).send().await?.json::<Value>().await })
    })
    .join()
    .expect("thread")
    .expect("reply");
    assert_eq!(reply["team_id"], FAKE_TEAM_ID);
    assert_eq!(fake.count("auth.test"), 1);
}

#[tokio::test]
async fn fake_replies_deserialize_with_slack_morphisms_client() {
    let fake = FakeSlack::start().await;
    fake.set_user_tz("U2", "America/New_York");
    // Both spellings of the base: with the trailing slash (as SLACK_API_URL defaults) and without.
    for api_url in [
        fake.api_url(),
        fake.api_url().trim_end_matches('/').to_string(),
    ] {
        fake.clear();
        let client = slack_client(&api_url);
        let token = token();
        let session = client.open_session(&token);

        let posted = session
            .chat_post_message(&SlackApiChatPostMessageRequest::new(
                "C1".into(),
                SlackMessageContent::new()
                    .with_text("hello".into())
                    .with_blocks(slack_blocks![some_into(
                        SlackSectionBlock::new().with_text(md!("*hi*"))
                    )]),
            ))
            .await
            .expect("chat.postMessage");
        assert_eq!(posted.channel.0, "C1");
        assert_eq!(posted.message.origin.ts, posted.ts);
        assert_eq!(posted.message.content.text.as_deref(), Some("hello"));
        assert_eq!(
            posted.message.content.blocks.as_ref().map(Vec::len),
            Some(1)
        );

        let updated = session
            .chat_update(&SlackApiChatUpdateRequest::new(
                "C1".into(),
                SlackMessageContent::new().with_text("edited".into()),
                posted.ts.clone(),
            ))
            .await
            .expect("chat.update");
        assert_eq!(updated.ts, posted.ts);
        assert_eq!(updated.message.content.text.as_deref(), Some("edited"));

        let opened = session
            .conversations_open(
                &SlackApiConversationsOpenRequest::new().with_users(vec!["U2".into()]),
            )
            .await
            .expect("conversations.open");
        assert_eq!(opened.channel.id.0, "DU2");

        let view = session
            .views_open(&SlackApiViewsOpenRequest::new(
                "1.2.abc".into(),
                SlackView::Modal(
                    SlackModalView::new(
                        pt!("Add prospect"),
                        slack_blocks![some_into(SlackSectionBlock::new().with_text(pt!("x")))],
                    )
                    .with_callback_id("add_prospect".into())
                    .with_submit(pt!("Save")),
                ),
            ))
            .await
            .expect("views.open");
        match view.view.view {
            SlackView::Modal(m) => {
                assert_eq!(m.callback_id.expect("callback").0, "add_prospect")
            }
            other => panic!("not a modal: {other:?}"),
        }

        let home = session
            .views_publish(&SlackApiViewsPublishRequest::new(
                "U2".into(),
                SlackView::Home(SlackHomeView::new(vec![])),
            ))
            .await
            .expect("views.publish");
        assert!(matches!(home.view.view, SlackView::Home(_)));

        let view_id = view.view.state_params.id.clone();
        let updated_view = session
            .views_update(
                &SlackApiViewsUpdateRequest::new(SlackView::Modal(SlackModalView::new(
                    pt!("Done"),
                    vec![],
                )))
                .with_view_id(view_id.clone()),
            )
            .await
            .expect("views.update");
        assert_eq!(updated_view.view.state_params.id, view_id);

        let user = session
            .users_info(&SlackApiUsersInfoRequest::new("U2".into()))
            .await
            .expect("users.info");
        assert_eq!(user.user.id.0, "U2");
        assert_eq!(user.user.tz.as_deref(), Some("America/New_York"));
        let offset = user.user.tz_offset.expect("tz_offset");
        assert!(
            offset == -5 * 3600 || offset == -4 * 3600,
            "offset {offset}"
        );
        assert!(user
            .user
            .tz_label
            .as_deref()
            .is_some_and(|l| l.starts_with("Eastern")));
        let utc = session
            .users_info(&SlackApiUsersInfoRequest::new("U3".into()))
            .await
            .expect("users.info");
        assert_eq!(utc.user.tz.as_deref(), Some("UTC"));
        assert_eq!(utc.user.tz_offset, Some(0));

        session
            .chat_post_ephemeral(&SlackApiChatPostEphemeralRequest::new(
                "C1".into(),
                "U2".into(),
                SlackMessageContent::new().with_text("psst".into()),
            ))
            .await
            .expect("chat.postEphemeral");

        let auth = session.auth_test().await.expect("auth.test");
        assert_eq!(auth.team_id.0, FAKE_TEAM_ID);

        let calls = fake.calls();
        let methods: Vec<&str> = calls.iter().map(|c| c.method.as_str()).collect();
        assert_eq!(
            methods,
            [
                "chat.postMessage",
                "chat.update",
                "conversations.open",
                "views.open",
                "views.publish",
                "views.update",
                "users.info",
                "users.info",
                "chat.postEphemeral",
                "auth.test"
            ]
        );
        for call in &calls {
            assert_eq!(
                call.bearer_token(),
                Some("xoxb-test-token"),
                "{}",
                call.summary()
            );
        }
        assert_eq!(calls[0].str_field("text"), Some("hello"));
        assert_eq!(calls[6].http_method, "GET");
        assert_eq!(calls[6].str_field("user"), Some("U2"));
    }
}

#[tokio::test]
async fn scripted_failures_surface_as_slack_morphism_errors() {
    let fake = FakeSlack::start().await;
    let client = slack_client(&fake.api_url());
    let token = token();
    let session = client.open_session(&token);
    let request = SlackApiChatPostMessageRequest::new(
        "C1".into(),
        SlackMessageContent::new().with_text("x".into()),
    );

    fake.fail_next(
        "chat.postMessage",
        1,
        Failure::RateLimited {
            retry_after_secs: 3,
        },
    );
    match session.chat_post_message(&request).await {
        Err(SlackClientError::RateLimitError(e)) => {
            assert_eq!(e.retry_after, Some(Duration::from_secs(3)))
        }
        other => panic!("expected a rate limit error, got {other:?}"),
    }

    for code in ["channel_not_found", "account_inactive"] {
        fake.fail_next("chat.postMessage", 1, Failure::ApiError(code.into()));
        match session.chat_post_message(&request).await {
            Err(SlackClientError::ApiError(e)) => assert_eq!(e.code, code),
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    fake.fail_next("chat.postMessage", 1, Failure::ServerError);
    match session.chat_post_message(&request).await {
        Err(SlackClientError::HttpError(e)) => assert_eq!(e.status_code.as_u16(), 500),
        other => panic!("expected an HTTP error, got {other:?}"),
    }

    session
        .chat_post_message(&request)
        .await
        .expect("normal service resumes");
    assert_eq!(fake.count("chat.postMessage"), 5);
}

#[tokio::test]
async fn signed_post_sends_slacks_headers() {
    // The fake records whatever reaches it, so aim a SignedPost at it and look at the headers.
    let fake = FakeSlack::start().await;
    let mut post = SignedPost::event(SECRET, &event_callback("T1", app_home_opened("U1")))
        .with_retry(1, "http_timeout");
    post.path = "/hooks/events".into();
    let r = post.send(&fake.base_url(), &http()).await;
    assert_eq!(r.status(), 200);
    let call = &fake
        .wait_for("response_url:events", 1, Duration::from_secs(1))
        .await[0];
    assert_eq!(call.content_type.as_deref(), Some(JSON_CONTENT_TYPE));
    let timestamp = post.timestamp.to_string();
    assert_eq!(
        call.header("X-Slack-Request-Timestamp"),
        Some(timestamp.as_str())
    );
    assert_eq!(
        call.header("x-slack-signature"),
        Some(post.signature.as_str())
    );
    assert_eq!(call.header("X-Slack-Retry-Num"), Some("1"));
    assert_eq!(call.header("X-Slack-Retry-Reason"), Some("http_timeout"));
    assert_eq!(post.signature, sign(SECRET, post.timestamp, &post.body));
    assert!((post.timestamp - now_unix()).abs() <= 5);
    assert_eq!(call.raw_body.as_bytes(), post.body.as_slice());
    assert_eq!(call.body["event"]["type"], "app_home_opened");
}
