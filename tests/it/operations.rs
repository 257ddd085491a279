//! Operating followup: metrics, health, graceful shutdown and logs.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::app::{TestApp, ALICE};
use common::TestDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_and_status_and_list_every_family() {
    let app = TestApp::start(TestDb::sqlite().await, common::at(2026, 11, 2, 14, 0)).await;
    app.say(ALICE, "help").await;
    let unsigned = app
        .http
        .post(format!("{}/slack/commands", app.base))
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    app.http
        .get(format!("{}/no/such/page", app.base))
        .send()
        .await
        .unwrap();
    let response = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let body = response.text().await.unwrap();
    for expected in [
        r#"followup_http_requests_total{route="/slack/commands",status="200"}"#,
        r#"followup_http_requests_total{route="/slack/commands",status="401"}"#,
        r#"followup_http_request_duration_seconds_bucket{route="/slack/commands",le="0.005"}"#,
        "# TYPE followup_digests_total counter",
        "# TYPE followup_slack_api_calls_total counter",
        "# TYPE followup_slack_api_rate_limited_total counter",
        "# TYPE followup_scheduler_lag_seconds gauge",
    ] {
        assert!(body.contains(expected), "missing {expected} in:\n{body}");
    }
    assert!(
        !body.contains("/no/such/page"),
        "raw paths never become labels"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_turns_503_when_the_database_goes_away() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let url = db.url.clone();
    let app = TestApp::start(db, common::at(2026, 11, 2, 14, 0)).await;
    assert_eq!(
        app.http
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let name = url.rsplit('/').next().unwrap().to_string();
    let mut admin =
        <sqlx::PgConnection as sqlx::Connection>::connect(&common::postgres_admin_url())
            .await
            .unwrap();
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
    let started = Instant::now();
    let response = app
        .http
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answers quickly, took {:?}",
        started.elapsed()
    );
    // A command now gets an apology, not an error page.
    let (status, reply) = app.command(ALICE, "list").await;
    assert_eq!(status, 200);
    assert!(
        common::app::reply_text(&reply).contains("Sorry, something went wrong"),
        "{reply}"
    );
    app.finish().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_stops_gracefully_on_sigterm_and_logs_json_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_followup"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("f.db").display()),
        )
        .env("SLACK_SIGNING_SECRET", "signing-secret-never-logged")
        .env("SLACK_BOT_TOKEN", "xoxb-never-logged")
        .env("SLACK_API_URL", "http://127.0.0.1:9/api/")
        .env("PORT", port.to_string())
        .env("FOLLOWUP_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let healthy = loop {
        let ok = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok_and(|mut s| {
            use std::io::{Read, Write};
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            out.starts_with("HTTP/1.1 200")
        });
        if ok || Instant::now() > deadline {
            break ok;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(healthy, "the server came up");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "stopped within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "exit status {exit}");
    let lines: Vec<String> = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    assert!(!lines.is_empty());
    for line in &lines {
        let parsed: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert!(parsed.get("level").is_some(), "{line}");
        assert!(
            !line.contains("signing-secret-never-logged") && !line.contains("xoxb-never-logged"),
            "secret in log: {line}"
        );
    }
    let all = lines.join("\n");
    assert!(
        all.contains("followup is listening")
            && all.contains("stopping")
            && all.contains("\"stopped\""),
        "{all}"
    );
}
