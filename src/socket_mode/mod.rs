//! Socket Mode: with `SLACK_APP_TOKEN` the bot connects out to Slack over a WebSocket and needs no
//! public URL. Every envelope goes to the same `answer` functions as the HTTP routes, and the
//! answer rides back in the acknowledgement.
//!
//! Written on tokio-tungstenite, not slack-morphism's listener: as of 2.31.1 the listener still
//! hands callbacks typed events only, never the raw payload (its interaction enum has no fallback
//! for new kinds; an events body missing a field it requires fails the whole envelope), and it
//! acknowledges on the connection that got the envelope, so no ack survives a reconnect.
//!
//! The runner owns the acknowledgement queue and at most a few connections ([`link`]): each pings
//! Slack and is dropped after a silence; a refresh opens the new connection before the old one
//! closes; failures are retried with jittered, doubling waits ([`Backoff`]).

mod backoff;
mod envelope;
mod link;

use std::collections::VecDeque;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

pub use backoff::Backoff;
use link::{End, Event, Link, Shared};

use crate::app::AppState;

/// Timings of the Socket Mode connection; [`SocketOptions::default`] is what production uses.
#[derive(Debug, Clone)]
pub struct SocketOptions {
    /// How often the client pings Slack.
    pub ping_every: Duration,
    /// A connection that brings no frame at all (pongs included) for this long is taken as dead.
    pub silence_limit: Duration,
    /// The first wait after a failed connection; it doubles with each failure after that.
    pub backoff_base: Duration,
    /// The longest wait, also kept when Slack says Socket Mode is off for the app.
    pub backoff_max: Duration,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions {
            ping_every: Duration::from_secs(10),
            silence_limit: Duration::from_secs(30),
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// Acknowledgements kept for a connection to come; Slack has long given up on older ones.
const MAX_PENDING_ACKS: usize = 1024;

/// Keeps a Socket Mode connection open until `stop` turns true, with the production timings.
pub async fn run(state: AppState, app_token: impl Into<SecretString>, stop: watch::Receiver<bool>) {
    run_with(state, app_token, stop, SocketOptions::default()).await
}

/// Keeps a Socket Mode connection open until `stop` turns true, reconnecting when Slack asks,
/// when the connection drops or falls silent, and after failures (waiting longer each time).
pub async fn run_with(
    state: AppState,
    app_token: impl Into<SecretString>,
    mut stop: watch::Receiver<bool>,
    options: SocketOptions,
) {
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let (acks_tx, mut acks) = mpsc::unbounded_channel();
    let mut runner = Runner {
        backoff: Backoff::new(options.backoff_base, options.backoff_max),
        shared: Shared {
            state,
            app_token: app_token.into(),
            options,
            events: events_tx,
            acks: acks_tx,
        },
        links: Vec::new(),
        active: None,
        pending: VecDeque::new(),
        opened: 0,
        reconnect_at: Some(Instant::now()),
    };
    loop {
        if *stop.borrow() {
            break;
        }
        let reconnect_at = runner.reconnect_at;
        // Biased: a connection's hello is always taken before the acknowledgements of the
        // envelopes that came after it, so those go out on the newest connection.
        tokio::select! {
            biased;
            changed = stop.changed() => if changed.is_err() { break },
            Some(event) = events.recv() => runner.on_event(event),
            Some(ack) = acks.recv() => runner.deliver(ack),
            _ = sleep_until(reconnect_at), if reconnect_at.is_some() => {
                runner.reconnect_at = None;
                runner.open();
            }
        }
    }
    runner.close_all(&mut events).await;
}

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

struct LinkState {
    link: Link,
    /// Slack announced this connection's end; a newer one replaces it.
    retiring: bool,
}

struct Runner {
    shared: Shared,
    backoff: Backoff,
    links: Vec<LinkState>,
    /// The connection acknowledgements go to: the newest one Slack greeted.
    active: Option<u64>,
    /// Acknowledgements waiting for a greeted connection.
    pending: VecDeque<Value>,
    opened: u64,
    reconnect_at: Option<Instant>,
}

impl Runner {
    fn open(&mut self) {
        self.opened += 1;
        let link = link::open(self.opened, self.shared.clone());
        self.links.push(LinkState {
            link,
            retiring: false,
        });
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Hello { link } => self.greeted(link),
            Event::Disconnect { link, reason } => self.disconnect_announced(link, &reason),
            Event::Ended { link, end, unsent } => self.ended(link, end, unsent),
        }
    }

    /// The greeted connection takes over: it gets the waiting acknowledgements, older ones close.
    fn greeted(&mut self, link: u64) {
        if !self.links.iter().any(|l| l.link.id == link) {
            return; // already let go
        }
        self.backoff.reset();
        self.active = Some(link);
        // Dropping the others' senders closes them; what they had not written comes back.
        self.links.retain(|l| l.link.id == link);
        let waiting: Vec<Value> = self.pending.drain(..).collect();
        for ack in waiting {
            self.deliver(ack);
        }
    }

    fn disconnect_announced(&mut self, link: u64, reason: &str) {
        if reason == "link_disabled" {
            let wait = self.backoff.max();
            self.backoff.hold_at_max();
            tracing::error!(
                retry_in_s = wait.as_secs(),
                "Slack disabled Socket Mode for this app (disconnect: link_disabled); no commands \
                 arrive until Socket Mode is turned on again in the app's settings"
            );
            self.links.retain(|l| l.link.id != link);
            if self.active == Some(link) {
                self.active = None;
            }
            if !self.has_successor() {
                self.reconnect_at = Some(Instant::now() + wait);
            }
            return;
        }
        tracing::info!(
            reason,
            "Slack will close this Socket Mode connection; opening the next one first"
        );
        if let Some(state) = self.links.iter_mut().find(|l| l.link.id == link) {
            state.retiring = true;
        }
        if !self.has_successor() && self.reconnect_at.is_none() {
            self.open();
        }
    }

    fn ended(&mut self, link: u64, end: End, unsent: Vec<Value>) {
        for ack in unsent.into_iter().rev() {
            self.pending.push_front(ack);
        }
        let ours = self.links.iter().any(|l| l.link.id == link);
        self.links.retain(|l| l.link.id != link);
        if self.active == Some(link) {
            self.active = None;
        }
        let retry_in = if ours && !self.has_successor() && self.reconnect_at.is_none() {
            let wait = self.backoff.next_wait();
            self.reconnect_at = Some(Instant::now() + wait);
            Some(wait.as_millis() as u64)
        } else {
            None
        };
        match end {
            End::ClosedByUs => tracing::debug!(link, "Socket Mode connection closed"),
            End::ClosedBySlack(frame) => {
                let (code, reason) = link::describe(&frame);
                tracing::info!(
                    link,
                    code,
                    reason,
                    retry_in_ms = retry_in,
                    "Slack closed the Socket Mode connection"
                );
            }
            End::Dropped => tracing::warn!(
                link,
                retry_in_ms = retry_in,
                "Socket Mode connection dropped without a close frame"
            ),
            End::Silent(limit) => tracing::warn!(
                link,
                silent_ms = limit.as_millis() as u64,
                retry_in_ms = retry_in,
                "nothing heard from Slack over Socket Mode; taking the connection as dead"
            ),
            End::Failed(e) => tracing::warn!(
                link,
                error = format!("{e:#}"),
                retry_in_ms = retry_in,
                "Socket Mode connection failed"
            ),
        }
    }

    /// Whether a connection is open or opening that Slack has not asked to replace.
    fn has_successor(&self) -> bool {
        self.links.iter().any(|l| !l.retiring)
    }

    /// Hands an acknowledgement to the greeted connection, or keeps it for the next one.
    fn deliver(&mut self, ack: Value) {
        let active = self
            .active
            .and_then(|id| self.links.iter().find(|l| l.link.id == id));
        let ack = match active {
            Some(state) => match state.link.outgoing.send(ack) {
                Ok(()) => return,
                Err(mpsc::error::SendError(ack)) => ack,
            },
            None => ack,
        };
        if self.pending.len() >= MAX_PENDING_ACKS {
            self.pending.pop_front();
            tracing::warn!("Socket Mode: too many acknowledgements waiting; dropped the oldest");
        }
        self.pending.push_back(ack);
    }

    /// Closes every connection and waits (briefly) for them to say goodbye.
    async fn close_all(mut self, events: &mut mpsc::UnboundedReceiver<Event>) {
        let mut open: Vec<u64> = self.links.drain(..).map(|l| l.link.id).collect();
        let deadline = Instant::now() + Duration::from_secs(2);
        while !open.is_empty() {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Some(Event::Ended { link, .. })) => open.retain(|id| *id != link),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
    }
}
