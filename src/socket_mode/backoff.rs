//! How long to wait before the next connection attempt: doubling from a base to a cap, with
//! equal jitter (half the doubled wait, plus a random part of the other half), so many
//! instances that lost Slack together do not come back in step.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// Waits between failed connection attempts; [`Backoff::reset`] after a connection Slack greeted.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Backoff {
        Backoff {
            base,
            max: max.max(base),
            failures: 0,
        }
    }

    /// The wait after one more failure: between half and all of `base · 2^failures`, capped at
    /// `max`. Below the cap each wait is at least the previous one's ceiling, so they never shrink
    /// while they double; at the cap they stay between `max / 2` and `max`.
    pub fn next_wait(&mut self) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << self.failures.min(20))
            .min(self.max);
        self.failures = self.failures.saturating_add(1);
        let half = ceiling / 2;
        half + random_up_to(ceiling - half)
    }

    /// The longest wait, for when Slack says the app may not connect at all.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// Makes every wait from now on a capped one, until the next reset.
    pub fn hold_at_max(&mut self) {
        self.failures = self.failures.max(20);
    }

    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// A uniformly spread duration in `0..=limit`. std's `RandomState` is seeded from the operating
/// system and keyed afresh on each use, which is random enough for jitter and needs no new crate.
fn random_up_to(limit: Duration) -> Duration {
    let nanos = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(nanos);
    Duration::from_nanos(hasher.finish() % nanos.saturating_add(1))
}
