//! Digests sent per second by a real pass (claims, `chat.postMessage` to each rep's user id,
//! finishes) against the fake Slack on loopback with no added delay, and the per-channel pacing
//! holding under the concurrency bound; then the pass a minute later, when every digest is out
//! (it should read no rep). A benchmark, not a check: run it explicitly, e.g.
//!
//! ```sh
//! FOLLOWUP_BENCH_REPS=2000 FOLLOWUP_BENCH_HISTORY=2 FOLLOWUP_DIGEST_CONCURRENCY=8 \
//!   cargo test --release --test it -- bench_digest:: --ignored --nocapture
//! ```

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveTime;
use common::fake_slack::FakeSlack;
use common::TestDb;
use followup::bench_data::{self, Options};
use followup::clock::FixedClock;
use followup::digest::Digester;
use followup::service::Service;
use followup::slack::api::{SlackApi, CHANNEL_SPACING};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Fills `db` with `reps` reps of 20 prospects, runs one real pass, and prints the rate.
async fn sends_every_due_digest(db: TestDb, backend: &str) {
    let reps = env_number("FOLLOWUP_BENCH_REPS", 2000) as u32;
    let concurrency = env_number("FOLLOWUP_DIGEST_CONCURRENCY", 8);
    let options = Options {
        reps,
        prospects: 20,
        history: env_number("FOLLOWUP_BENCH_HISTORY", 2) as u32,
        at: bench_data::parse_at(None).expect("the default instant"),
    };
    let summary = bench_data::fill(&db.url, &options).await.expect("fill");
    let slack = FakeSlack::start().await;
    let service = Arc::new(Service::new(
        db.store.clone(),
        Arc::new(FixedClock::new(options.at)),
        NaiveTime::from_hms_opt(8, 0, 0).expect("a time"),
    ));
    let api = SlackApi::new(&slack.api_url(), Some("xoxb-bench".into())).expect("client");
    let digester = Digester::new(service, Arc::new(api), concurrency);

    let started = Instant::now();
    let report = digester.run_pass(options.at, false).await.expect("pass");
    let elapsed = started.elapsed();

    assert_eq!(report.sent.len() as i64, summary.reps_due, "{report:?}");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let posts = slack.calls_to("chat.postMessage");
    assert_eq!(posts.len(), report.sent.len());
    let mut last: HashMap<String, Instant> = HashMap::new();
    let mut by_time = posts.clone();
    by_time.sort_by_key(|c| c.received_at);
    for call in &by_time {
        let channel = call.str_field("channel").unwrap_or_default().to_string();
        if let Some(before) = last.insert(channel.clone(), call.received_at) {
            // Allow the loopback's scheduling jitter; the client books 1 s per channel.
            assert!(
                call.received_at - before >= CHANNEL_SPACING - Duration::from_millis(20),
                "two messages into {channel} within a second"
            );
        }
    }
    println!(
        "{backend}: {} digests sent in {:.2} s = {:.0} digests/s (concurrency {concurrency}, \
         {} channels, at most one message a second into each; {} past touches a prospect)",
        report.sent.len(),
        elapsed.as_secs_f64(),
        report.sent.len() as f64 / elapsed.as_secs_f64(),
        last.len(),
        options.history,
    );
    // The scheduler's next tick, every digest already out: it should read no rep at all.
    let calls_before = slack.calls().len();
    let started = Instant::now();
    let again = digester
        .run_pass(options.at + chrono::Duration::minutes(1), false)
        .await
        .expect("pass");
    let all_sent = started.elapsed();
    assert!(
        again.sent.is_empty() && again.failed.is_empty(),
        "{again:?}"
    );
    assert_eq!(again.skipped, 0, "no rep is even looked at");
    assert_eq!(slack.calls().len(), calls_before, "no Slack call");
    // And the tick after that (statements prepared, pages cached): what every later minute costs.
    let started = Instant::now();
    let third = digester
        .run_pass(options.at + chrono::Duration::minutes(2), false)
        .await
        .expect("pass");
    let steady = started.elapsed();
    assert!(third.sent.is_empty() && third.skipped == 0, "{third:?}");
    println!(
        "{backend}: the pass a minute later, all sent: {:.2} ms = {:.3}% of the full pass; \
         the one after: {:.2} ms = {:.3}%",
        all_sent.as_secs_f64() * 1000.0,
        100.0 * all_sent.as_secs_f64() / elapsed.as_secs_f64(),
        steady.as_secs_f64() * 1000.0,
        100.0 * steady.as_secs_f64() / elapsed.as_secs_f64(),
    );
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run with --ignored --nocapture"]
async fn digests_per_second_on_sqlite() {
    sends_every_due_digest(TestDb::sqlite().await, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run with --ignored --nocapture"]
async fn digests_per_second_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    sends_every_due_digest(db, "postgres").await;
}
