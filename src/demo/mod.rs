//! `followup demo`: the real server on its own SQLite file, with a stand-in for Slack on the same
//! port and a web page at `/demo` to be any of a sample team's reps. The page's actions reach the
//! app exactly as Slack's would (signed requests to `/slack/*`), and the app's Web API calls are
//! answered by the stand-in, so what the page shows is what Slack users get. Loopback only, and
//! never with real Slack credentials in the environment.

pub mod clock;
pub mod html;
pub mod interact;
pub mod mrkdwn;
pub mod screen;
pub mod seed;
pub mod standin;
pub mod team;
pub mod web;
pub mod wire;

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, NaiveTime, Utc};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::clock::{Clock, SystemClock};
use crate::digest::Digester;
use crate::slack::api::SlackApi;
use crate::slack::signature::SigningSecret;
use crate::store::{self, Store};

use self::clock::DemoClock;
use self::standin::StandIn;

/// The variables that would connect followup to a real Slack app.
pub const SLACK_CREDENTIALS: &[&str] = &[
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_APP_TOKEN",
];
pub const DEFAULT_DB: &str = "followup-demo.db";
pub const DEFAULT_PORT: u16 = 3000;
/// The morning digest time of the demo's reps until they set another.
pub const DIGEST_TIME: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// `followup demo`'s options.
#[derive(Debug, Clone)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    pub db: PathBuf,
    /// Start without the sample team.
    pub empty: bool,
}

/// Refuses demo mode when any Slack credential is set (`set`: the variables' names, an empty one
/// counting as unset): one line naming them.
pub fn refuse_real_credentials(set: &[&str]) -> anyhow::Result<()> {
    if set.is_empty() {
        return Ok(());
    }
    anyhow::bail!(
        "demo mode refuses to start while real Slack credentials are in the environment ({} set); \
         unset them to run the demo, or use `followup serve` to talk to Slack",
        set.join(", ")
    )
}

/// Listens on `127.0.0.1:port` and nowhere else: the demo has no signing secret worth keeping,
/// so it must not be reachable from another machine.
pub async fn listen(port: u16) -> anyhow::Result<TcpListener> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {addr}: {e} (is another demo running? pass --port)")
    })
}

/// 128 random bits as hex, from the standard library's per-process random hash keys.
fn random_hex() -> String {
    let half = || {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(0x5eed);
        h.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

fn clock_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(".clock");
    PathBuf::from(name)
}

/// Keeps the demo's time beside its database, so a restarted demo goes on from the same day.
pub fn save_clock(file: Option<&Path>, now: DateTime<Utc>) {
    if let Some(file) = file {
        if let Err(e) = std::fs::write(file, now.to_rfc3339()) {
            tracing::warn!(error = %e, file = %file.display(), "could not save the demo clock");
        }
    }
}

fn load_clock(file: &Path) -> Option<DateTime<Utc>> {
    let raw = std::fs::read_to_string(file).ok()?;
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn sqlite_url(db: &Path) -> anyhow::Result<String> {
    let path = db
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("--db {}: the path must be valid UTF-8", db.display()))?;
    if path.is_empty() || path.contains(['?', '#']) {
        anyhow::bail!("--db `{path}`: give a file name without `?` or `#`");
    }
    Ok(format!("sqlite://{path}"))
}

/// A demo serving on its listener.
pub struct RunningDemo {
    pub addr: SocketAddr,
    pub standin: Arc<StandIn>,
    pub clock: Arc<DemoClock>,
    pub store: Arc<dyn Store>,
    /// How many sample prospects were added at start (0 when the database had its team already).
    pub seeded: usize,
    clock_file: PathBuf,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    scheduler: JoinHandle<()>,
}

impl RunningDemo {
    /// `http://127.0.0.1:<port>/demo`.
    pub fn url(&self) -> String {
        format!("http://{}/demo", self.addr)
    }

    /// Finishes the requests in flight, stops the scheduler, and keeps the demo's time.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(true);
        let served = self.server.await;
        let _ = self.scheduler.await;
        save_clock(Some(&self.clock_file), self.clock.now());
        served
            .map_err(|e| anyhow::anyhow!("the demo server task failed: {e}"))?
            .map_err(|e| anyhow::anyhow!("the demo server failed: {e}"))
    }
}

/// Opens (or creates) the demo database, seeds it unless `empty`, and serves the app, the
/// stand-in and the page on `listener`.
pub async fn start(listener: TcpListener, options: &Options) -> anyhow::Result<RunningDemo> {
    let addr = listener.local_addr()?;
    let origin = format!("http://{addr}");
    let store = store::open(&sqlite_url(&options.db)?).await?;
    store.migrate().await?;

    let reps = store.all_reps().await?;
    if let Some(other) = reps.iter().find(|r| r.team_id != team::TEAM_ID) {
        anyhow::bail!(
            "{} holds data of workspace {}, not the demo's; the demo keeps its own database: pass --db with another file",
            options.db.display(),
            other.team_id
        );
    }
    let fresh = reps.is_empty();
    if options.empty && !fresh {
        anyhow::bail!(
            "--empty: {} already holds the demo team; delete {0}* to start blank, or pass --db with another file",
            options.db.display()
        );
    }
    let clock_file = clock_file(&options.db);
    let start_at = match load_clock(&clock_file).filter(|_| !fresh) {
        Some(saved) => saved,
        None => clock::demo_start(
            SystemClock.now().date_naive(),
            DIGEST_TIME,
            chrono_tz::Tz::UTC,
        ),
    };
    let demo_clock = Arc::new(DemoClock::new(start_at));
    let seeded = if fresh && !options.empty {
        seed::seed(store.clone(), start_at, DIGEST_TIME).await?
    } else {
        0
    };
    save_clock(Some(&clock_file), start_at);

    let app_clock: Arc<dyn Clock> = demo_clock.clone();
    let token = format!("xoxb-demo-{}", random_hex());
    let standin = Arc::new(StandIn::new(
        token.clone(),
        origin.clone(),
        app_clock.clone(),
    ));
    let slack = SlackApi::new(&standin.api_url(), Some(token.into()))?;
    let secret = SigningSecret::new(random_hex());
    let state = AppState::new(
        store.clone(),
        app_clock.clone(),
        slack,
        secret.clone(),
        DIGEST_TIME,
    );
    let digester = Arc::new(Digester::new(state.service.clone(), state.slack.clone(), 4));
    let wire = Arc::new(wire::Wire::new(origin, secret, app_clock.clone()));
    let demo = web::Demo {
        standin: standin.clone(),
        wire,
        digester: digester.clone(),
        clock: demo_clock.clone(),
        clock_file: Some(clock_file.clone()),
    };
    let router = crate::app::router(state).merge(web::router(demo));
    let (stop_tx, stop) = watch::channel(false);
    let scheduler = tokio::spawn(crate::scheduler::run(digester, app_clock, stop.clone()));
    let mut server_stop = stop;
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = server_stop.wait_for(|stopped| *stopped).await;
            })
            .await
    });
    Ok(RunningDemo {
        addr,
        standin,
        clock: demo_clock,
        store,
        seeded,
        clock_file,
        stop: stop_tx,
        server,
        scheduler,
    })
}

/// `followup demo`: refuses real credentials, then serves on loopback until Ctrl-C or SIGTERM.
/// Of `config` it reads only which Slack credentials are set and the log format.
pub async fn run(options: Options, config: &crate::config::Config) -> anyhow::Result<()> {
    refuse_real_credentials(&config.slack_credentials_set())?;
    crate::config::init_logging(config.log_format);
    let listener = listen(options.port).await?;
    let demo = start(listener, &options).await?;
    let url = demo.url();
    let seeded = if demo.seeded > 0 {
        format!(
            "a sample team of {} reps with {} prospects",
            team::USERS.len(),
            demo.seeded
        )
    } else {
        "the team as it was left".to_string()
    };
    let rule = "=".repeat(78);
    eprintln!(
        "{rule}\n  followup DEMO MODE: not connected to Slack. A stand-in for Slack runs in this process.\n  Open {url}\n  Listening on {} only. Data: {} ({seeded}). Ctrl-C stops.\n{rule}",
        demo.addr,
        options.db.display(),
    );
    tracing::warn!(%url, db = %options.db.display(), "DEMO MODE: no Slack workspace; the page at /demo stands in for Slack");
    crate::app::shutdown_signal().await;
    tracing::info!("stopping the demo");
    demo.stop().await
}
