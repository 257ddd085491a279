//! One digest pass: every rep whose digest time has come, in the rep's own time zone, gets one
//! direct message for that local day, and only when something is due or overdue — or, on a
//! Monday, when the rep did anything last week: then last week's numbers come alone.
//!
//! Exactly once by construction: the (rep, local date) pair is claimed in the database before
//! sending, so two replicas or two overlapping passes never both send. A claim whose send did
//! not finish (a crash, Slack down) is taken over by a later pass once its lease runs out. The one
//! window left for a double send is between Slack accepting `chat.postMessage` and the claim being
//! marked sent — one local database write, milliseconds — and only if the process dies inside it.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use futures::stream::{self, StreamExt, TryStreamExt};
use futures::FutureExt;
use serde_json::{json, Value};

use crate::domain::digest::{
    latest_local_date, look_again_at, needs_tz_refresh, timing, weekly_numbers_since, Timing,
    CLAIM_LEASE_MINUTES, RETRY_AFTER_MINUTES,
};
use crate::domain::{RepRef, RepSettings, TzSource};
use crate::service::{Service, ServiceError};
use crate::slack::api::{ApiError, SlackApi};
use crate::slack::blocks::Message;
use crate::slack::render;
use crate::store::{Activity, DigestOutcome};

/// What a pass did.
#[derive(Debug, Default)]
pub struct PassReport {
    pub sent: Vec<RepRef>,
    pub failed: Vec<(RepRef, String)>,
    pub unreachable: Vec<RepRef>,
    /// Not yet their time, a weekend, nothing due, or already sent today.
    pub skipped: usize,
    /// With `dry_run`: each digest that would have been sent ([`Digester::run_pass`] only).
    pub previews: Vec<Preview>,
    /// With `dry_run`: how many digests were previewed.
    pub previewed: usize,
}

#[derive(Debug, Clone)]
pub struct Preview {
    pub rep: RepRef,
    pub local_date: NaiveDate,
    pub message: Message,
}

/// A preview as `--dry-run` prints it, borrowed rather than copied into a `Value` (fields in the
/// order a `json!` object has always printed them: by name).
#[derive(serde::Serialize)]
struct PreviewJson<'a> {
    blocks: &'a [crate::slack::blocks::Block],
    local_date: String,
    team_id: &'a str,
    text: &'a str,
    user_id: &'a str,
}

impl Preview {
    /// Writes [`Self::to_json`] on one line (no newline), without copying the blocks: a dry run
    /// prints one digest a line, for `jq` or `grep`, at half the bytes of pretty-printed JSON.
    pub fn write_json(&self, out: impl std::io::Write) -> serde_json::Result<()> {
        serde_json::to_writer(
            out,
            &PreviewJson {
                blocks: self.message.capped_slice(),
                local_date: self.local_date.to_string(),
                team_id: &self.rep.team_id,
                text: &self.message.text,
                user_id: &self.rep.user_id,
            },
        )
    }

    /// The digest's Block Kit, as `--dry-run` prints it.
    pub fn to_json(&self) -> Value {
        json!({
            "team_id": self.rep.team_id,
            "user_id": self.rep.user_id,
            "local_date": self.local_date.to_string(),
            "text": self.message.text,
            "blocks": self.message.capped(),
        })
    }
}

enum RepResult {
    Sent(RepRef),
    Failed(RepRef, String),
    Unreachable(RepRef),
    Skipped,
    Preview(Preview),
}

/// A rep's answer from a pass, and when a pass should next look at the rep.
type Served = (RepResult, Option<(RepRef, DateTime<Utc>)>);

/// How many reps' agendas are read together.
const AGENDA_CHUNK: usize = 25;

/// A rep before the agenda is read: decided already, or due (on that local date).
enum FirstStep {
    Done(RepResult, Option<Timing>),
    Due(NaiveDate, Timing),
}

/// A rep of a chunk, once the chunk's agendas are read.
enum Work {
    Done(RepSettings, RepResult, Option<Timing>),
    Serve(
        RepSettings,
        NaiveDate,
        Timing,
        crate::domain::due::DueReport,
    ),
}

pub struct Digester {
    pub service: Arc<Service>,
    pub slack: Arc<SlackApi>,
    /// How many reps are served at once.
    pub concurrency: usize,
    /// Where each workspace's weekly numbers go on Monday (`FOLLOWUP_TEAM_CHANNEL`).
    pub team_channel: Option<String>,
}

/// The pseudo-rep a workspace's weekly channel summary is claimed under.
const TEAM_SUMMARY: &str = "#team-summary";

/// Each workspace's main time zone: the one most of its reps are in (UTC when none has one yet;
/// a tie goes to the zone first in name order).
pub fn main_zones(counts: Vec<(String, Option<String>, i64)>) -> Vec<(String, chrono_tz::Tz)> {
    let mut best: std::collections::BTreeMap<String, (i64, Option<chrono_tz::Tz>)> =
        std::collections::BTreeMap::new();
    for (team, tz, reps) in counts {
        let entry = best.entry(team).or_insert((0, None));
        let Some(zone) = tz.and_then(|tz| tz.parse::<chrono_tz::Tz>().ok()) else {
            continue;
        };
        if reps > entry.0 {
            *entry = (reps, Some(zone));
        }
    }
    best.into_iter()
        .map(|(team, (_, zone))| (team, zone.unwrap_or(chrono_tz::UTC)))
        .collect()
}

impl Digester {
    pub fn new(service: Arc<Service>, slack: Arc<SlackApi>, concurrency: usize) -> Self {
        Self {
            service,
            slack,
            concurrency: concurrency.max(1),
            team_channel: None,
        }
    }

    /// Posts each workspace's weekly numbers to `channel` on Monday mornings.
    pub fn with_team_channel(mut self, channel: Option<String>) -> Self {
        self.team_channel = channel.filter(|c| !c.is_empty());
        self
    }

    /// On Monday, from the default digest time in the workspace's main time zone (the one most
    /// of its reps are in), once per workspace and week: last week's numbers by rep, posted to
    /// the channel its managers set (`/followup settings team-channel`), else to
    /// `FOLLOWUP_TEAM_CHANNEL`. Answers how many summaries were sent.
    pub async fn team_summaries(&self, now: DateTime<Utc>) -> Result<usize, ServiceError> {
        // Six days in seven no zone is on a Monday: nothing to read.
        if weekly_numbers_since(now).is_none() {
            return Ok(0);
        }
        let store = &self.service.store;
        let mut reps: Option<Vec<RepRef>> = None;
        let revoked: std::collections::HashSet<String> =
            store.revoked_workspaces().await?.into_iter().collect();
        let mut sent = 0;
        for (team, zone) in main_zones(store.team_zones().await?) {
            if revoked.contains(&team) {
                continue;
            }
            let local = now.with_timezone(&zone);
            let today = local.date_naive();
            if today.weekday() != chrono::Weekday::Mon || local.time() < self.service.default_digest
            {
                continue;
            }
            let Some(channel) = store
                .team_channel(&team)
                .await?
                .or_else(|| self.team_channel.clone())
            else {
                continue;
            };
            let claim = RepRef::new(team.clone(), TEAM_SUMMARY);
            if !store
                .claim_digest(
                    &claim,
                    today,
                    now,
                    now + Duration::minutes(CLAIM_LEASE_MINUTES),
                )
                .await?
            {
                continue;
            }
            let midnight = chrono::NaiveTime::MIN;
            let this_monday = crate::domain::schedule::local_instant(today, midnight, zone);
            let last_monday =
                crate::domain::schedule::local_instant(today - Duration::days(7), midnight, zone);
            let mut lines = Vec::new();
            if reps.is_none() {
                reps = Some(store.all_reps().await?);
            }
            for rep in reps.iter().flatten().filter(|r| r.team_id == team) {
                let a = store.activity(rep, last_monday, this_monday).await?;
                if a.any() {
                    lines.push((rep.user_id.clone(), a));
                }
            }
            let mut message = render::team_week(&lines);
            let past = store
                .done_touches(&team, None, Some(now - Duration::days(90)))
                .await?;
            crate::slack::render::stats::push_best_and_worst(
                &mut message,
                &crate::domain::reply_rates::by_step(&past),
            );
            let outcome = match self.slack.post_message(&team, &channel, &message).await {
                Ok(ts) => {
                    sent += 1;
                    DigestOutcome::Sent {
                        channel: channel.clone(),
                        ts,
                    }
                }
                Err(e) => {
                    if !e.is_token_dead() {
                        tracing::error!(error = %e, %team, "posting the team's weekly numbers failed");
                    }
                    DigestOutcome::Failed {
                        error: e.to_string(),
                        retry_at: now + Duration::minutes(RETRY_AFTER_MINUTES),
                    }
                }
            };
            store.finish_digest(&claim, today, &outcome, now).await?;
        }
        Ok(sent)
    }

    /// One pass as if the clock read `now`. With `dry_run` nothing is claimed or sent.
    pub async fn run_pass(
        &self,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<PassReport, ServiceError> {
        let mut previews = Vec::new();
        let mut report = self
            .run_pass_with(now, dry_run, |p| {
                previews.push(p);
                Ok::<(), ServiceError>(())
            })
            .await?;
        report.previews = previews;
        Ok(report)
    }

    /// [`Self::run_pass`], handing each preview to `each` as soon as it is ready, in the order of
    /// (team, user), instead of keeping them: a dry run over ten thousand reps then holds only
    /// the digests being built, not every one. `report.previews` stays empty.
    pub async fn run_pass_with<E: From<ServiceError>>(
        &self,
        now: DateTime<Utc>,
        dry_run: bool,
        mut each: impl FnMut(Preview) -> Result<(), E>,
    ) -> Result<PassReport, E> {
        let mut candidates = self
            .service
            .store
            .digest_candidates(latest_local_date(now), weekly_numbers_since(now), now)
            .await
            .map_err(ServiceError::from)?;
        let mut holidays: std::collections::HashMap<String, Vec<NaiveDate>> =
            std::collections::HashMap::new();
        for (team, day) in self
            .service
            .store
            .all_team_holidays()
            .await
            .map_err(ServiceError::from)?
        {
            holidays.entry(team).or_default().push(day);
        }
        for settings in &mut candidates {
            if let Some(days) = holidays.get(&settings.rep.team_id) {
                settings.holidays = days.clone();
            }
        }
        // Byte order, as the report has always been sorted (a database collation may differ).
        candidates.sort_by(|a, b| {
            (&a.rep.team_id, &a.rep.user_id).cmp(&(&b.rep.team_id, &b.rep.user_id))
        });
        // Reps are served a chunk at a time, each chunk its own task: its agendas are read in a
        // handful of queries for all of its reps, and decoding and rendering spread over the
        // runtime's workers. Up to four chunks are in flight, so some are read while others
        // render or send (four of 25 reps measured 9 % faster than two of 50 on Postgres, in
        // less memory); the pass's concurrency is shared out among them for sending.
        let chunks_at_once = self.concurrency.min(4);
        let sends_at_once = (self.concurrency / chunks_at_once).max(1);
        let mut chunks = Vec::new();
        let mut candidates = candidates.into_iter().peekable();
        while candidates.peek().is_some() {
            chunks.push(candidates.by_ref().take(AGENDA_CHUNK).collect::<Vec<_>>());
        }
        let serve = stream::iter(chunks).map(|chunk| {
            let digester = self.handle();
            tokio::spawn(async move {
                digester
                    .serve_chunk(chunk, now, dry_run, sends_at_once)
                    .await
            })
            .map(|joined| match joined {
                Ok(result) => result,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => Err(ServiceError(crate::store::StoreError::Database(Box::new(
                    e,
                )))),
            })
        });
        // Previews keep their order; sends finish in any order, so one slow chunk holds no one up.
        let mut results = if dry_run {
            serve.buffered(chunks_at_once).boxed()
        } else {
            serve.buffer_unordered(chunks_at_once).boxed()
        }
        .map_ok(|served| stream::iter(served.into_iter().map(Ok::<_, ServiceError>)))
        .try_flatten()
        .boxed();
        let mut report = PassReport::default();
        let mut look_again = Vec::new();
        let count = |outcome: &str| {
            crate::telemetry::DIGESTS
                .with_label_values(&[outcome])
                .inc()
        };
        while let Some(result) = results.next().await {
            let (result, again) = result?;
            if let Some(again) = again {
                look_again.push(again);
            }
            match result {
                RepResult::Sent(rep) => {
                    count("sent");
                    report.sent.push(rep)
                }
                RepResult::Failed(rep, why) => {
                    count("failed");
                    report.failed.push((rep, why))
                }
                RepResult::Unreachable(rep) => {
                    count("unreachable");
                    report.unreachable.push(rep)
                }
                RepResult::Skipped => {
                    count("skipped");
                    report.skipped += 1
                }
                RepResult::Preview(p) => {
                    report.previewed += 1;
                    each(p)?
                }
            }
        }
        drop(results);
        if !dry_run {
            // Reps looked at today are not read again before their next morning.
            self.service
                .store
                .set_digest_after(&look_again, now)
                .await
                .map_err(ServiceError::from)?;
            self.team_summaries(now).await?;
        }
        report
            .sent
            .sort_by(|a, b| (&a.team_id, &a.user_id).cmp(&(&b.team_id, &b.user_id)));
        Ok(report)
    }

    /// A copy sharing this digester's service and Slack client, for a spawned task.
    fn handle(&self) -> Digester {
        Digester {
            service: self.service.clone(),
            slack: self.slack.clone(),
            concurrency: self.concurrency,
            team_channel: self.team_channel.clone(),
        }
    }

    /// Serves a chunk of reps, in order: each rep's timing first, then one read of the agendas
    /// of those whose digest is due, then each digest, `sends_at_once` at a time. Each rep's
    /// answer says when a pass should next look at the rep (`None`: next pass).
    async fn serve_chunk(
        &self,
        chunk: Vec<RepSettings>,
        now: DateTime<Utc>,
        dry_run: bool,
        sends_at_once: usize,
    ) -> Result<Vec<Served>, ServiceError> {
        let mut chunk = chunk;
        // A first step may read the rep's zone from Slack: no more at once than sends.
        let mut steps = Vec::with_capacity(chunk.len());
        for group in chunk.chunks_mut(sends_at_once) {
            steps.extend(
                futures::future::try_join_all(
                    group
                        .iter_mut()
                        .map(|settings| self.first_step(settings, now, dry_run)),
                )
                .await?,
            );
        }
        let due: Vec<&RepSettings> = chunk
            .iter()
            .zip(&steps)
            .filter(|(_, step)| matches!(step, FirstStep::Due(..)))
            .map(|(settings, _)| settings)
            .collect();
        let mut agendas = self.service.agendas(&due, now).await?.into_iter();
        let mut work = Vec::with_capacity(chunk.len());
        for (settings, step) in chunk.into_iter().zip(steps) {
            work.push(match step {
                FirstStep::Done(result, timing) => Work::Done(settings, result, timing),
                FirstStep::Due(local_date, timing) => {
                    let agenda = agendas.next().ok_or_else(|| {
                        ServiceError(crate::store::StoreError::Corrupt(
                            "the chunk's agendas lost a rep".into(),
                        ))
                    })?;
                    Work::Serve(settings, local_date, timing, agenda)
                }
            });
        }
        let default = self.service.default_digest;
        let served = stream::iter(work).map(|work| async move {
            let (settings, result, timing) = match work {
                Work::Done(settings, result, timing) => (settings, result, timing),
                Work::Serve(settings, local_date, timing, agenda) => {
                    let (result, timing) = self
                        .serve_due(&settings, local_date, timing, agenda, now, dry_run)
                        .await?;
                    (settings, result, timing)
                }
            };
            // With the settings as served (the zone may just have been read from Slack).
            let again = match (&result, timing) {
                (RepResult::Sent(_) | RepResult::Skipped, Some(timing)) if !dry_run => Some((
                    settings.rep.clone(),
                    look_again_at(&settings, default, now, timing),
                )),
                _ => None,
            };
            Ok::<_, ServiceError>((result, again))
        });
        // Previews in order; sends in any order, so one slow send holds up none of the others.
        if dry_run {
            served.buffered(sends_at_once).try_collect().await
        } else {
            served.buffer_unordered(sends_at_once).try_collect().await
        }
    }

    /// What can be decided about a rep before the agenda is read: the zone (read from Slack once
    /// a week), whether it is the rep's digest time, away, or the team's day off.
    async fn first_step(
        &self,
        settings: &mut RepSettings,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<FirstStep, ServiceError> {
        if !dry_run && self.slack.has_token() && needs_tz_refresh(settings, now) {
            self.refresh_tz(settings, now).await?;
            if settings.unreachable_since.is_some() {
                return Ok(FirstStep::Done(
                    RepResult::Unreachable(settings.rep.clone()),
                    None,
                ));
            }
        }
        let settings = &*settings;
        let when = timing(settings, self.service.default_digest, now);
        if when == Timing::Away && !dry_run {
            // What was late when the absence began waits for the return, spread with the rest.
            self.service.catch_up_absence(settings, now).await?;
        }
        let Timing::Due(local_date) = when else {
            return Ok(FirstStep::Done(RepResult::Skipped, Some(when)));
        };
        if settings.calendar().is_holiday(local_date) {
            // The team's day off: nothing is due on it, and what is late waits for tomorrow.
            return Ok(FirstStep::Done(RepResult::Skipped, Some(when)));
        }
        Ok(FirstStep::Due(local_date, when))
    }

    /// A rep whose digest is due, with the agenda read: the digest built, then previewed, or
    /// claimed and sent. Also answers the timing it was served at.
    async fn serve_due(
        &self,
        settings: &RepSettings,
        local_date: NaiveDate,
        when: Timing,
        agenda: crate::domain::due::DueReport,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<(RepResult, Option<Timing>), ServiceError> {
        let store = &self.service.store;
        let monday = local_date.weekday() == chrono::Weekday::Mon;
        let rep = settings.rep.clone();
        let message = if agenda.touch_count() == 0 && agenda.items_due.is_empty() {
            // Nothing due: only Monday's numbers, and only when there are any.
            if !monday {
                return Ok((RepResult::Skipped, Some(when)));
            }
            let activity = self.last_week(settings, local_date).await?;
            if !activity.any() {
                return Ok((RepResult::Skipped, Some(when)));
            }
            render::last_week_alone(&activity)
        } else {
            let mut message = render::digest(&agenda);
            if monday && message.room() > 0 {
                let activity = self.last_week(settings, local_date).await?;
                message
                    .blocks
                    .insert(2.min(message.blocks.len()), render::last_week(&activity));
            }
            message
        };
        if dry_run {
            return Ok((
                RepResult::Preview(Preview {
                    rep,
                    local_date,
                    message,
                }),
                None,
            ));
        }
        let lease = now + Duration::minutes(CLAIM_LEASE_MINUTES);
        if !store.claim_digest(&rep, local_date, now, lease).await? {
            // Already sent (by another replica, or before a settings change): tomorrow. A claim
            // still held, or waiting to be retried: a later pass looks again.
            let sent = store
                .digest_run(&rep, local_date)
                .await?
                .is_some_and(|run| run.status == "sent");
            return Ok((RepResult::Skipped, sent.then_some(when)));
        }
        let sent = self.send(&rep, &message).await;
        let token_dead = sent.as_ref().is_err_and(ApiError::is_token_dead);
        let outcome = match sent {
            Ok((channel, ts)) => DigestOutcome::Sent { channel, ts },
            Err(e) if e.is_unreachable_user() => DigestOutcome::Unreachable {
                reason: e.to_string(),
            },
            Err(e) => DigestOutcome::Failed {
                error: e.to_string(),
                retry_at: now + Duration::minutes(RETRY_AFTER_MINUTES),
            },
        };
        store.finish_digest(&rep, local_date, &outcome, now).await?;
        if matches!(outcome, DigestOutcome::Unreachable { .. }) {
            // finish_digest marked the rep unreachable in the database.
            self.service.forget_settings(&rep);
        }
        let result = match outcome {
            DigestOutcome::Sent { .. } => {
                tracing::info!(team = %rep.team_id, user = %rep.user_id, %local_date, "digest sent");
                RepResult::Sent(rep)
            }
            DigestOutcome::Unreachable { reason } => {
                tracing::warn!(team = %rep.team_id, user = %rep.user_id, %reason, "rep cannot be messaged; skipping until they return");
                RepResult::Unreachable(rep)
            }
            DigestOutcome::Failed { error, .. } if token_dead => {
                // Said once for the workspace when the token was found dead, not once per rep.
                tracing::debug!(team = %rep.team_id, user = %rep.user_id, %error, "digest not sent: the workspace's token is dead");
                RepResult::Failed(rep, error)
            }
            DigestOutcome::Failed { error, .. } => {
                tracing::error!(team = %rep.team_id, user = %rep.user_id, %error, "digest failed; a later pass retries");
                RepResult::Failed(rep, error)
            }
        };
        Ok((result, Some(when)))
    }

    /// What the rep did last week: from last Monday 00:00 to this one, in the rep's zone.
    async fn last_week(
        &self,
        settings: &RepSettings,
        this_monday: NaiveDate,
    ) -> Result<Activity, ServiceError> {
        let tz = settings.zone();
        let midnight = chrono::NaiveTime::MIN;
        let to = crate::domain::schedule::local_instant(this_monday, midnight, tz);
        let from =
            crate::domain::schedule::local_instant(this_monday - Duration::days(7), midnight, tz);
        Ok(self.service.store.activity(&settings.rep, from, to).await?)
    }

    async fn send(&self, rep: &RepRef, message: &Message) -> Result<(String, String), ApiError> {
        self.slack
            .post_dm(&rep.team_id, &rep.user_id, message)
            .await
    }

    /// Reads the rep's time zone from Slack's profile (never overriding one the rep chose).
    async fn refresh_tz(
        &self,
        settings: &mut RepSettings,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        refresh_zone(&self.slack, &self.service, settings, now).await
    }
}

/// Reads the rep's time zone from Slack's profile (never overriding one the rep chose) and stores
/// only that: by the digest pass once a week, and on a new rep's first command.
pub async fn refresh_zone(
    slack: &SlackApi,
    service: &Service,
    settings: &mut RepSettings,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    {
        match slack
            .user_tz(&settings.rep.team_id, &settings.rep.user_id)
            .await
        {
            Ok((_, true)) => settings.unreachable_since = Some(now),
            Ok((Some(tz), false)) => {
                if let Ok(zone) = tz.parse() {
                    settings.tz = Some(zone);
                    settings.tz_source = TzSource::Slack;
                }
            }
            Ok((None, false)) => {}
            Err(e) if e.is_unreachable_user() => settings.unreachable_since = Some(now),
            // Said once for the workspace; nothing to keep for this rep.
            Err(e) if e.is_token_dead() => return Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, "reading the rep's time zone failed; keeping the one we have");
                return Ok(());
            }
        }
        settings.tz_checked_at = Some(now);
        // Only the zone: the row read at the start of the pass may be older than a setting the
        // rep changed since (`settings`, `away`), and writing it back would undo that.
        service.store.save_rep_zone(settings, now).await?;
        service.forget_settings(&settings.rep);
        Ok(())
    }
}
