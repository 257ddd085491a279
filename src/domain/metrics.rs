//! The numbers of DOMAIN.md, computed from each prospect's recorded history.

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
}

/// Which prospects count: those created in the last N days, or all.
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
    pub prospects: usize,
    pub response_by_touch: Vec<TouchResponse>,
    /// Prospects that reached a second touch: the first did not settle it.
    pub needed_follow_up: usize,
    pub won_after_follow_up: usize,
    pub won: usize,
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

/// A follow-up is any touch after the first, so the second follow-up is touch 3.
pub const RECOVERED_FROM_TOUCH: i64 = 3;

pub fn compute(history: &[History], window: Window, now: DateTime<Utc>) -> Metrics {
    let rows: Vec<&History> = history
        .iter()
        .filter(|h| window.includes(h.created_at, now))
        .collect();
    let mut m = Metrics {
        prospects: rows.len(),
        ..Metrics::default()
    };
    let deepest = rows.iter().map(|h| h.touches_done).max().unwrap_or(0);
    m.response_by_touch = (1..=deepest)
        .map(|n| TouchResponse {
            touch: n,
            reached: rows.iter().filter(|h| h.touches_done >= n).count(),
            replied: rows
                .iter()
                .filter(|h| h.replied_after_touch == Some(n))
                .count(),
        })
        .collect();
    let won: Vec<&&History> = rows
        .iter()
        .filter(|h| h.status == ProspectStatus::Won)
        .collect();
    m.won = won.len();
    m.needed_follow_up = rows.iter().filter(|h| h.touches_done >= 2).count();
    m.won_after_follow_up = won.iter().filter(|h| h.touches_done >= 2).count();
    if !won.is_empty() {
        let total: i64 = won.iter().map(|h| h.touches_done).sum();
        m.avg_touches_to_close = Some(total as f64 / won.len() as f64);
    }
    let recovered: i64 = won
        .iter()
        .filter(|h| h.touches_done >= RECOVERED_FROM_TOUCH)
        .filter_map(|h| h.value.map(Money::cents))
        .sum();
    m.revenue_recovered = Money::from_cents(recovered).unwrap_or_default();
    let mut waits: Vec<i64> = rows
        .iter()
        .filter_map(|h| {
            h.first_touch_at
                .map(|t| (t - h.enrolled_at).num_minutes().max(0))
        })
        .collect();
    waits.sort_unstable();
    if !waits.is_empty() {
        let mid = waits.len() / 2;
        let median = if waits.len() % 2 == 0 {
            (waits[mid - 1] + waits[mid]) as f64 / 2.0
        } else {
            waits[mid] as f64
        };
        m.speed_to_lead_hours = Some(median / 60.0);
    }
    m.funnel = Funnel {
        inquiry: rows.len(),
        sales_ready: rows
            .iter()
            .filter(|h| {
                matches!(
                    h.stage,
                    Stage::SalesReady | Stage::Qualified | Stage::Proposal | Stage::Won
                )
            })
            .count(),
        qualified: rows
            .iter()
            .filter(|h| matches!(h.stage, Stage::Qualified | Stage::Proposal | Stage::Won))
            .count(),
        won: m.won,
    };
    m
}
