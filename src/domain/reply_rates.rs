//! Which steps and message variants of a cadence earn replies, and whether a difference between
//! them is more than chance.
//!
//! **The rule.** A done touch of a cadence step *earns a reply* when the prospect replied at or
//! after the moment the touch was done and within the step's window: as many days as the cadence
//! planned between this step and the next step of the same enrolment (the next touch's
//! `original_due_on` minus this one's, at least one day), or [`LAST_STEP_WINDOW_DAYS`] after the
//! last step. A step's reply rate is the touches that earned a reply over the touches done.
//! Next steps a rep set by hand (`/followup next`) are not cadence steps and are not counted.
//!
//! **The test.** Two rates are compared with the two-proportion z-test (pooled): the difference
//! is called real at 95 % when |z| ≥ 1.96, and only when every expected count (replies and
//! silences, in each group, at the pooled rate) is at least 5 — below that the normal
//! approximation does not hold and the answer is "not enough data yet".

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The window after the last step of a cadence, which has no next step to end it.
pub const LAST_STEP_WINDOW_DAYS: i64 = 7;
/// The two-sided 95 % critical value of the standard normal distribution.
pub const Z_95: f64 = 1.959_963_984_540_054;
/// The fewest expected replies (and silences) in each group for the z-test to be trusted.
pub const MIN_EXPECTED: f64 = 5.0;
/// The fewest touches a step needs to be named best or worst in the Monday summary.
pub const MIN_TOUCHES_TO_RANK: usize = 10;

/// One done touch of a cadence step, with what the reply rule needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneTouch {
    /// The rep whose touch it was.
    pub user_id: String,
    pub cadence: String,
    /// 0-based, as stored.
    pub step_index: i64,
    /// `A`, `B`, … when the step had several message variants.
    pub variant: Option<String>,
    pub done_at: DateTime<Utc>,
    /// The touch's planned date (`original_due_on`).
    pub planned_on: NaiveDate,
    /// The next step's planned date in the same enrolment, if there is a next step.
    pub next_planned_on: Option<NaiveDate>,
    /// When the prospect replied, if it did.
    pub replied_at: Option<DateTime<Utc>>,
}

impl DoneTouch {
    /// How long after the touch a reply counts for it.
    pub fn window(&self) -> Duration {
        match self.next_planned_on {
            Some(next) => Duration::days((next - self.planned_on).num_days().max(1)),
            None => Duration::days(LAST_STEP_WINDOW_DAYS),
        }
    }

    /// Whether the prospect's reply came within this touch's window.
    pub fn earned_reply(&self) -> bool {
        self.replied_at
            .is_some_and(|at| at >= self.done_at && at < self.done_at + self.window())
    }
}

/// Touches done, and how many of them earned a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub touches: usize,
    pub replies: usize,
}

impl Tally {
    pub fn rate(&self) -> f64 {
        if self.touches == 0 {
            0.0
        } else {
            self.replies as f64 / self.touches as f64
        }
    }

    /// `18 %`.
    pub fn percent(&self) -> String {
        format!("{:.0} %", self.rate() * 100.0)
    }
}

/// One step of one cadence: all its touches, and each message variant's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRates {
    pub cadence: String,
    /// 1-based, as reps count steps.
    pub step: usize,
    pub all: Tally,
    /// By variant letter; empty when the step had one message.
    pub variants: BTreeMap<String, Tally>,
}

impl StepRates {
    /// `proposal step 4`.
    pub fn label(&self) -> String {
        format!("{} step {}", self.cadence, self.step)
    }
}

/// Tallies done touches by cadence and step (and variant), in cadence and step order.
pub fn by_step(touches: &[DoneTouch]) -> Vec<StepRates> {
    let mut steps: BTreeMap<(String, i64), StepRates> = BTreeMap::new();
    for t in touches.iter().filter(|t| t.step_index >= 0) {
        let entry = steps
            .entry((t.cadence.clone(), t.step_index))
            .or_insert_with(|| StepRates {
                cadence: t.cadence.clone(),
                step: usize::try_from(t.step_index).unwrap_or(0) + 1,
                all: Tally::default(),
                variants: BTreeMap::new(),
            });
        let replied = usize::from(t.earned_reply());
        entry.all.touches += 1;
        entry.all.replies += replied;
        if let Some(v) = &t.variant {
            let tally = entry.variants.entry(v.clone()).or_default();
            tally.touches += 1;
            tally.replies += replied;
        }
    }
    steps.into_values().collect()
}

/// The pooled two-proportion z statistic of `a` against `b`; `None` when some expected count is
/// under [`MIN_EXPECTED`] (too few touches, or replies too rare or too common to tell).
pub fn two_proportion_z(a: Tally, b: Tally) -> Option<f64> {
    let (n1, n2) = (a.touches as f64, b.touches as f64);
    if a.touches == 0 || b.touches == 0 {
        return None;
    }
    let pooled = (a.replies + b.replies) as f64 / (n1 + n2);
    let expected = [
        n1 * pooled,
        n1 * (1.0 - pooled),
        n2 * pooled,
        n2 * (1.0 - pooled),
    ];
    if expected.iter().any(|e| *e < MIN_EXPECTED) {
        return None;
    }
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    Some((a.rate() - b.rate()) / se)
}

/// Whether `a` and `b` differ by more than chance at 95 %.
pub fn differs(a: Tally, b: Tally) -> bool {
    two_proportion_z(a, b).is_some_and(|z| z.abs() >= Z_95)
}

/// The highest and the lowest of `items` by rate (more touches first among equals).
fn extremes<K: Clone>(items: &[(K, Tally)]) -> Option<((K, Tally), (K, Tally))> {
    let key = |t: &Tally| (t.rate(), t.touches);
    let best = items.iter().max_by(|a, b| {
        key(&a.1)
            .partial_cmp(&key(&b.1))
            .unwrap_or(std::cmp::Ordering::Equal)
    })?;
    let worst = items.iter().min_by(|a, b| {
        (a.1.rate(), std::cmp::Reverse(a.1.touches))
            .partial_cmp(&(b.1.rate(), std::cmp::Reverse(b.1.touches)))
            .unwrap_or(std::cmp::Ordering::Equal)
    })?;
    Some((best.clone(), worst.clone()))
}

/// The plain-words verdict on a step's variants — the best against the worst — when the
/// difference is not chance at 95 %: "Step 3's variant B earns more replies than A (18 % vs 7 %,
/// 120 and 115 touches)". `None`: not enough data yet (or one variant only).
pub fn variant_verdict(step: &StepRates) -> Option<String> {
    let variants: Vec<(String, Tally)> =
        step.variants.iter().map(|(k, t)| (k.clone(), *t)).collect();
    if variants.len() < 2 {
        return None;
    }
    let ((best, b), (worst, w)) = extremes(&variants)?;
    (best != worst && differs(b, w)).then(|| {
        format!(
            "Step {}'s variant {best} earns more replies than {worst} ({} vs {}, {} and {} touches)",
            step.step,
            b.percent(),
            w.percent(),
            b.touches,
            w.touches
        )
    })
}

/// The plain-words verdict on one cadence's steps — the best against the worst — when the
/// difference is not chance at 95 %: "In proposal, step 2 earns more replies than step 5 (…)".
pub fn step_verdict(cadence: &str, steps: &[&StepRates]) -> Option<String> {
    let items: Vec<(usize, Tally)> = steps.iter().map(|s| (s.step, s.all)).collect();
    if items.len() < 2 {
        return None;
    }
    let ((best, b), (worst, w)) = extremes(&items)?;
    (best != worst && differs(b, w)).then(|| {
        format!(
            "In {cadence}, step {best} earns more replies than step {worst} ({} vs {}, {} and {} touches)",
            b.percent(),
            w.percent(),
            b.touches,
            w.touches
        )
    })
}

/// The best and the worst step by reply rate, among steps with at least
/// [`MIN_TOUCHES_TO_RANK`] touches; `None` unless two such steps differ.
pub fn best_and_worst(steps: &[StepRates]) -> Option<(&StepRates, &StepRates)> {
    let ranked: Vec<(usize, Tally)> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.all.touches >= MIN_TOUCHES_TO_RANK)
        .map(|(i, s)| (i, s.all))
        .collect();
    let ((best, b), (worst, w)) = extremes(&ranked)?;
    (best != worst && b.rate() > w.rate()).then(|| (&steps[best], &steps[worst]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(replies: usize, touches: usize) -> Tally {
        Tally { touches, replies }
    }

    #[test]
    fn the_z_statistic_matches_the_textbook_pooled_test() {
        // By hand (and Python): p = 30/235, se = sqrt(p(1-p)(1/120 + 1/115)), z = 2.6125.
        let z = two_proportion_z(tally(22, 120), tally(8, 115)).unwrap();
        assert!((z - 2.612_501_1).abs() < 1e-6, "{z}");
        let z = two_proportion_z(tally(12, 100), tally(8, 100)).unwrap();
        assert!((z - 0.942_809_0).abs() < 1e-6, "{z}");
        let z = two_proportion_z(tally(15, 100), tally(30, 100)).unwrap();
        assert!((z + 2.540_002_5).abs() < 1e-6, "{z}");
        assert!(differs(tally(22, 120), tally(8, 115)));
        assert!(!differs(tally(12, 100), tally(8, 100)));
    }

    #[test]
    fn too_few_expected_replies_is_not_enough_data() {
        assert_eq!(two_proportion_z(tally(3, 10), tally(0, 10)), None);
        assert_eq!(two_proportion_z(tally(0, 0), tally(5, 50)), None);
        assert!(
            !differs(tally(4, 8), tally(0, 8)),
            "50 % vs 0 % on 8 touches each is not evidence"
        );
    }

    fn touch(step: i64, variant: &str, replied_after_hours: Option<i64>) -> DoneTouch {
        let done_at = DateTime::parse_from_rfc3339("2026-11-02T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let planned = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        DoneTouch {
            user_id: "U".into(),
            cadence: "proposal".into(),
            step_index: step,
            variant: (!variant.is_empty()).then(|| variant.to_string()),
            done_at,
            planned_on: planned,
            next_planned_on: (step < 5).then(|| planned + Duration::days(4)),
            replied_at: replied_after_hours.map(|h| done_at + Duration::hours(h)),
        }
    }

    #[test]
    fn a_reply_counts_for_a_touch_only_inside_the_steps_window() {
        assert!(touch(0, "", Some(0)).earned_reply());
        assert!(
            touch(0, "", Some(95)).earned_reply(),
            "within the 4 days to the next step"
        );
        assert!(
            !touch(0, "", Some(96)).earned_reply(),
            "the next step's window"
        );
        assert!(
            !touch(0, "", Some(-1)).earned_reply(),
            "a reply before the touch"
        );
        assert!(
            touch(5, "", Some(7 * 24 - 1)).earned_reply(),
            "the last step: 7 days"
        );
        assert!(!touch(5, "", Some(7 * 24)).earned_reply());
        assert!(!touch(0, "", None).earned_reply());
    }

    #[test]
    fn verdicts_are_given_in_plain_words_only_when_significant() {
        let mut touches = Vec::new();
        for (variant, replies, n) in [("A", 8, 115), ("B", 22, 120)] {
            for i in 0..n {
                touches.push(touch(2, variant, (i < replies).then_some(1)));
            }
        }
        let steps = by_step(&touches);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].all, tally(30, 235));
        assert_eq!(
            variant_verdict(&steps[0]).as_deref(),
            Some("Step 3's variant B earns more replies than A (18 % vs 7 %, 120 and 115 touches)")
        );
        let close: Vec<DoneTouch> = (0..200)
            .map(|i| {
                touch(
                    2,
                    if i % 2 == 0 { "A" } else { "B" },
                    (i % 10 < 2).then_some(1),
                )
            })
            .collect();
        assert_eq!(variant_verdict(&by_step(&close)[0]), None);
    }

    #[test]
    fn the_best_and_worst_steps_need_ten_touches_each() {
        let mut touches: Vec<DoneTouch> = (0..10)
            .map(|i| touch(0, "", (i < 5).then_some(1)))
            .collect();
        touches.extend((0..10).map(|i| touch(1, "", (i < 1).then_some(1))));
        touches.extend((0..9).map(|_| touch(2, "", Some(1))));
        let steps = by_step(&touches);
        let (best, worst) = best_and_worst(&steps).unwrap();
        assert_eq!(
            (best.label(), worst.label()),
            ("proposal step 1".into(), "proposal step 2".into())
        );
        assert_eq!(best_and_worst(&steps[..1]), None);
        let all: Vec<&StepRates> = steps.iter().collect();
        assert_eq!(
            step_verdict("proposal", &all),
            None,
            "10 touches a step is not enough to tell"
        );
    }
}
