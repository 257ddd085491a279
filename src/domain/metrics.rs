//! The numbers of DOMAIN.md, computed from each prospect's recorded history.
//!
//! A window counts what *happened* in it, each event on its own date: a prospect added on
//! `created_at`, a touch on its `done_at`, a reply on `replied_at`, a win or loss on `closed_at`.
//! A deal won this week after three months of follow-up is this week's win, whenever the
//! prospect was added. Over a window:
//!
//! - **Response rate by touch**: for touch N, the replies to touch N made in the window, out of
//!   the prospects whose touch N was logged in the window (a reply in the window to a touch
//!   logged before it counts that touch too, so no rate exceeds 100%).
//! - **Conversion from follow-up**: deals won in the window after two touches or more, out of the
//!   prospects with two touches or more that were worked in the window (added, touched, replied,
//!   won or lost in it): of the deals we were following up, how many we won.
//! - **Average touches to close**: over the deals won in the window.
//! - **Won** and **revenue recovered**: the deals won in the window and their value; recovered is
//!   the value of those won at the third touch or later (after the second follow-up).
//! - **Speed to lead**: the median wait from enrolment to the first touch, over first touches
//!   logged in the window.
//! - **Funnel**: the prospects worked in the window, by how far each has got, ending with the
//!   deals won in it.
//!
//! `all` is a window holding everything, dated or not.

use chrono::{DateTime, Duration, Utc};

use super::prospect::{Money, ProspectStatus, Stage};

/// What the metrics need to know of one prospect.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub created_at: DateTime<Utc>,
    pub enrolled_at: DateTime<Utc>,
    pub status: ProspectStatus,
    pub stage: Stage,
    pub value: Option<Money>,
    pub touches_done: i64,
    pub first_touch_at: Option<DateTime<Utc>>,
    /// How many touches had been logged when the prospect replied.
    pub replied_after_touch: Option<i64>,
    /// When the prospect replied.
    pub replied_at: Option<DateTime<Utc>>,
    /// When the deal was won or lost.
    pub closed_at: Option<DateTime<Utc>>,
    /// When each logged touch was done, oldest first: the last is touch number `touches_done`.
    pub touches_at: Vec<DateTime<Utc>>,
    /// Every stage the deal was moved to (`edit stage:`, won, lost), so a lost deal still counts
    /// for how far it got.
    pub stages_reached: Vec<Stage>,
}

impl History {
    /// When touch number `n` (1-based) was logged, if it was and its date is known.
    fn touch_at(&self, n: i64) -> Option<DateTime<Utc>> {
        // Counted back from the latest, which is touch `touches_done`.
        let offset = self.touches_done - self.touches_at.len() as i64;
        usize::try_from(n - 1 - offset)
            .ok()
            .and_then(|i| self.touches_at.get(i).copied())
    }
}

/// Which events count: those of the last N days, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Days(i64),
    All,
}

impl Window {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" | "30d" | "30" => Some(Window::Days(30)),
            "90d" | "90" => Some(Window::Days(90)),
            "all" => Some(Window::All),
            other => other
                .strip_suffix('d')
                .and_then(|n| n.parse().ok())
                .filter(|n| (1..=3650).contains(n))
                .map(Window::Days),
        }
    }
    pub fn includes(self, at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        match self {
            Window::All => true,
            Window::Days(days) => at >= now - Duration::days(days),
        }
    }
    /// Whether an event that happened (at `at`, when known) falls in the window: in `all`,
    /// every event does, even one recorded before its date was kept.
    fn holds(self, at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        match self {
            Window::All => true,
            Window::Days(_) => at.is_some_and(|at| self.includes(at, now)),
        }
    }
}

/// Replies to the Nth touch, out of the prospects that got an Nth touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TouchResponse {
    pub touch: i64,
    pub reached: usize,
    pub replied: usize,
}

impl TouchResponse {
    pub fn rate(&self) -> f64 {
        ratio(self.replied, self.reached)
    }
}

/// How many prospects reached each step of the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Funnel {
    pub inquiry: usize,
    pub sales_ready: usize,
    pub qualified: usize,
    pub won: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metrics {
    /// Prospects worked in the window: added, touched, replied, won or lost in it.
    pub active: usize,
    /// Prospects added in the window.
    pub added: usize,
    /// Touches logged in the window.
    pub touches_logged: usize,
    /// Replies received in the window.
    pub replies: usize,
    pub response_by_touch: Vec<TouchResponse>,
    /// Prospects worked in the window that reached a second touch: the first did not settle it.
    pub needed_follow_up: usize,
    pub won_after_follow_up: usize,
    /// Deals won in the window.
    pub won: usize,
    /// The value of the deals won in the window.
    pub won_value: Money,
    pub avg_touches_to_close: Option<f64>,
    /// Value of deals won after the second follow-up (the third touch) or later.
    pub revenue_recovered: Money,
    /// Median hours from enrolment to the first logged touch.
    pub speed_to_lead_hours: Option<f64>,
    pub funnel: Funnel,
}

impl Metrics {
    pub fn conversion_from_follow_up(&self) -> f64 {
        ratio(self.won_after_follow_up, self.needed_follow_up)
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn total(values: impl Iterator<Item = Option<Money>>) -> Money {
    Money::from_cents(values.flatten().map(Money::cents).sum()).unwrap_or_default()
}

/// A follow-up is any touch after the first, so the second follow-up is touch 3.
pub const RECOVERED_FROM_TOUCH: i64 = 3;

pub fn compute(history: &[History], window: Window, now: DateTime<Utc>) -> Metrics {
    let in_window = |at: Option<DateTime<Utc>>| window.holds(at, now);
    let touched = |h: &History, n: i64| n <= h.touches_done && in_window(h.touch_at(n));
    let replied = |h: &History| h.replied_after_touch.is_some() && in_window(h.replied_at);
    let closed = |h: &History, status| h.status == status && in_window(h.closed_at);
    let touches_logged = |h: &History| (1..=h.touches_done).filter(|n| touched(h, *n)).count();

    let active: Vec<&History> = history
        .iter()
        .filter(|h| {
            in_window(Some(h.created_at))
                || touches_logged(h) > 0
                || replied(h)
                || closed(h, ProspectStatus::Won)
                || closed(h, ProspectStatus::Lost)
        })
        .collect();
    let won: Vec<&History> = active
        .iter()
        .copied()
        .filter(|h| closed(h, ProspectStatus::Won))
        .collect();
    let mut m = Metrics {
        active: active.len(),
        added: active
            .iter()
            .filter(|h| in_window(Some(h.created_at)))
            .count(),
        touches_logged: active.iter().map(|h| touches_logged(h)).sum(),
        replies: active.iter().filter(|h| replied(h)).count(),
        won: won.len(),
        won_value: total(won.iter().map(|h| h.value)),
        ..Metrics::default()
    };

    let deepest = active.iter().map(|h| h.touches_done).max().unwrap_or(0);
    m.response_by_touch = (1..=deepest)
        .map(|n| {
            let answered = |h: &&&History| replied(h) && h.replied_after_touch == Some(n);
            TouchResponse {
                touch: n,
                reached: active
                    .iter()
                    .filter(|h| touched(h, n) || answered(h))
                    .count(),
                replied: active.iter().filter(answered).count(),
            }
        })
        .filter(|r| r.reached > 0)
        .collect();

    m.needed_follow_up = active.iter().filter(|h| h.touches_done >= 2).count();
    m.won_after_follow_up = won.iter().filter(|h| h.touches_done >= 2).count();
    if !won.is_empty() {
        let touches: i64 = won.iter().map(|h| h.touches_done).sum();
        m.avg_touches_to_close = Some(touches as f64 / won.len() as f64);
    }
    m.revenue_recovered = total(
        won.iter()
            .filter(|h| h.touches_done >= RECOVERED_FROM_TOUCH)
            .map(|h| h.value),
    );
    m.speed_to_lead_hours = median_wait_hours(history, window, now);
    let reached = |stages: &[Stage]| {
        active
            .iter()
            .filter(|h| {
                stages.contains(&h.stage) || h.stages_reached.iter().any(|s| stages.contains(s))
            })
            .count()
    };
    m.funnel = Funnel {
        inquiry: active.len(),
        sales_ready: reached(&[
            Stage::SalesReady,
            Stage::Qualified,
            Stage::Proposal,
            Stage::Won,
        ]),
        qualified: reached(&[Stage::Qualified, Stage::Proposal, Stage::Won]),
        won: m.won,
    };
    m
}

/// The median wait from enrolment to a first touch logged in the window, in hours.
fn median_wait_hours(history: &[History], window: Window, now: DateTime<Utc>) -> Option<f64> {
    let mut waits: Vec<i64> = history
        .iter()
        .filter_map(|h| h.first_touch_at.map(|first| (first, h.enrolled_at)))
        .filter(|(first, _)| window.includes(*first, now))
        .map(|(first, enrolled)| (first - enrolled).num_minutes().max(0))
        .collect();
    waits.sort_unstable();
    let mid = waits.len() / 2;
    let median = match waits.len() {
        0 => return None,
        n if n % 2 == 0 => (waits[mid - 1] + waits[mid]) as f64 / 2.0,
        _ => waits[mid] as f64,
    };
    Some(median / 60.0)
}
