//! The Web API client against a fake Slack: pacing, retries and refusals.

use crate::common;

use std::time::Duration;

use common::fake_slack::{Failure, FakeSlack};
use followup::slack::api::{ApiError, SlackApi};
use followup::slack::blocks::Message;
use serde_json::json;

/// A plain Web API call with no pacing (`conversations.open`): what the retry tests call.
async fn open_dm(api: &SlackApi, team: &str, user: &str) -> Result<String, ApiError> {
    let answer = api
        .call(team, "conversations.open", &json!({"users": user}))
        .await?;
    Ok(answer["channel"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

fn api(slack: &FakeSlack) -> SlackApi {
    SlackApi::new(&slack.api_url(), Some("xoxb-test".into()))
        .unwrap()
        .with_backoff(Duration::from_millis(10), 3)
}

#[tokio::test]
async fn messages_into_one_channel_are_at_least_a_second_apart() {
    let slack = FakeSlack::start().await;
    let api = api(&slack);
    let (one, two, other) = (
        Message::plain("one"),
        Message::plain("two"),
        Message::plain("other"),
    );
    let (a, b, c) = tokio::join!(
        api.post_message("T1", "D1", &one),
        api.post_message("T1", "D1", &two),
        api.post_message("T1", "D2", &other),
    );
    assert!(a.is_ok() && b.is_ok() && c.is_ok());
    let calls = slack.calls_to("chat.postMessage");
    let d1: Vec<_> = calls.iter().filter(|c| c.body["channel"] == "D1").collect();
    let d2: Vec<_> = calls.iter().filter(|c| c.body["channel"] == "D2").collect();
    assert_eq!((d1.len(), d2.len()), (2, 1));
    let gap = d1[1].received_at.duration_since(d1[0].received_at);
    assert!(
        gap >= Duration::from_millis(990),
        "same channel {gap:?} apart"
    );
    let other = d2[0].received_at.duration_since(d1[0].received_at);
    assert!(
        other < Duration::from_millis(500),
        "another channel does not wait ({other:?})"
    );
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times() {
    let slack = FakeSlack::start().await;
    let api = api(&slack);
    slack.fail_next("chat.postMessage", 2, Failure::ServerError);
    assert!(api
        .post_message("T1", "D1", &Message::plain("hi"))
        .await
        .is_ok());
    assert_eq!(slack.count("chat.postMessage"), 3);
    slack.fail_next("conversations.open", 10, Failure::ServerError);
    assert!(matches!(
        open_dm(&api, "T1", "U1").await,
        Err(ApiError::Transport(_))
    ));
    assert_eq!(
        slack.count("conversations.open"),
        3,
        "gave up after three attempts"
    );
}

#[tokio::test]
async fn slack_errors_are_not_retried_and_say_what_slack_said() {
    let slack = FakeSlack::start().await;
    let api = api(&slack);
    slack.fail_next(
        "conversations.open",
        1,
        Failure::ApiError("user_not_found".into()),
    );
    let err = open_dm(&api, "T1", "U1").await.unwrap_err();
    assert!(err.is_unreachable_user(), "{err}");
    assert!(err.to_string().contains("user_not_found"), "{err}");
    assert_eq!(slack.count("conversations.open"), 1);
}

#[tokio::test]
async fn a_dead_token_is_the_workspaces_not_the_reps_and_is_not_asked_again_for_a_while() {
    for (i, code) in [
        "invalid_auth",
        "token_revoked",
        "account_inactive",
        "not_authed",
    ]
    .into_iter()
    .enumerate()
    {
        let slack = FakeSlack::start().await;
        let api = api(&slack);
        let told = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, String)>::new()));
        let hook_told = told.clone();
        api.on_dead_token(std::sync::Arc::new(move |team: &str, code: &str| {
            hook_told
                .lock()
                .unwrap()
                .push((team.to_string(), code.to_string()))
        }));
        slack.fail_next("conversations.open", 1, Failure::ApiError(code.into()));
        let team = format!("T{i}");
        let err = open_dm(&api, &team, "U1").await.unwrap_err();
        assert!(
            err.is_token_dead() && !err.is_unreachable_user(),
            "{code}: {err}"
        );
        // The other reps of the workspace are not tried: Slack is not asked again.
        let again = open_dm(&api, &team, "U2").await.unwrap_err();
        assert!(again.is_token_dead(), "{again}");
        assert!(api.user_tz(&team, "U3").await.unwrap_err().is_token_dead());
        assert_eq!(slack.count("conversations.open"), 1, "{code}");
        assert_eq!(slack.count("users.info"), 0, "{code}");
        assert_eq!(
            *told.lock().unwrap(),
            vec![(team.clone(), code.to_string())],
            "told once"
        );
        // Another workspace is not affected.
        assert!(open_dm(&api, "TOTHER", "U1").await.is_ok());
        // Installed again: forgotten, and asked again.
        api.forget(&team);
        assert!(open_dm(&api, &team, "U1").await.is_ok());
        assert_eq!(slack.count("conversations.open"), 3);
    }
}

#[tokio::test]
async fn response_urls_outside_slack_are_refused() {
    let slack = FakeSlack::start().await;
    let api = api(&slack);
    let err = api
        .respond("https://evil.example.com/hook", &json!({"text": "hi"}))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::ForeignUrl(_)));
    assert!(slack.calls().is_empty());
    api.respond(&slack.response_url("ok"), &json!({"text": "hi"}))
        .await
        .unwrap();
    assert_eq!(slack.count(&FakeSlack::response_url_method("ok")), 1);
}

#[tokio::test]
async fn without_a_token_nothing_is_called() {
    let slack = FakeSlack::start().await;
    let api = SlackApi::new(&slack.api_url(), None).unwrap();
    assert!(matches!(
        open_dm(&api, "T1", "U1").await,
        Err(ApiError::NoToken)
    ));
    assert!(slack.calls().is_empty());
}

#[tokio::test]
async fn a_slack_call_that_hangs_times_out_and_is_retried() {
    let slack = FakeSlack::start().await;
    let api = api(&slack).with_attempt_timeout(Duration::from_millis(200));
    slack.fail_next(
        "conversations.open",
        1,
        Failure::Delay(Duration::from_secs(3)),
    );
    let started = std::time::Instant::now();
    assert_eq!(open_dm(&api, "T1", "U1").await.unwrap(), "DU1");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait for the hung call: {:?}",
        started.elapsed()
    );
    assert_eq!(slack.count("conversations.open"), 2);
    slack.fail_next(
        "conversations.open",
        5,
        Failure::Delay(Duration::from_secs(3)),
    );
    assert!(matches!(
        open_dm(&api, "T1", "U1").await,
        Err(ApiError::Transport(_))
    ));
}
