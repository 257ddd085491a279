//! `followup demo`'s own parts: it refuses real Slack credentials, listens on loopback only,
//! starts with a sample team, moves its clock to the next morning, and its stand-in for Slack
//! answers the Web API as Slack would and shows each rep what Slack would show. Every request
//! the page makes reaches the real app signed; bad input to the demo's endpoints is a 400.

use std::net::{IpAddr, SocketAddr, TcpStream, UdpSocket};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime, TimeZone, Timelike, Utc};
use followup::clock::{Clock, FixedClock};
use followup::demo::standin::{Author, StandIn};
use followup::demo::{self, clock, html, team, Options, RunningDemo};
use serde_json::{json, Value};

const DANA: &str = "U0DEMODANA";
const LEE: &str = "U0DEMOLEE";
const SAM: &str = "U0DEMOSAM";

struct Demo {
    running: RunningDemo,
    http: reqwest::Client,
    base: String,
    dir: tempfile::TempDir,
}

impl Demo {
    async fn start(empty: bool) -> Demo {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start_in(dir, empty).await
    }

    async fn start_in(dir: tempfile::TempDir, empty: bool) -> Demo {
        let options = Options {
            port: 0,
            db: dir.path().join("demo.db"),
            empty,
        };
        let listener = demo::listen(0).await.expect("listen on loopback");
        let running = demo::start(listener, &options)
            .await
            .expect("start the demo");
        Demo {
            base: format!("http://{}", running.addr),
            running,
            http: reqwest::Client::new(),
            dir,
        }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, String) {
        self.post_raw(path, body.to_string()).await
    }

    async fn post_raw(&self, path: &str, body: String) -> (u16, String) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the demo answers");
        (
            response.status().as_u16(),
            response.text().await.unwrap_or_default(),
        )
    }

    async fn command(&self, user: &str, text: &str) {
        let (status, body) = self
            .post("/demo/command", json!({"user": user, "text": text}))
            .await;
        assert_eq!(status, 200, "`/followup {text}` from the page: {body}");
    }

    async fn ui(&self, user: &str) -> Value {
        let response = self
            .http
            .get(format!("{}/demo/ui?user={user}", self.base))
            .send()
            .await
            .expect("the demo answers");
        assert_eq!(response.status(), 200);
        response.json().await.expect("JSON")
    }

    /// What the rep reads in the conversation with the app, tags stripped.
    async fn conversation(&self, user: &str) -> String {
        visible_text(
            self.ui(user).await["conversation"]
                .as_str()
                .unwrap_or_default(),
        )
    }

    /// Polls until `user`'s screen satisfies `check` (the app calls Slack just after it answers).
    async fn wait_for(&self, user: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        for _ in 0..100 {
            let ui = self.ui(user).await;
            if check(&ui) {
                return ui;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "waited 5 s for {what}; the rep's conversation reads:\n{}",
            self.conversation(user).await
        );
    }

    async fn stop(self) -> tempfile::TempDir {
        self.running.stop().await.expect("the demo stops cleanly");
        self.dir
    }
}

/// HTML as the reader sees it: tags dropped, the common entities decoded.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn conversation_of(ui: &Value) -> String {
    visible_text(ui["conversation"].as_str().unwrap_or_default())
}

// ------------------------------------------------------------------------------------------
// Refusal and loopback

#[test]
fn the_demo_refuses_to_start_with_real_slack_credentials_and_says_which_in_one_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("demo.db");
    let mut command = Command::new(env!("CARGO_BIN_EXE_followup"));
    command.args(["demo", "--port", "0", "--db"]).arg(&db);
    for name in demo::SLACK_CREDENTIALS {
        command.env_remove(name);
    }
    let output = command
        .env("SLACK_BOT_TOKEN", "xoxb-1234-real-looking")
        .env("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5")
        .env("SLACK_CLIENT_ID", "")
        .env("SLACK_APP_TOKEN", "  ")
        .output()
        .expect("run followup demo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "the demo started with real credentials"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line, got: {stderr}");
    assert!(
        stderr.contains("demo mode refuses to start")
            && stderr.contains("SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET set"),
        "the line names the variables that are set (an empty or blank one does not count): {stderr}"
    );
    assert!(
        !stderr.contains("xoxb-1234"),
        "the token itself is never printed: {stderr}"
    );
    assert!(!db.exists(), "nothing was created before refusing");
}

#[test]
fn every_slack_credential_alone_is_enough_to_refuse() {
    for name in demo::SLACK_CREDENTIALS {
        let refused = demo::refuse_real_credentials(&[*name]);
        let message = refused.expect_err(name).to_string();
        assert!(message.contains(name), "{message}");
        assert!(!message.contains('\n'), "one line: {message}");
    }
    assert!(demo::refuse_real_credentials(&[]).is_ok());
}

/// This machine's address on its outgoing interface, if it has one besides loopback.
fn outward_address() -> Option<IpAddr> {
    ["192.0.2.1:9", "10.255.255.255:9", "8.8.8.8:53"]
        .iter()
        .find_map(|target| {
            let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
            socket.connect(target).ok()?;
            let ip = socket.local_addr().ok()?.ip();
            (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
        })
}

#[test]
fn the_demo_announces_itself_loudly_and_listens_on_loopback_only() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_followup"));
    command
        .args(["demo", "--port", "0", "--db"])
        .arg(dir.path().join("demo.db"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    for name in demo::SLACK_CREDENTIALS {
        command.env_remove(name);
    }
    let mut child = command.spawn().expect("start followup demo");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut banner = Vec::new();
    let mut url = None;
    let mut warned = false;
    while !warned {
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("the demo did not announce itself:\n{}", banner.join("\n"));
            }
        };
        if let Some(open) = line.trim().strip_prefix("Open ") {
            url = Some(open.to_string());
        }
        warned = line.contains("WARN") && line.contains("DEMO MODE");
        banner.push(line);
    }
    let url = url.unwrap_or_else(|| panic!("no URL in the banner:\n{}", banner.join("\n")));
    let port: u16 = url
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/demo")
        .parse()
        .unwrap_or_else(|_| panic!("the URL is on 127.0.0.1: {url}"));
    let said = banner.join("\n");
    assert!(
        said.contains("followup DEMO MODE: not connected to Slack"),
        "{said}"
    );
    assert!(
        said.contains(&format!("Listening on 127.0.0.1:{port} only")),
        "{said}"
    );
    assert!(TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).is_ok());
    match outward_address() {
        Some(ip) => assert!(
            TcpStream::connect_timeout(&SocketAddr::new(ip, port), Duration::from_secs(2)).is_err(),
            "the demo answered on {ip}:{port}, outside loopback"
        ),
        None => eprintln!("NOTE: this machine has no address besides loopback to try"),
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn the_demo_listener_is_bound_to_127_0_0_1() {
    let listener = demo::listen(0).await.expect("listen");
    let addr = listener.local_addr().expect("address");
    assert_eq!(addr.ip(), IpAddr::from([127, 0, 0, 1]));
}

// ------------------------------------------------------------------------------------------
// Seeding and the clock

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_demo_has_a_sample_team_with_touches_due_today_and_late() {
    let demo = Demo::start(false).await;
    assert_eq!(demo.running.seeded, 13);
    demo.command(DANA, "due").await;
    let dana = demo.conversation(DANA).await;
    assert!(dana.contains("/followup due"), "{dana}");
    assert!(
        dana.contains("Only visible to you"),
        "the reply is ephemeral: {dana}"
    );
    assert!(dana.contains("Priya Shah · Northwind Traders"), "{dana}");
    assert!(
        dana.contains("touch 4 of 9"),
        "Priya is three touches in: {dana}"
    );
    assert!(
        dana.contains("Marcus Bell") && dana.contains("days late"),
        "{dana}"
    );
    assert!(dana.contains("Elena Petrova"), "{dana}");
    assert!(
        !dana.contains("Aisha Khan"),
        "a won deal is not due: {dana}"
    );
    for (rep, name) in [(LEE, "Jordan Mills"), (SAM, "Nina Rossi")] {
        demo.command(rep, "due").await;
        let seen = demo.conversation(rep).await;
        assert!(seen.contains(name), "{rep} sees {name} due: {seen}");
    }
    // The team's own cadence, with its variants, beside the built-ins.
    demo.command(SAM, "cadences").await;
    let cadences = demo.conversation(SAM).await;
    assert!(
        cadences.contains("enterprise")
            && cadences.contains("Enterprise pilot")
            && cadences.contains("2 variants"),
        "{cadences}"
    );
    demo.command(DANA, "stats").await;
    let stats = demo.conversation(DANA).await;
    assert!(
        stats.contains("By rep") && stats.contains("@lee :") && stats.contains("@sam :"),
        "Dana manages the team: her stats show each rep: {stats}"
    );
    // The team's past campaign on its own cadence is enough for a verdict on step 1's variants.
    assert!(
        stats.contains("Step 1's variant B earns more replies than A"),
        "the demo's history gives a verdict: {stats}"
    );
    demo.command(SAM, "resources").await;
    let library = demo.conversation(SAM).await;
    assert!(
        library.contains("Seat pricing calculator")
            && library.contains("Security review checklist"),
        "the sample team keeps a value-add library: {library}"
    );
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_demo_has_nothing_due() {
    let demo = Demo::start(true).await;
    assert_eq!(demo.running.seeded, 0);
    demo.command(DANA, "due").await;
    let dana = demo.conversation(DANA).await;
    assert!(dana.contains("Nothing due today"), "{dana}");
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_morning_moves_the_clock_to_the_digest_and_the_rep_receives_it() {
    let demo = Demo::start(false).await;
    let before = demo.running.clock.now();
    assert_eq!(
        (before.hour(), before.minute()),
        (7, 30),
        "a new demo starts at 07:30"
    );
    let (status, body) = demo.post("/demo/next-morning", json!({"user": DANA})).await;
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).expect("JSON");
    let summary = answer["summary"].as_str().unwrap_or_default();
    assert!(
        summary.contains("08:00") && summary.contains("digest sent to Dana Reyes"),
        "{summary}"
    );
    let now = demo.running.clock.now();
    assert_eq!(
        now.date_naive(),
        before.date_naive(),
        "today's digest comes first"
    );
    assert_eq!((now.hour(), now.minute()), (8, 0));
    let ui = demo.ui(DANA).await;
    assert!(
        ui["clock"]
            .as_str()
            .unwrap_or_default()
            .contains("08:00 UTC"),
        "{}",
        ui["clock"]
    );
    let dana = conversation_of(&ui);
    assert!(dana.contains("Next morning"), "{dana}");
    assert!(dana.contains("Good morning"), "the digest arrived: {dana}");
    assert!(
        !dana.contains("Only visible to you"),
        "a digest is a real DM: {dana}"
    );
    let digests = demo
        .running
        .standin
        .snapshot(DANA)
        .entries
        .into_iter()
        .filter(|e| e.author == Author::App)
        .count();
    assert_eq!(digests, 1);

    // The next press goes to the next working day, and sends that day's digest once.
    let (status, _) = demo.post("/demo/next-morning", json!({"user": DANA})).await;
    assert_eq!(status, 200);
    let later = demo.running.clock.now();
    assert!(later.date_naive() > now.date_naive());
    assert!(!matches!(
        chrono::Datelike::weekday(&later.date_naive()),
        chrono::Weekday::Sat | chrono::Weekday::Sun
    ));
    demo.stop().await;
}

#[test]
fn next_morning_skips_the_weekend_unless_the_rep_works_weekends() {
    let tz = chrono_tz::Tz::UTC;
    let eight = NaiveTime::from_hms_opt(8, 0, 0).expect("time");
    let friday_noon = Utc
        .with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("instant");
    let monday = clock::next_morning(friday_noon, eight, tz, true);
    assert_eq!(
        monday,
        Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0)
            .single()
            .expect("instant")
    );
    let saturday = clock::next_morning(friday_noon, eight, tz, false);
    assert_eq!(
        saturday,
        Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0)
            .single()
            .expect("instant")
    );
    let friday_early = Utc
        .with_ymd_and_hms(2026, 11, 27, 7, 0, 0)
        .single()
        .expect("instant");
    assert_eq!(
        clock::next_morning(friday_early, eight, tz, true),
        Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0)
            .single()
            .expect("instant"),
        "before the digest time, it is this morning"
    );
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().expect("zone");
    assert_eq!(
        clock::next_morning(friday_noon, eight, berlin, true),
        Utc.with_ymd_and_hms(2026, 11, 30, 7, 0, 0)
            .single()
            .expect("instant"),
        "08:00 in Berlin is 07:00 UTC in winter"
    );
    let saturday_date = NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    assert_eq!(
        clock::demo_start(saturday_date, eight, tz),
        Utc.with_ymd_and_hms(2026, 11, 30, 7, 30, 0)
            .single()
            .expect("instant"),
        "a demo started on a weekend begins on Monday morning"
    );
}

#[test]
fn the_demo_clock_runs_and_never_goes_back() {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 23, 7, 30, 0)
        .single()
        .expect("instant");
    let clock = clock::DemoClock::new(start);
    assert!(clock.now() >= start);
    let later = start + chrono::Duration::hours(24);
    assert!(clock.advance_to(later) >= later);
    assert!(clock.now() >= later);
    assert!(
        clock.advance_to(start) >= later,
        "a jump into the past is ignored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_demo_goes_on_from_its_last_day_without_seeding_again() {
    let demo = Demo::start(false).await;
    demo.post("/demo/next-morning", json!({"user": DANA})).await;
    demo.post("/demo/next-morning", json!({"user": DANA})).await;
    let day = demo.running.clock.now().date_naive();
    let dir = demo.stop().await;

    let again = Demo::start_in(dir, false).await;
    assert_eq!(again.running.seeded, 0, "the team is there already");
    assert_eq!(
        again.running.clock.now().date_naive(),
        day,
        "the demo's day was kept"
    );
    again.command(DANA, "list").await;
    assert!(again.conversation(DANA).await.contains("Priya Shah"));
    let dir = again.stop().await;

    let listener = demo::listen(0).await.expect("listen");
    let options = Options {
        port: 0,
        db: dir.path().join("demo.db"),
        empty: true,
    };
    let refused = demo::start(listener, &options)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("--empty") && e.contains("already holds the demo team")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_demo_will_not_run_on_a_database_of_a_real_workspace() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("real.db");
    let store = followup::store::open(&format!("sqlite://{}", db.display()))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(Utc::now()));
    let service = followup::service::Service::new(store.clone(), clock, NaiveTime::MIN);
    let rep = followup::domain::RepRef::new("T0REAL", "U0REAL");
    let new = followup::domain::NewProspect::named(
        followup::domain::ProspectName::parse("Real Person").expect("name"),
    );
    service.add(&rep, &new).await.expect("add");
    let listener = demo::listen(0).await.expect("listen");
    let options = Options {
        port: 0,
        db,
        empty: false,
    };
    let refused = demo::start(listener, &options)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("T0REAL") && e.contains("keeps its own database")),
        "{refused:?}"
    );
}

// ------------------------------------------------------------------------------------------
// The page's actions reach the app as Slack's would

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_add_form_opens_checks_required_fields_and_confirms_by_dm() {
    let demo = Demo::start(true).await;
    demo.command(DANA, "add").await;
    let ui = demo
        .wait_for(DANA, "the add form", |ui| !ui["modal"].is_null())
        .await;
    let modal = visible_text(ui["modal"]["html"].as_str().unwrap_or_default());
    assert!(
        modal.contains("Add a prospect") && modal.contains("Name") && modal.contains("Cancel"),
        "{modal}"
    );
    let view_id = ui["modal"]["view_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // Slack itself refuses an empty required field; the app never hears of it.
    let (status, _) = demo
        .post(
            "/demo/submit",
            json!({"user": DANA, "view_id": view_id, "values": {"name": ""}}),
        )
        .await;
    assert_eq!(status, 200);
    let ui = demo.ui(DANA).await;
    assert!(
        visible_text(ui["modal"]["html"].as_str().unwrap_or_default())
            .contains("Please complete this required field.")
    );

    // The app's own check comes back as `response_action: errors` under the field.
    demo.post(
        "/demo/submit",
        json!({"user": DANA, "view_id": view_id, "values": {
                "name": "Kim Lee", "email": "no-at-sign", "stage": "inquiry"}}),
    )
    .await;
    let ui = demo.ui(DANA).await;
    let modal = visible_text(ui["modal"]["html"].as_str().unwrap_or_default());
    assert!(
        modal.contains("`no-at-sign` is not an email address"),
        "{modal}"
    );

    let (status, body) = demo
        .post(
            "/demo/submit",
            json!({"user": DANA, "view_id": view_id, "values": {
                "name": "Kim Lee", "company": "Lee & <Sons>", "lead": "hot", "stage": "inquiry", "start": ""}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"closed\":true"), "{body}");
    let ui = demo
        .wait_for(DANA, "the confirmation DM", |ui| {
            conversation_of(ui).contains("Added")
        })
        .await;
    assert!(ui["modal"].is_null(), "the form closed");
    let dana = conversation_of(&ui);
    assert!(
        dana.contains("Added Kim Lee · Lee & <Sons> · hot lead as #1 on the hot cadence"),
        "{dana}"
    );
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn done_snooze_and_replied_on_a_digest_update_that_message_in_place() {
    let demo = Demo::start(false).await;
    demo.post("/demo/next-morning", json!({"user": DANA})).await;
    let digest = demo
        .running
        .standin
        .snapshot(DANA)
        .entries
        .into_iter()
        .find(|e| e.author == Author::App)
        .expect("Dana's digest");
    let actions: Vec<String> = digest
        .blocks
        .iter()
        .filter(|b| b["type"] == "actions")
        .filter_map(|b| b["block_id"].as_str().map(str::to_string))
        .collect();
    assert!(actions.len() >= 3, "{actions:?}");
    let src = format!("m:{}", digest.id);
    let click = |block: &str, action: &str, option: Option<&str>| json!({"user": DANA, "src": src, "block_id": block, "action_id": action, "option": option});
    let snooze_value = digest
        .blocks
        .iter()
        .find(|b| b["block_id"] == actions[1].as_str())
        .and_then(|b| {
            b["elements"]
                .as_array()?
                .iter()
                .find(|e| e["action_id"] == "touch_snooze")?["options"][1]["value"]
                .as_str()
        })
        .expect("the snooze menu's 3 days")
        .to_string();

    let (status, body) = demo
        .post("/demo/click", click(&actions[0], "touch_done", None))
        .await;
    assert_eq!(status, 200, "{body}");
    demo.wait_for(DANA, "Done to update the digest", |ui| {
        conversation_of(ui).contains("✅ Logged touch")
    })
    .await;
    demo.post(
        "/demo/click",
        click(&actions[1], "touch_snooze", Some(&snooze_value)),
    )
    .await;
    demo.wait_for(DANA, "Snooze to update the digest", |ui| {
        conversation_of(ui).contains("😴 Snoozed touch")
    })
    .await;
    demo.post("/demo/click", click(&actions[2], "touch_replied", None))
        .await;
    let ui = demo
        .wait_for(DANA, "Replied to update the digest", |ui| {
            conversation_of(ui).contains("replied — the cadence stops here")
        })
        .await;
    let entries = demo.running.standin.snapshot(DANA).entries;
    let updated = entries
        .iter()
        .find(|e| e.id == digest.id)
        .expect("the digest is still there");
    assert!(updated.edited);
    let still_there: Vec<&str> = updated
        .blocks
        .iter()
        .filter(|b| b["type"] == "actions")
        .filter_map(|b| b["block_id"].as_str())
        .collect();
    for clicked in &actions[..3] {
        assert!(
            !still_there.contains(&clicked.as_str()),
            "{clicked} kept its buttons"
        );
    }
    let dms = entries.iter().filter(|e| e.author == Author::App).count();
    assert_eq!(
        dms, 1,
        "the clicks changed the digest, they posted nothing new"
    );
    assert!(conversation_of(&ui).contains("Good morning"));
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_tab_is_published_by_the_app_when_opened() {
    let demo = Demo::start(false).await;
    let (status, _) = demo.post("/demo/home", json!({"user": LEE})).await;
    assert_eq!(status, 200);
    let ui = demo
        .wait_for(LEE, "the Home tab", |ui| {
            ui["home"]
                .as_str()
                .is_some_and(|h| h.contains("Add a prospect"))
        })
        .await;
    let home = visible_text(ui["home"].as_str().unwrap_or_default());
    assert!(home.contains("Jordan Mills"), "{home}");
    // The Home tab's button opens the add form through the app.
    let block = demo
        .running
        .standin
        .home(LEE)
        .and_then(|v| {
            v.blocks()
                .iter()
                .find(|b| b.to_string().contains("open_add_modal"))
                .and_then(|b| b["block_id"].as_str().map(str::to_string))
        })
        .expect("the Add button's block");
    demo.post(
        "/demo/click",
        json!({"user": LEE, "src": "home", "block_id": block, "action_id": "open_add_modal"}),
    )
    .await;
    demo.wait_for(LEE, "the add form from Home", |ui| !ui["modal"].is_null())
        .await;
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_mentions_and_brackets_reach_the_app_as_slack_escapes_them() {
    let demo = Demo::start(false).await;
    demo.command(DANA, "settings managers @dana @lee").await;
    let dana = demo.conversation(DANA).await;
    assert!(
        dana.contains("Settings saved") || dana.contains("manager"),
        "{dana}"
    );
    demo.command(DANA, "add <b>Bold</b> Person company:A&B")
        .await;
    let dana = demo.conversation(DANA).await;
    assert!(
        dana.contains("Added <b>Bold</b> Person · A&B"),
        "shown as typed, not as markup: {dana}"
    );
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_behind_the_demo_still_refuses_unsigned_requests() {
    let demo = Demo::start(true).await;
    let response = demo
        .http
        .post(format!("{}/slack/commands", demo.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("team_id=T0DEMO001&user_id=U0DEMODANA&command=%2Ffollowup&text=due")
        .send()
        .await
        .expect("answer");
    assert_eq!(
        response.status(),
        401,
        "the demo opens no back door into the app"
    );
    demo.stop().await;
}

// ------------------------------------------------------------------------------------------
// Bad input

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_to_the_demo_endpoints_is_a_400_with_a_reason() {
    let demo = Demo::start(true).await;
    let cases: Vec<(&str, String, &str)> = vec![
        ("/demo/command", "not json".into(), "not the JSON"),
        (
            "/demo/command",
            json!({"user": "U0NOBODY", "text": "help"}).to_string(),
            "not one of the demo's reps",
        ),
        (
            "/demo/command",
            json!({"user": DANA}).to_string(),
            "missing field `text`",
        ),
        (
            "/demo/command",
            json!({"user": DANA, "text": "x".repeat(5000)}).to_string(),
            "at most 4000",
        ),
        (
            "/demo/click",
            json!({"user": DANA, "src": "m:999", "block_id": "b", "action_id": "a"}).to_string(),
            "is not a message",
        ),
        (
            "/demo/click",
            json!({"user": DANA, "src": "home", "block_id": "b", "action_id": "a"}).to_string(),
            "has no home open",
        ),
        (
            "/demo/click",
            json!({"user": DANA, "src": "m:x", "block_id": "b", "action_id": "a"}).to_string(),
            "is not a message",
        ),
        (
            "/demo/submit",
            json!({"user": DANA, "view_id": "V1", "values": {}}).to_string(),
            "is not the modal",
        ),
        (
            "/demo/close",
            json!({"user": DANA, "view_id": "V1"}).to_string(),
            "is not the modal",
        ),
        (
            "/demo/next-morning",
            json!({"user": 7}).to_string(),
            "not the JSON",
        ),
        ("/demo/home", "[]".into(), "not the JSON"),
    ];
    for (path, body, reason) in cases {
        let (status, text) = demo.post_raw(path, body.clone()).await;
        assert_eq!(status, 400, "{path} {body}: {text}");
        assert!(
            text.contains(reason),
            "{path} {body}: expected `{reason}`, got `{text}`"
        );
    }
    let response = demo
        .http
        .get(format!("{}/demo/ui?user=U0NOBODY", demo.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 400);

    // A click on an element that is not there, and a choice that is not on the menu.
    demo.command(DANA, "help").await;
    demo.command(DANA, "add Test Person").await;
    demo.command(DANA, "due").await;
    let due = demo
        .running
        .standin
        .snapshot(DANA)
        .entries
        .into_iter()
        .rev()
        .find(|e| {
            e.author == Author::AppEphemeral && e.blocks.iter().any(|b| b["type"] == "actions")
        })
        .expect("the due list with buttons");
    let actions = due
        .blocks
        .iter()
        .find(|b| b["type"] == "actions")
        .and_then(|b| b["block_id"].as_str())
        .expect("an actions block")
        .to_string();
    let src = format!("m:{}", due.id);
    for (body, reason) in [
        (
            json!({"user": DANA, "src": src, "block_id": actions, "action_id": "nope"}),
            "no element `nope`",
        ),
        (
            json!({"user": DANA, "src": src, "block_id": actions, "action_id": "touch_snooze"}),
            "choose an option",
        ),
        (
            json!({"user": DANA, "src": src, "block_id": actions, "action_id": "touch_snooze", "option": "9.9.9d"}),
            "is not one of this menu's options",
        ),
        (
            json!({"user": LEE, "src": src, "block_id": actions, "action_id": "touch_done"}),
            "is not a message in Lee Park's conversation",
        ),
    ] {
        let (status, text) = demo.post("/demo/click", body.clone()).await;
        assert_eq!(status, 400, "{body}: {text}");
        assert!(
            text.contains(reason),
            "{body}: expected `{reason}`, got `{text}`"
        );
    }
    demo.stop().await;
}

// ------------------------------------------------------------------------------------------
// The stand-in for Slack

fn standin() -> StandIn {
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
            .single()
            .expect("instant"),
    ));
    StandIn::new("xoxb-demo-test", "http://127.0.0.1:9", clock)
}

const AUTH: Option<&str> = Some("Bearer xoxb-demo-test");

#[test]
fn the_stand_in_wants_the_bot_token() {
    let s = standin();
    assert_eq!(s.call("auth.test", None, &json!({}))["error"], "not_authed");
    assert_eq!(
        s.call("auth.test", Some("Bearer xoxb-other"), &json!({}))["error"],
        "invalid_auth"
    );
    let ok = s.call("auth.test", AUTH, &json!({}));
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["team_id"], team::TEAM_ID);
}

#[test]
fn messages_posted_and_updated_by_the_app_show_in_the_reps_conversation() {
    let s = standin();
    // Posted to the user id, as the app does: Slack puts it in the app's DM with her.
    let posted = s.call(
        "chat.postMessage",
        AUTH,
        &json!({"channel": DANA, "text": "hello", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]}),
    );
    assert_eq!(posted["ok"], true, "{posted}");
    assert_eq!(posted["channel"], "DU0DEMODANA");
    let ts = posted["ts"].as_str().expect("ts").to_string();
    assert!(
        ts.starts_with("1795420800."),
        "the ts is on demo time: {ts}"
    );
    assert!(
        posted["message"]["blocks"][0]["block_id"].is_string(),
        "Slack names every block"
    );
    let updated = s.call(
        "chat.update",
        AUTH,
        &json!({"channel": "DU0DEMODANA", "ts": ts, "text": "changed"}),
    );
    assert_eq!(updated["ok"], true, "{updated}");
    let entries = s.snapshot(DANA).entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].text, "changed");
    assert!(entries[0].edited);
    assert!(
        s.snapshot(LEE).entries.is_empty(),
        "Lee sees none of Dana's DMs"
    );
    assert_eq!(
        s.call(
            "chat.update",
            AUTH,
            &json!({"channel": "DU0DEMODANA", "ts": "1.2"})
        )["error"],
        "message_not_found"
    );
    assert_eq!(
        s.call(
            "chat.postMessage",
            AUTH,
            &json!({"channel": "C0GENERAL", "text": "x"})
        )["error"],
        "channel_not_found"
    );
    assert_eq!(
        s.call("chat.postMessage", AUTH, &json!({"channel": "DU0DEMODANA"}))["error"],
        "no_text"
    );
    let log: Vec<String> = s.snapshot(DANA).log.into_iter().map(|l| l.text).collect();
    assert!(
        log.iter().any(|l| l.contains("chat.postMessage")),
        "{log:?}"
    );
}

#[test]
fn a_modal_opens_only_with_a_fresh_trigger_of_that_rep() {
    let s = standin();
    let view =
        json!({"type": "modal", "title": {"type": "plain_text", "text": "Add"}, "blocks": []});
    assert_eq!(
        s.call(
            "views.open",
            AUTH,
            &json!({"trigger_id": "123.456.abc", "view": view})
        )["error"],
        "invalid_trigger_id"
    );
    let trigger = s.new_trigger(SAM);
    let opened = s.call(
        "views.open",
        AUTH,
        &json!({"trigger_id": trigger, "view": view}),
    );
    assert_eq!(opened["ok"], true, "{opened}");
    assert!(opened["view"]["id"]
        .as_str()
        .is_some_and(|id| id.starts_with('V')));
    assert_eq!(
        s.modal(SAM).map(|v| v.str_field("type").to_string()),
        Some("modal".into())
    );
    assert!(s.modal(DANA).is_none());
    assert_eq!(
        s.call(
            "views.open",
            AUTH,
            &json!({"trigger_id": trigger, "view": view})
        )["error"],
        "invalid_trigger_id",
        "a trigger opens one view"
    );
    let view_id = opened["view"]["id"].as_str().unwrap_or_default();
    let renamed =
        json!({"type": "modal", "title": {"type": "plain_text", "text": "Renamed"}, "blocks": []});
    let updated = s.call(
        "views.update",
        AUTH,
        &json!({"view_id": view_id, "view": renamed}),
    );
    assert_eq!(updated["view"]["title"]["text"], "Renamed");
}

#[test]
fn a_trigger_expires_after_three_seconds_as_in_slack() {
    let s = standin();
    let trigger = s.new_trigger(DANA);
    std::thread::sleep(followup::demo::standin::TRIGGER_LIFETIME + Duration::from_millis(100));
    let view =
        json!({"type": "modal", "title": {"type": "plain_text", "text": "Add"}, "blocks": []});
    assert_eq!(
        s.call(
            "views.open",
            AUTH,
            &json!({"trigger_id": trigger, "view": view})
        )["error"],
        "expired_trigger_id"
    );
}

#[test]
fn users_info_and_unknown_methods_are_answered_as_slack_answers_them() {
    let s = standin();
    let info = s.call("users.info", AUTH, &json!({"user": LEE}));
    assert_eq!(info["user"]["tz"], "UTC");
    assert_eq!(info["user"]["real_name"], "Lee Park");
    assert_eq!(
        s.call("users.info", AUTH, &json!({"user": "U0NOBODY"}))["error"],
        "user_not_found"
    );
    assert_eq!(
        s.call("reminders.add", AUTH, &json!({}))["error"],
        "unknown_method"
    );
    let log: Vec<String> = s.snapshot(LEE).log.into_iter().map(|l| l.text).collect();
    assert!(
        log.iter()
            .any(|l| l.contains("reminders.add") && l.contains("unknown_method")),
        "{log:?}"
    );
}

#[test]
fn a_response_url_replaces_or_adds_and_takes_five_posts() {
    let s = standin();
    let original = s.command_reply(
        DANA,
        &json!({"response_type": "ephemeral", "text": "before"}),
    );
    let url = s.new_hook(DANA, Some(original));
    let id = url.rsplit('/').next().expect("hook id").to_string();
    s.hook(&id, &json!({"replace_original": true, "text": "after"}))
        .expect("replaced");
    let entries = s.snapshot(DANA).entries;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].text, "after");
    assert_eq!(
        entries[0].author,
        Author::AppEphemeral,
        "still only visible to Dana"
    );
    s.hook(
        &id,
        &json!({"response_type": "ephemeral", "replace_original": false, "text": "new"}),
    )
    .expect("added");
    assert_eq!(s.snapshot(DANA).entries.len(), 2);
    assert_eq!(
        s.hook(&id, &json!({})).map_err(|r| r.reason),
        Err("no_text")
    );
    s.hook(&id, &json!({"text": "four"})).expect("fourth");
    s.hook(&id, &json!({"delete_original": true}))
        .expect("fifth deletes the original");
    assert!(s.snapshot(DANA).entries.iter().all(|e| e.id != original));
    assert_eq!(
        s.hook(&id, &json!({"text": "six"})).map_err(|r| r.reason),
        Err("used_url")
    );
    assert_eq!(
        s.hook("nope", &json!({"text": "x"})).map_err(|r| r.status),
        Err(404)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_own_slack_client_reads_the_stand_ins_answers() {
    let demo = Demo::start(true).await;
    let standin = &demo.running.standin;
    let api = followup::slack::api::SlackApi::new(&standin.api_url(), Some(standin.token().into()))
        .expect("client");
    let (tz, deleted) = api
        .user_tz(team::TEAM_ID, SAM)
        .await
        .expect("users.info through slack-morphism");
    assert_eq!(tz.as_deref(), Some("UTC"));
    assert!(!deleted);
    assert_eq!(
        api.user_name(team::TEAM_ID, SAM)
            .await
            .expect("name")
            .as_deref(),
        Some("Sam Okafor")
    );
    let message = followup::slack::blocks::Message::plain("hi *Sam*");
    let (channel, ts) = api
        .post_dm(team::TEAM_ID, SAM, &message)
        .await
        .expect("chat.postMessage to the user id");
    assert!(!ts.is_empty());
    assert_eq!(
        channel,
        team::dm_channel(SAM),
        "the stand-in answers with the DM channel"
    );
    assert!(demo.conversation(SAM).await.contains("hi Sam"));
    let wrong = followup::slack::api::SlackApi::new(&standin.api_url(), Some("xoxb-wrong".into()))
        .expect("client");
    let refused = wrong
        .post_dm(team::TEAM_ID, SAM, &message)
        .await
        .err()
        .map(|e| e.to_string());
    assert!(refused.is_some_and(|e| e.contains("invalid_auth")));
    demo.stop().await;
}

// ------------------------------------------------------------------------------------------
// Block Kit as HTML

#[test]
fn block_kit_is_drawn_plainly_and_unknown_kinds_are_named() {
    let blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": "Today"}}),
        json!({"type": "section", "block_id": "s1", "text": {"type": "mrkdwn", "text": "*Jane* _Doe_ ~old~ `#12` <https://acme.example|Acme> <@U0DEMOLEE> &lt;b&gt;"},
               "fields": [{"type": "mrkdwn", "text": "*Stage*\ninquiry"}],
               "accessory": {"type": "button", "action_id": "go", "text": {"type": "plain_text", "text": "Go"}}}),
        json!({"type": "divider"}),
        json!({"type": "context", "elements": [{"type": "mrkdwn", "text": "last contact Fri"}]}),
        json!({"type": "actions", "block_id": "act.1", "elements": [
            {"type": "button", "action_id": "touch_done", "style": "primary", "text": {"type": "plain_text", "text": "Done"}},
            {"type": "static_select", "action_id": "touch_snooze", "placeholder": {"type": "plain_text", "text": "Snooze"},
             "options": [{"text": {"type": "plain_text", "text": "1 day"}, "value": "1.1.1d"}]},
            {"type": "overflow", "action_id": "more", "options": [{"text": {"type": "plain_text", "text": "Won"}, "value": "1.won"}]},
            {"type": "workflow_button", "action_id": "wf"},
        ]}),
        json!({"type": "image", "image_url": "https://x.example/a.png", "alt_text": "chart"}),
        json!({"type": "file", "external_id": "ABCD1", "source": "remote"}),
        json!({"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [
                {"type": "text", "text": "jane_doe *as typed*", "style": {"bold": true}},
                {"type": "link", "url": "mailto:jane_doe@acme.com?subject=Hi", "text": "jane_doe@acme.com"},
            ]},
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "Hi <Jane>"}]},
        ]}),
    ];
    let page = html::blocks(&blocks, "m:1", None);
    assert!(page.contains("<h3 class=\"bk-header\">Today</h3>"));
    assert!(
        page.contains("<b>Jane</b> <i>Doe</i> <s>old</s> <code>#12</code>"),
        "{page}"
    );
    assert!(page.contains("<a href=\"https://acme.example\" target=\"_blank\" rel=\"noopener noreferrer\">Acme</a>"), "{page}");
    assert!(
        page.contains("<span class=\"mention\">@lee</span>"),
        "{page}"
    );
    assert!(
        page.contains("&lt;b&gt;"),
        "an escaped bracket stays text: {page}"
    );
    assert!(page.contains("<b>Stage</b><br>inquiry"), "{page}");
    assert!(page.contains("bk-button primary") && page.contains("data-action=\"touch_done\""));
    assert!(page.contains("<option value=\"1.1.1d\">1 day</option>"));
    assert!(page.contains("bk-select overflow"));
    assert!(
        page.contains("[cannot render element type workflow_button]"),
        "{page}"
    );
    assert!(page.contains("[cannot render block type image]"), "{page}");
    assert!(page.contains("[cannot render block type file]"), "{page}");
    assert!(
        page.contains("<b>jane_doe *as typed*</b><a href=\"mailto:jane_doe@acme.com?subject=Hi\""),
        "rich text is shown exactly, no markup read in it: {page}"
    );
    assert!(
        page.contains("<blockquote>Hi &lt;Jane&gt;</blockquote>"),
        "{page}"
    );
    let text = visible_text(&page);
    assert!(
        text.contains("Today Jane Doe old #12 Acme @lee <b>"),
        "{text}"
    );
}

#[test]
fn text_from_people_cannot_inject_markup_into_the_page() {
    let hostile =
        "&lt;script&gt;alert(1)&lt;/script&gt; <javascript:alert(1)|click> \" onmouseover=x";
    let page = html::mrkdwn(hostile);
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("href=\"javascript"), "{page}");
    assert!(!page.contains("\" onmouseover"), "{page}");
    assert_eq!(
        visible_text(&page),
        "<script>alert(1)</script> click \" onmouseover=x"
    );
    let zero_width = "a\u{200B}*\u{200B}bold\u{200B}*\u{200B}";
    assert!(
        !html::mrkdwn(zero_width).contains("<b>"),
        "escaped marks stay as typed"
    );
    let quote = html::mrkdwn("line\n>quoted\n```code *x*```");
    assert!(
        quote.contains("<blockquote>quoted</blockquote>") && quote.contains("<pre>code *x*</pre>"),
        "{quote}"
    );
}
