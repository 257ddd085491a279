//! Socket Mode: the same handlers, reached over a WebSocket from a fake Slack.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::fake_slack::FakeSlack;
use common::TestDb;
use followup::app::AppState;
use followup::clock::FixedClock;
use followup::domain::{RepRef, TouchStatus};
use followup::slack::api::SlackApi;
use followup::slack::signature::SigningSecret;
use followup::socket_mode::{Backoff, SocketOptions};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use sqlx::Connection;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("an acknowledgement within 5 s")
            .expect("socket open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(text.as_str()).expect("JSON");
        }
    }
}

async fn send(socket: &mut Socket, value: Value) {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_clicks_and_events_arrive_over_socket_mode_and_reconnect_on_request() {
    // The production entry point, with its default intervals.
    let rig = Rig::start_at(None, None).await;
    let (db, slack) = (&rig.db, &rig.slack);
    let mut socket = rig.accept().await;
    let open = slack.calls_to("apps.connections.open");
    assert_eq!(
        open[0].bearer_token(),
        Some("xapp-1-A0FAKE-1-secret"),
        "the app-level token, not the bot token"
    );
    send(
        &mut socket,
        json!({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0FAKE"}}),
    )
    .await;

    // A slash command: the reply rides in the acknowledgement.
    send(&mut socket, json!({
        "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true,
        "payload": {"token": "x", "team_id": "T1", "team_domain": "acme", "channel_id": "C1", "channel_name": "general",
            "user_id": "U1", "user_name": "alice", "command": "/followup", "text": "add Jane Doe company:Acme",
            "api_app_id": "A0FAKE", "is_enterprise_install": "false", "response_url": slack.response_url("sm"), "trigger_id": "1.2.3"},
    })).await;
    let ack = next_json(&mut socket).await;
    assert_eq!(ack["envelope_id"], "env-1");
    let text = common::app::reply_text(&ack["payload"]);
    assert!(text.contains("Added *Jane Doe* · Acme"), "{ack}");
    let rep = RepRef::new("T1", "U1");
    let jane = db
        .store
        .find_prospects(&rep, "jane", false, 5)
        .await
        .unwrap()
        .remove(0);
    let state = db
        .store
        .prospect_state(&rep, jane.id)
        .await
        .unwrap()
        .unwrap();
    let touch = state.touches[0].id;

    // A click: stored, acknowledged, and the message updated through response_url.
    send(&mut socket, json!({
        "envelope_id": "env-2", "type": "interactive", "accepts_response_payload": false,
        "payload": {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "response_url": slack.response_url("sm"),
            "actions": [{"action_id": "touch_done", "block_id": format!("act.{touch}"), "value": format!("{}.{touch}", jane.id), "type": "button"}]},
    })).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({"envelope_id": "env-2"})
    );
    let state = db
        .store
        .prospect_state(&rep, jane.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.touches[0].status, TouchStatus::Done);
    slack
        .wait_for(
            &FakeSlack::response_url_method("sm"),
            1,
            Duration::from_secs(5),
        )
        .await;

    // An event, and a malformed envelope: both acknowledged, nothing breaks.
    send(&mut socket, json!({"envelope_id": "env-3", "type": "events_api", "retry_attempt": 0,
        "payload": {"type": "event_callback", "team_id": "T1", "event": {"type": "app_home_opened", "user": "U1"}}})).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({"envelope_id": "env-3"})
    );
    send(&mut socket, json!({"envelope_id": "env-4", "type": "interactive", "payload": {"type": "block_actions"}})).await;
    assert_eq!(
        next_json(&mut socket).await,
        json!({"envelope_id": "env-4"})
    );

    // Slack asks for a reconnect: a fresh URL, a fresh socket.
    send(
        &mut socket,
        json!({"type": "disconnect", "reason": "refresh_requested"}),
    )
    .await;
    let mut again = rig.accept().await;
    assert_eq!(slack.count("apps.connections.open"), 2);
    send(&mut again, json!({"type": "hello"})).await;
    send(
        &mut again,
        json!({"envelope_id": "env-5", "type": "slash_commands",
        "payload": {"team_id": "T1", "user_id": "U1", "command": "/followup", "text": "list"}}),
    )
    .await;
    let ack = next_json(&mut again).await;
    assert!(
        common::app::reply_text(&ack["payload"]).contains("Your pipeline (1)"),
        "{ack}"
    );

    rig.finish().await;
}

/// A fake Slack (Web API and Socket Mode endpoint) and a client connected to it.
struct Rig {
    db: TestDb,
    slack: FakeSlack,
    ws: TcpListener,
    stop: tokio::sync::watch::Sender<bool>,
    client: JoinHandle<()>,
}

impl Rig {
    async fn start(options: SocketOptions) -> Rig {
        Rig::start_at(Some(options), None).await
    }

    /// A client with `options` (`None`: `socket_mode::run`, production's defaults) that
    /// `apps.connections.open` sends to `ws_url` instead of the rig's listener, when given.
    async fn start_at(options: Option<SocketOptions>, ws_url: Option<String>) -> Rig {
        let db = TestDb::sqlite().await;
        let slack = FakeSlack::start().await;
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws_url =
            ws_url.unwrap_or_else(|| format!("ws://{}/link/?ticket=abc", ws.local_addr().unwrap()));
        slack.set_reply("apps.connections.open", json!({"ok": true, "url": ws_url}));
        let clock = Arc::new(FixedClock::new(common::at(2026, 11, 2, 14, 0)));
        let api = SlackApi::new(&slack.api_url(), Some("xoxb-bot".into())).unwrap();
        let state = AppState::new(
            db.store.clone(),
            clock,
            api,
            SigningSecret::new("unused"),
            chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        );
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let token = "xapp-1-A0FAKE-1-secret".to_string();
        let client = match options {
            Some(options) => tokio::spawn(followup::socket_mode::run_with(
                state, token, stopped, options,
            )),
            None => tokio::spawn(followup::socket_mode::run(state, token, stopped)),
        };
        Rig {
            db,
            slack,
            ws,
            stop,
            client,
        }
    }

    /// The client's next connection, within 5 s.
    async fn accept(&self) -> Socket {
        let (tcp, _) = tokio::time::timeout(Duration::from_secs(5), self.ws.accept())
            .await
            .expect("the client connects within 5 s")
            .unwrap();
        tokio_tungstenite::accept_async(tcp).await.unwrap()
    }

    async fn finish(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), self.client)
            .await
            .expect("stops when told")
            .unwrap();
        self.db.finish().await;
    }
}

/// Pings and silences far beyond a test's length; reconnects after 25–50 ms.
fn quiet() -> SocketOptions {
    SocketOptions {
        ping_every: Duration::from_secs(60),
        silence_limit: Duration::from_secs(60),
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(400),
    }
}

fn command(envelope_id: &str, text: &str) -> Value {
    json!({"envelope_id": envelope_id, "type": "slash_commands", "accepts_response_payload": true,
        "payload": {"team_id": "T1", "user_id": "U1", "channel_id": "C1", "command": "/followup", "text": text,
            "response_url": "https://hooks.slack.com/commands/T1/1/x", "trigger_id": "1.2.3"}})
}

fn event(envelope_id: &str, event: Value, retry_attempt: u32) -> Value {
    json!({"envelope_id": envelope_id, "type": "events_api", "retry_attempt": retry_attempt,
        "payload": {"type": "event_callback", "team_id": "T1", "event": event}})
}

async fn hello(socket: &mut Socket) {
    send(socket, json!({"type": "hello", "num_connections": 1})).await;
}

/// Reads acknowledgements until the one for `envelope_id`; returns it.
async fn ack_for(socket: &mut Socket, envelope_id: &str) -> Value {
    loop {
        let ack = next_json(socket).await;
        if ack["envelope_id"] == envelope_id {
            return ack;
        }
    }
}

/// Reads until the peer's Close frame or the end of the stream; panics after 5 s.
async fn closed_by_client(socket: &mut Socket) -> bool {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(_))) => return true,
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => return false,
            }
        }
    })
    .await
    .expect("the client lets the connection go within 5 s")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_over_socket_mode_is_acknowledged_with_the_same_usage_as_over_http() {
    let rig = Rig::start(quiet()).await;
    let mut socket = rig.accept().await;
    hello(&mut socket).await;
    send(&mut socket, command("env-help", "help")).await;
    let ack = ack_for(&mut socket, "env-help").await;
    let usage =
        followup::slack::render::reply(&followup::service::Reply::Help, chrono::NaiveDate::MIN)
            .ephemeral();
    assert_eq!(ack["payload"], usage, "{ack}");
    assert!(common::app::reply_text(&ack["payload"]).contains("/followup add Jane Doe"));
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_pinged_then_replaced_and_commands_on_the_new_one_are_answered() {
    let rig = Rig::start(SocketOptions {
        ping_every: Duration::from_millis(200),
        silence_limit: Duration::from_secs(1),
        ..quiet()
    })
    .await;
    let mut first = rig.accept().await;
    hello(&mut first).await;

    // The client pings on its own.
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match first.next().await {
                Some(Ok(Message::Ping(_))) => return,
                Some(Ok(_)) => continue,
                other => panic!("the connection ended before a ping: {other:?}"),
            }
        }
    })
    .await
    .expect("a ping from the client within 5 s");

    // From here on `first` stays open and silent: no pong, no close. The client gives up on it.
    let mut second = rig.accept().await;
    assert_eq!(rig.slack.count("apps.connections.open"), 2);
    hello(&mut second).await;
    send(
        &mut second,
        command("env-after", "add Jane Doe company:Acme"),
    )
    .await;
    let ack = ack_for(&mut second, "env-after").await;
    assert!(
        common::app::reply_text(&ack["payload"]).contains("Added *Jane Doe* · Acme"),
        "{ack}"
    );
    drop(first);
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_connections_are_retried_after_doubling_waits_up_to_the_cap() {
    // The URL Slack hands out hangs up on every connection before the WebSocket handshake. (The
    // port stays bound: a freed port could be taken by another test's listener.)
    let refusing = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused_url = format!("ws://{}/link/", refusing.local_addr().unwrap());
    let hanging_up = tokio::spawn(async move {
        while let Ok((tcp, _)) = refusing.accept().await {
            drop(tcp);
        }
    });
    let options = SocketOptions {
        backoff_base: Duration::from_millis(50),
        backoff_max: Duration::from_millis(1600),
        ..quiet()
    };
    let rig = Rig::start_at(Some(options), Some(refused_url)).await;

    let calls = rig
        .slack
        .wait_for("apps.connections.open", 8, Duration::from_secs(30))
        .await;
    let gaps: Vec<Duration> = calls
        .windows(2)
        .map(|pair| pair[1].received_at - pair[0].received_at)
        .collect();
    // Equal jitter: the n-th wait lies between half and all of min(50 ms · 2^n, 1600 ms).
    let ceilings = [50u64, 100, 200, 400, 800, 1600, 1600];
    for (gap, ceiling) in gaps.iter().zip(ceilings) {
        assert!(
            *gap >= Duration::from_millis(ceiling / 2),
            "waits {gaps:?}: one is under half its ceiling {ceiling} ms"
        );
    }
    assert!(
        gaps[0] < Duration::from_millis(800),
        "the first retry comes quickly: {gaps:?}"
    );
    assert!(
        gaps[6] < Duration::from_millis(1600 + 2000),
        "the waits stop growing at the cap: {gaps:?}"
    );
    hanging_up.abort();
    rig.finish().await;
}

#[test]
fn backoff_waits_are_jittered_never_shrink_stop_at_the_cap_and_reset() {
    let base = Duration::from_millis(100);
    let max = Duration::from_secs(1);
    let firsts: Vec<Duration> = (0..200)
        .map(|_| Backoff::new(base, max).next_wait())
        .collect();
    assert!(
        firsts.iter().all(|w| *w >= base / 2 && *w <= base),
        "{firsts:?}"
    );
    assert!(
        firsts.iter().any(|w| *w != firsts[0]),
        "jittered, not all the same: {firsts:?}"
    );

    let mut backoff = Backoff::new(base, max);
    let waits: Vec<Duration> = (0..8).map(|_| backoff.next_wait()).collect();
    // Ceilings 100, 200, 400, 800 ms, then the 1 s cap: each wait is at least the last ceiling.
    assert!(waits[..4].windows(2).all(|w| w[1] >= w[0]), "{waits:?}");
    assert!(waits[3] >= Duration::from_millis(400), "{waits:?}");
    assert!(
        waits[4..].iter().all(|w| *w >= max / 2 && *w <= max),
        "{waits:?}"
    );
    backoff.reset();
    assert!(backoff.next_wait() <= base);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ack_for_a_command_still_being_handled_when_the_connection_drops_goes_out_on_the_next_one(
) {
    let rig = Rig::start(quiet()).await;
    let mut first = rig.accept().await;
    hello(&mut first).await;
    // Another connection holds SQLite's write lock: the command waits for it (busy timeout).
    let mut blocker = sqlx::SqliteConnection::connect(&rig.db.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut blocker)
        .await
        .unwrap();
    send(&mut first, command("env-slow", "add Jane Doe company:Acme")).await;
    // Slack closes the connection while the command is still being handled.
    first.close(None).await.unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(_)) = first.next().await {}
    })
    .await;

    let mut second = rig.accept().await;
    hello(&mut second).await;
    assert!(
        tokio::time::timeout(Duration::from_millis(300), next_json(&mut second))
            .await
            .is_err(),
        "the command is still waiting for the database"
    );
    sqlx::query("COMMIT").execute(&mut blocker).await.unwrap();
    let ack = tokio::time::timeout(Duration::from_secs(15), ack_for(&mut second, "env-slow"))
        .await
        .expect("the acknowledgement arrives on the new connection");
    assert_eq!(ack["envelope_id"], "env-slow");
    blocker.close().await.unwrap();
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_request_opens_the_new_connection_before_the_old_one_is_closed() {
    let rig = Rig::start(quiet()).await;
    let mut first = rig.accept().await;
    hello(&mut first).await;
    send(
        &mut first,
        json!({"type": "disconnect", "reason": "refresh_requested"}),
    )
    .await;

    let mut second = rig.accept().await;
    assert_eq!(rig.slack.count("apps.connections.open"), 2);
    // Until Slack greets the new connection, the old one still carries commands and their answers.
    send(&mut first, command("env-old", "add Jane Doe company:Acme")).await;
    let ack = ack_for(&mut first, "env-old").await;
    assert!(
        common::app::reply_text(&ack["payload"]).contains("Added *Jane Doe*"),
        "{ack}"
    );

    hello(&mut second).await;
    assert!(
        closed_by_client(&mut first).await,
        "the old connection is closed with a Close frame once the new one is greeted"
    );
    send(&mut second, command("env-new", "list")).await;
    let ack = ack_for(&mut second, "env-new").await;
    assert!(
        common::app::reply_text(&ack["payload"]).contains("Your pipeline (1)"),
        "{ack}"
    );
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_turned_off_for_the_app_is_retried_only_after_the_longest_wait() {
    let rig = Rig::start(SocketOptions {
        backoff_max: Duration::from_secs(1),
        ..quiet()
    })
    .await;
    let mut first = rig.accept().await;
    hello(&mut first).await;
    send(
        &mut first,
        json!({"type": "disconnect", "reason": "link_disabled"}),
    )
    .await;
    assert!(
        closed_by_client(&mut first).await,
        "closed with a Close frame"
    );

    let mut second = rig.accept().await;
    let open = rig.slack.calls_to("apps.connections.open");
    assert_eq!(open.len(), 2);
    let gap = open[1].received_at - open[0].received_at;
    assert!(gap >= Duration::from_secs(1), "retried after {gap:?}");
    hello(&mut second).await;
    send(&mut second, command("env-back", "list")).await;
    ack_for(&mut second, "env-back").await;
    rig.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uninstall_whose_clean_up_failed_is_not_acknowledged_so_slack_delivers_it_again() {
    let rig = Rig::start(quiet()).await;
    let mut socket = rig.accept().await;
    hello(&mut socket).await;
    let mut admin = sqlx::SqliteConnection::connect(&rig.db.url).await.unwrap();
    sqlx::query("ALTER TABLE workspaces RENAME TO workspaces_away")
        .execute(&mut admin)
        .await
        .unwrap();

    let uninstalled = json!({"type": "app_uninstalled"});
    send(&mut socket, event("env-gone", uninstalled.clone(), 0)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    send(
        &mut socket,
        event(
            "env-home",
            json!({"type": "app_home_opened", "user": "U1"}),
            0,
        ),
    )
    .await;
    let mut seen = vec![next_json(&mut socket).await];
    while let Ok(ack) =
        tokio::time::timeout(Duration::from_millis(500), next_json(&mut socket)).await
    {
        seen.push(ack);
    }
    let ids: Vec<&Value> = seen.iter().map(|ack| &ack["envelope_id"]).collect();
    assert!(ids.contains(&&json!("env-home")), "{seen:?}");
    assert!(!ids.contains(&&json!("env-gone")), "{seen:?}");

    // Slack's redelivery, once storage is back, is handled and acknowledged.
    sqlx::query("ALTER TABLE workspaces_away RENAME TO workspaces")
        .execute(&mut admin)
        .await
        .unwrap();
    send(&mut socket, event("env-gone", uninstalled, 1)).await;
    ack_for(&mut socket, "env-gone").await;
    admin.close().await.unwrap();
    rig.finish().await;
}
