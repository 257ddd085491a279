//! Arbitrary bytes as a correctly signed body to each `POST /slack/*` route of the real router
//! (`followup::app::router`), on a temporary SQLite file seeded with one prospect, with a fixed
//! clock and a Slack Web API that refuses connections. The answer must never be a 5xx, and the
//! handler must not panic.
//!
//! Input: the first byte picks the route and the content type, the rest is the body. Route 3 is
//! `/slack/interactions` with the rest URL-encoded into `payload=`, so the fuzzer writes the JSON.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use followup::app::{router, AppState};
use followup::clock::FixedClock;
use followup::slack::api::SlackApi;
use followup::slack::signature::{sign, SigningSecret};
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

struct Harness {
    rt: Runtime,
    router: Router,
    now: DateTime<Utc>,
    secret: SigningSecret,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new() -> Harness {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime");
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("fuzz.db").display());
        let store = rt.block_on(async {
            let store = followup::store::connect(&url).await.expect("open sqlite");
            store.migrate().await.expect("migrate");
            store
        });
        let now = Utc
            .with_ymd_and_hms(2026, 11, 2, 14, 0, 0)
            .single()
            .expect("a valid instant");
        // Nothing listens on port 9: calls after the acknowledgement fail fast, once.
        let slack = SlackApi::new("http://127.0.0.1:9/api/", Some("xoxb-fuzz".into()))
            .expect("a Slack client")
            .with_backoff(Duration::from_millis(1), 1)
            .with_attempt_timeout(Duration::from_millis(200));
        let secret = SigningSecret::new(SECRET);
        let state = AppState::new(
            store,
            Arc::new(FixedClock::new(now)),
            slack,
            secret.clone(),
            NaiveTime::from_hms_opt(8, 0, 0).expect("a valid time"),
        );
        let harness = Harness {
            rt,
            router: router(state),
            now,
            secret,
            _dir: dir,
        };
        let seeded = harness.post(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            b"team_id=T0FUZZ&user_id=U0REP&command=%2Ffollowup&text=add+Jane+Doe+jane%40acme.com+company%3AAcme"
                .to_vec(),
        );
        assert_eq!(seeded, StatusCode::OK, "seeding a prospect");
        harness
    }

    fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> StatusCode {
        let timestamp = self.now.timestamp().to_string();
        let request = Request::post(path)
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", &timestamp)
            .header("x-slack-signature", sign(&self.secret, &timestamp, &body))
            .body(Body::from(body))
            .expect("a request");
        self.rt.block_on(async {
            let response = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("the router is infallible");
            response.status()
        })
    }
}

static HARNESS: OnceLock<Harness> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let harness = HARNESS.get_or_init(Harness::new);
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let content_type = if selector & 0b100 == 0 {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    let (path, body) = match selector & 0b11 {
        0 => ("/slack/commands", rest.to_vec()),
        1 => ("/slack/interactions", rest.to_vec()),
        2 => ("/slack/events", rest.to_vec()),
        _ => {
            let payload = String::from_utf8_lossy(rest);
            let body = serde_urlencoded::to_string([("payload", payload.as_ref())])
                .expect("a string always form-encodes");
            ("/slack/interactions", body.into_bytes())
        }
    };
    let status = harness.post(path, content_type, body);
    assert!(
        !status.is_server_error(),
        "{path} answered {status} to {:?}",
        String::from_utf8_lossy(rest)
    );
});
