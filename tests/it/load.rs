//! Load: mixed Slack traffic against the real `followup serve` binary on loopback, then an audit
//! of the database against every acknowledgement. Not part of the normal test run (`#[ignore]`).
//!
//! Run it (release build; `scripts/load-test` does the same):
//!
//! ```sh
//! cargo test --release --test it -- load:: --ignored --nocapture
//! FOLLOWUP_LOAD_SECONDS=300 FOLLOWUP_LOAD_CLIENTS=32 cargo test --release --test it -- load:: --ignored --nocapture
//! FOLLOWUP_LOAD_DATABASE=postgres cargo test --release --test it -- load:: --ignored --nocapture
//! ```
//!
//! - `FOLLOWUP_LOAD_SECONDS` (default 60): how long the traffic is held.
//! - `FOLLOWUP_LOAD_CLIENTS` (default 16): concurrent clients, each a rep of its own.
//! - `FOLLOWUP_LOAD_DATABASE` (default `sqlite`): `postgres` runs against a fresh database on
//!   `FOLLOWUP_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`).
//!
//! Each client loops over `/followup add`, `list`, `due`, and clicks on the Done button and the
//! Snooze menu of touches its own `due` showed it, each request signed as Slack signs it. Every
//! acknowledged add (a 200 saying "Added") and every acknowledged click (a 200) is recorded.
//! At the end it asserts zero 5xx, zero connection errors and zero apologies; that the database
//! holds exactly the acknowledged prospects, each with every touch in the state its clicks left
//! it (done, snoozed once, or untouched), no more and no less; and that every clicked message was
//! updated in place through its `response_url`. It prints requests/s and p50/p99 latency.

use crate::common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::post;
use common::app::reply_text;
use common::fake_slack::FakeSlack;
use common::slack_requests::{
    block_actions, button_action, interaction_form_body, message_container, now_unix,
    static_select_action, SignedPost, SlashCommand, COMMANDS_PATH, FORM_CONTENT_TYPE,
    INTERACTIONS_PATH,
};
use common::TestDb;
use followup::domain::lifecycle::ProspectState;
use followup::domain::{RepRef, TouchStatus};
use serde_json::Value;

const SECRET: &str = "load-test-signing-secret";
const TEAM: &str = "T0LOAD";
const APOLOGY: &str = "Sorry, something went wrong";

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(raw) => raw
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}=`{raw}` is not a whole number")),
        Err(_) => default,
    }
}

/// A name made of letters only, so the `/followup add` grammar reads it as a name.
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

/// xorshift64*: a reproducible mix of operations per client, no extra crate.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Settings,
    Add,
    List,
    Due,
    Done,
    Snooze,
}

const KINDS: [Kind; 6] = [
    Kind::Settings,
    Kind::Add,
    Kind::List,
    Kind::Due,
    Kind::Done,
    Kind::Snooze,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clicked {
    Done,
    Snoozed,
}

/// An acknowledged add: what the reply said was stored.
#[derive(Debug, Clone)]
struct Added {
    id: i64,
    touches: usize,
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    latencies: HashMap<Kind, Vec<Duration>>,
    server_errors: Vec<String>,
    connection_errors: Vec<String>,
    other_failures: Vec<String>,
    added: BTreeMap<String, Added>,
    clicked: HashMap<i64, Clicked>,
}

struct Client {
    user: String,
    http: reqwest::Client,
    base: String,
    response_url: String,
    rng: Rng,
    /// Touches the last `due` offered (prospect id, touch id), not yet clicked.
    offered: Vec<(i64, i64)>,
    seq: usize,
    tally: Tally,
}

enum Outcome {
    Answer(String),
    Failed,
}

impl Client {
    async fn send(&mut self, kind: Kind, path: &str, body: String) -> Outcome {
        let post = SignedPost::signed(SECRET, now_unix(), path, FORM_CONTENT_TYPE, body);
        let started = Instant::now();
        let result = post.try_send(&self.base, &self.http).await;
        let response = match result {
            Ok(response) => response,
            Err(e) => {
                self.tally.connection_errors.push(format!("{kind:?}: {e}"));
                return Outcome::Failed;
            }
        };
        let status = response.status();
        let text = match response.text().await {
            Ok(text) => text,
            Err(e) => {
                self.tally
                    .connection_errors
                    .push(format!("{kind:?}: reading the body: {e}"));
                return Outcome::Failed;
            }
        };
        self.tally
            .latencies
            .entry(kind)
            .or_default()
            .push(started.elapsed());
        if status.is_server_error() {
            self.tally
                .server_errors
                .push(format!("{kind:?}: {status} {text}"));
            return Outcome::Failed;
        }
        if status != 200 {
            self.tally
                .other_failures
                .push(format!("{kind:?}: {status} {text}"));
            return Outcome::Failed;
        }
        if text.contains(APOLOGY) {
            self.tally
                .other_failures
                .push(format!("{kind:?}: apology {text}"));
            return Outcome::Failed;
        }
        Outcome::Answer(text)
    }

    async fn command(&mut self, kind: Kind, text: &str) -> Option<Value> {
        let command = SlashCommand::new(text)
            .team_id(TEAM)
            .user_id(&self.user)
            .response_url(&self.response_url);
        match self.send(kind, COMMANDS_PATH, command.form_body()).await {
            Outcome::Answer(body) => Some(serde_json::from_str(&body).unwrap_or(Value::Null)),
            Outcome::Failed => None,
        }
    }

    async fn add(&mut self) {
        let n = self.seq;
        self.seq += 1;
        let name = format!(
            "{} {}",
            capitalised(&self.user_letters()),
            capitalised(&letters(n))
        );
        let email = format!("{}.{n}@load.test", self.user.to_lowercase());
        let Some(reply) = self
            .command(Kind::Add, &format!("add {name} {email}"))
            .await
        else {
            return;
        };
        let text = reply_text(&reply);
        match parse_added(&text) {
            Some(added) if text.contains(&name) => {
                self.tally.added.insert(name, added);
            }
            _ => self
                .tally
                .other_failures
                .push(format!("add {name}: not added: {text}")),
        }
    }

    fn user_letters(&self) -> String {
        let index: usize = self.user.trim_start_matches("U0LOAD").parse().unwrap_or(0);
        format!("lo{}", letters(index))
    }

    async fn due(&mut self) {
        let Some(reply) = self.command(Kind::Due, "due").await else {
            return;
        };
        let mut offered = Vec::new();
        collect_done_buttons(&reply, &mut offered);
        self.offered = offered
            .into_iter()
            .filter(|(_, touch)| !self.tally.clicked.contains_key(touch))
            .collect();
    }

    async fn click(&mut self, kind: Kind) {
        if self.offered.is_empty() {
            self.due().await;
        }
        let Some((prospect, touch)) = self.offered.pop() else {
            return;
        };
        let block_id = format!("act.{touch}");
        let action = match kind {
            Kind::Done => button_action("touch_done", &format!("{prospect}.{touch}"), &block_id),
            _ => {
                let suffix = ["1d", "3d", "1w"][self.rng.below(3) as usize];
                static_select_action(
                    "touch_snooze",
                    &format!("{prospect}.{touch}.{suffix}"),
                    &block_id,
                )
            }
        };
        let channel = format!("D{}", self.user);
        let payload = block_actions(
            TEAM,
            &self.user,
            vec![action],
            Some(&self.response_url),
            None,
            Some(&channel),
            message_container(&channel, "1700000000.000100", true),
        );
        if let Outcome::Answer(_) = self
            .send(kind, INTERACTIONS_PATH, interaction_form_body(&payload))
            .await
        {
            let clicked = if kind == Kind::Done {
                Clicked::Done
            } else {
                Clicked::Snoozed
            };
            self.tally.clicked.insert(touch, clicked);
        }
    }

    async fn run(mut self, until: Instant) -> Tally {
        // Touches fall due on weekends too, so every day of the week has something to click.
        self.command(Kind::Settings, "settings weekends on").await;
        while Instant::now() < until {
            match self.rng.below(100) {
                0..=29 => self.add().await,
                30..=39 => {
                    self.command(Kind::List, "list").await;
                }
                40..=54 => self.due().await,
                55..=84 => self.click(Kind::Done).await,
                _ => self.click(Kind::Snooze).await,
            }
        }
        self.tally
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `✅ Added *Name* as *#12* on the `proposal` cadence (6 touches).`
fn parse_added(text: &str) -> Option<Added> {
    let after_id = &text[text.find("as *#")? + 5..];
    let id = after_id[..after_id.find('*')?].parse().ok()?;
    let after_count = &text[text.find("cadence (")? + 9..];
    let touches = after_count[..after_count.find(' ')?].parse().ok()?;
    Some(Added { id, touches })
}

/// Every Done button in a reply: (prospect id, touch id) from its value `prospect.touch`.
fn collect_done_buttons(value: &Value, out: &mut Vec<(i64, i64)>) {
    match value {
        Value::Object(map) => {
            if map.get("action_id").and_then(Value::as_str) == Some("touch_done") {
                if let Some((p, t)) = map
                    .get("value")
                    .and_then(Value::as_str)
                    .and_then(|v| v.split_once('.'))
                {
                    if let (Ok(p), Ok(t)) = (p.parse(), t.parse()) {
                        out.push((p, t));
                    }
                }
            }
            map.values().for_each(|v| collect_done_buttons(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_done_buttons(v, out)),
        _ => {}
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Counts the in-place updates the app posts to `response_url`s, answering as Slack does.
async fn start_response_sink() -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let app = axum::Router::new().route(
        "/hooks/{name}",
        post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the response sink");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hooks/load"), count)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port()
}

/// Compares what the database holds for one rep with what was acknowledged; answers the
/// discrepancies, one line each.
fn audit(user: &str, tally: &Tally, held: &[ProspectState]) -> Vec<String> {
    let mut problems = Vec::new();
    let held_names: BTreeSet<&str> = held.iter().map(|s| s.prospect.name.as_str()).collect();
    for name in tally.added.keys() {
        if !held_names.contains(name.as_str()) {
            problems.push(format!("{user}: acknowledged `{name}` is not stored"));
        }
    }
    for state in held {
        let p = &state.prospect;
        let Some(added) = tally.added.get(&p.name) else {
            problems.push(format!(
                "{user}: `{}` (#{}) stored but never acknowledged",
                p.name, p.id
            ));
            continue;
        };
        if added.id != p.id {
            problems.push(format!(
                "{user}: `{}` acknowledged as #{} but stored as #{}",
                p.name, added.id, p.id
            ));
        }
        if state.touches.len() != added.touches {
            problems.push(format!(
                "{user}: `{}` has {} touches, acknowledged with {}",
                p.name,
                state.touches.len(),
                added.touches
            ));
        }
        let mut done: i64 = 0;
        for t in &state.touches {
            let ok = match tally.clicked.get(&t.id) {
                Some(Clicked::Done) => {
                    done += 1;
                    t.status == TouchStatus::Done && t.done_at.is_some()
                }
                Some(Clicked::Snoozed) => {
                    t.status == TouchStatus::Pending
                        && t.snoozes == 1
                        && t.due_on > t.original_due_on
                }
                None => t.status == TouchStatus::Pending && t.snoozes == 0,
            };
            if !ok {
                problems.push(format!(
                    "{user}: `{}` touch {} is {:?} (snoozed {}×, due {}, planned {}), acknowledged click: {:?}",
                    p.name,
                    t.id,
                    t.status,
                    t.snoozes,
                    t.due_on,
                    t.original_due_on,
                    tally.clicked.get(&t.id)
                ));
            }
        }
        if p.touches_done != done {
            problems.push(format!(
                "{user}: `{}` counts {} touches done, {done} were clicked",
                p.name, p.touches_done
            ));
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: cargo test --release --test it -- load:: --ignored --nocapture (see the doc comment)"]
async fn a_minute_of_mixed_slack_traffic_gets_no_5xx_and_the_database_holds_exactly_what_was_acknowledged(
) {
    let seconds = env_number("FOLLOWUP_LOAD_SECONDS", 60);
    let clients = env_number("FOLLOWUP_LOAD_CLIENTS", 16) as usize;
    let backend = std::env::var("FOLLOWUP_LOAD_DATABASE").unwrap_or_else(|_| "sqlite".into());
    let db = match backend.as_str() {
        "sqlite" => TestDb::sqlite().await,
        "postgres" => TestDb::postgres()
            .await
            .expect("FOLLOWUP_LOAD_DATABASE=postgres, but Postgres is skipped"),
        other => panic!("FOLLOWUP_LOAD_DATABASE=`{other}`: use sqlite or postgres"),
    };
    let slack = FakeSlack::start().await;
    let (response_url, updates) = start_response_sink().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let log_path = dir.path().join("serve.log");
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_followup"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        .env("DATABASE_URL", &db.url)
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-load")
        .env("SLACK_API_URL", slack.api_url())
        .env("PORT", port.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::from(
            std::fs::File::create(&log_path).expect("log file"),
        ))
        .spawn()
        .expect("start `followup serve`");
    let base = format!("http://127.0.0.1:{port}");
    let probe = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let up = probe
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if up {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not come up: {}",
            std::fs::read_to_string(&log_path).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let handles: Vec<_> =
        (0..clients)
            .map(|i| {
                let client = Client {
                    user: format!("U0LOAD{i:03}"),
                    http: reqwest::Client::builder()
                        .timeout(Duration::from_secs(10))
                        .build()
                        .expect("http client"),
                    base: base.clone(),
                    response_url: response_url.clone(),
                    rng: Rng(
                        0x9e37_79b9_7f4a_7c15 ^ (i as u64 + 1).wrapping_mul(0xbf58_476d_1ce4_e5b9)
                    ),
                    offered: Vec::new(),
                    seq: 0,
                    tally: Tally::default(),
                };
                tokio::spawn(client.run(until))
            })
            .collect();
    let mut tallies = Vec::new();
    for handle in handles {
        tallies.push(handle.await.expect("client task"));
    }
    let elapsed = started.elapsed();

    // Every acknowledged click updates its message in place, after the acknowledgement.
    let clicks: usize = tallies.iter().map(|t| t.clicked.len()).sum();
    let deadline = Instant::now() + Duration::from_secs(30);
    while updates.load(Ordering::SeqCst) < clicks && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let updated = updates.load(Ordering::SeqCst);

    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(stopped.success());
    let exit = tokio::task::spawn_blocking(move || server.wait())
        .await
        .expect("join")
        .expect("wait for the server");
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();

    // The figures.
    let mut all: Vec<Duration> = Vec::new();
    let mut by_kind: BTreeMap<Kind, Vec<Duration>> = BTreeMap::new();
    for tally in &tallies {
        for (kind, latencies) in &tally.latencies {
            all.extend(latencies);
            by_kind.entry(*kind).or_default().extend(latencies);
        }
    }
    all.sort();
    let server_errors: Vec<&String> = tallies.iter().flat_map(|t| &t.server_errors).collect();
    let connection_errors: Vec<&String> =
        tallies.iter().flat_map(|t| &t.connection_errors).collect();
    let other_failures: Vec<&String> = tallies.iter().flat_map(|t| &t.other_failures).collect();
    let adds: usize = tallies.iter().map(|t| t.added.len()).sum();
    let done = tallies
        .iter()
        .flat_map(|t| t.clicked.values())
        .filter(|c| **c == Clicked::Done)
        .count();
    println!(
        "LOAD {backend}: {:.1} s, {clients} clients, {} requests, {:.0} req/s, p50 {}, p99 {}, max {}",
        elapsed.as_secs_f64(),
        all.len(),
        all.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all, 50.0)),
        ms(percentile(&all, 99.0)),
        ms(all.last().copied().unwrap_or_default()),
    );
    for kind in KINDS {
        let mut latencies = by_kind.remove(&kind).unwrap_or_default();
        latencies.sort();
        println!(
            "  {:<7} {:>7} requests  p50 {:>9}  p99 {:>9}  max {:>9}",
            format!("{kind:?}"),
            latencies.len(),
            ms(percentile(&latencies, 50.0)),
            ms(percentile(&latencies, 99.0)),
            ms(latencies.last().copied().unwrap_or_default()),
        );
    }
    println!(
        "  acknowledged: {adds} adds, {done} Done clicks, {} snoozes; {updated} in-place updates",
        clicks - done
    );
    println!(
        "  5xx: {}, connection errors: {}, other failures: {}",
        server_errors.len(),
        connection_errors.len(),
        other_failures.len()
    );

    assert!(exit.success(), "the server stopped badly ({exit}):\n{log}");
    assert!(server_errors.is_empty(), "5xx answers: {server_errors:#?}");
    assert!(
        connection_errors.is_empty(),
        "connection errors: {connection_errors:#?}"
    );
    assert!(
        other_failures.is_empty(),
        "failures: {:#?}",
        other_failures.iter().take(20).collect::<Vec<_>>()
    );
    assert!(adds > 0 && done > 0 && clicks > done, "the mix ran");
    assert!(
        !log.to_lowercase().contains("database is locked"),
        "the log mentions a locked database:\n{log}"
    );

    // The audit: exactly what was acknowledged, no more, no less.
    let mut problems = Vec::new();
    for (i, tally) in tallies.iter().enumerate() {
        let user = format!("U0LOAD{i:03}");
        let held = common::holdings(&db.store, &RepRef::new(TEAM, &user)).await;
        problems.extend(audit(&user, tally, &held));
    }
    assert!(
        problems.is_empty(),
        "{} discrepancies between the database and the acknowledgements:\n{}",
        problems.len(),
        problems
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        updated, clicks,
        "every acknowledged click updated its message in place"
    );
    db.finish().await;
}
