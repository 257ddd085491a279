//! Group commit: one writer task takes every add waiting at that moment and commits them in one
//! transaction, so a burst of `/followup add` pays for one transaction (and, on SQLite, for two
//! trips to sqlx's worker thread: see `add_batch_in_two_trips`) instead of one per request. Nobody waits for a
//! batch to fill: the task runs whatever is queued the moment the previous batch is done.
//!
//! Each caller gets its own answer. If the whole batch fails, every job in it is run again
//! alone, so one job the database refuses cannot take the others down with it.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Duration, Instant};

use super::{StoreError, StoreResult};

/// At most this many jobs share a transaction (bounds the statement size: each job binds a
/// dozen values per touch).
pub const MAX_BATCH: usize = 64;

/// A batch not committed this long after its oldest job was queued is abandoned (rolled back)
/// and its callers told so: Slack's 3 seconds are gone by then, and a caller that has given up
/// and apologised must not find its add stored after all.
pub const WRITE_BUDGET: Duration = Duration::from_secs(2);

struct Job<J, R> {
    work: J,
    queued: Instant,
    reply: oneshot::Sender<StoreResult<R>>,
}

pub struct Batcher<J, R> {
    jobs: mpsc::UnboundedSender<Job<J, R>>,
}

impl<J, R> Batcher<J, R>
where
    J: Send + 'static,
    R: Send + 'static,
{
    /// Starts the writer task on the current tokio runtime. `run` gets a batch (never empty)
    /// and answers one result per job, in order.
    pub fn spawn<F, Fut>(run: F) -> Self
    where
        F: Fn(Vec<J>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<StoreResult<R>>> + Send,
        J: Clone + Sync,
    {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job<J, R>>();
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
                // A caller that gave up must not have its add stored after all.
                batch.retain(|job: &Job<J, R>| !job.reply.is_closed());
                let Some(oldest) = batch.iter().map(|job| job.queued).min() else {
                    continue;
                };
                let jobs = std::mem::take(&mut batch);
                let work: Vec<J> = jobs.iter().map(|job| job.work.clone()).collect();
                let results = within_budget(oldest, work.len(), run(work)).await;
                let results = match results.first() {
                    Some(Err(e))
                        if jobs.len() > 1
                            && results.iter().all(Result::is_err)
                            && job_may_be_at_fault(e) =>
                    {
                        // The transaction failed as a whole, on something one job may have
                        // caused: run them one by one to find whose it was.
                        let mut alone = Vec::with_capacity(jobs.len());
                        for job in &jobs {
                            if job.reply.is_closed() {
                                alone.push(Err(gave_up()));
                            } else {
                                let work = vec![job.work.clone()];
                                alone.extend(within_budget(job.queued, 1, run(work)).await);
                            }
                        }
                        alone
                    }
                    _ => results,
                };
                let mut results = results.into_iter();
                for job in jobs {
                    let result = results.next().unwrap_or_else(|| {
                        Err(StoreError::Corrupt(
                            "a batched write lost its answer".into(),
                        ))
                    });
                    // The caller may have given up meanwhile; the work is done either way.
                    let _ = job.reply.send(result);
                }
            }
        });
        Self { jobs }
    }

    /// Queues `job` and waits for the batch that carries it to commit (or fail).
    pub async fn submit(&self, job: J) -> StoreResult<R> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                work: job,
                queued: Instant::now(),
                reply,
            })
            .map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }
}

/// Whether a failed batch may have failed because of one of its jobs (a statement the database
/// refused), rather than because the database is unreachable (then retrying alone only delays).
fn job_may_be_at_fault(e: &StoreError) -> bool {
    match e {
        StoreError::Database(source) => matches!(
            source.downcast_ref::<sqlx::Error>(),
            Some(sqlx::Error::Database(_))
        ),
        StoreError::Domain(_) | StoreError::NotFound(_) | StoreError::Corrupt(_) => true,
        StoreError::Conflict | StoreError::UnknownBackend(_) => false,
    }
}

/// Runs a batch, abandoning it (the transaction is dropped, so rolled back) once the oldest job
/// has waited [`WRITE_BUDGET`].
async fn within_budget<R>(
    oldest: Instant,
    jobs: usize,
    run: impl Future<Output = Vec<StoreResult<R>>>,
) -> Vec<StoreResult<R>> {
    match tokio::time::timeout_at(oldest + WRITE_BUDGET, run).await {
        Ok(results) => results,
        Err(_) => (0..jobs)
            .map(|_| {
                Err(StoreError::Database(
                    "the database did not answer in time".into(),
                ))
            })
            .collect(),
    }
}

fn gave_up() -> StoreError {
    StoreError::Database("the caller gave up".into())
}

fn writer_gone() -> StoreError {
    StoreError::Database("the database writer has stopped".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn concurrent_jobs_share_batches_and_each_gets_its_own_answer() {
        let batches = Arc::new(AtomicUsize::new(0));
        let counted = batches.clone();
        let batcher = Arc::new(Batcher::spawn(move |jobs: Vec<u32>| {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                jobs.into_iter().map(|j| Ok(j * 10)).collect()
            }
        }));
        let answers = futures::future::join_all((0..200u32).map(|j| {
            let batcher = batcher.clone();
            async move { batcher.submit(j).await }
        }))
        .await;
        for (j, answer) in answers.into_iter().enumerate() {
            assert_eq!(answer.ok(), Some(j as u32 * 10));
        }
        let batches = batches.load(Ordering::SeqCst);
        assert!(batches < 200, "200 queued jobs ran in {batches} batches");
    }

    #[tokio::test]
    async fn a_failed_batch_is_retried_job_by_job_so_only_the_bad_job_fails() {
        let batcher = Arc::new(Batcher::spawn(|jobs: Vec<u32>| async move {
            if jobs.contains(&13) {
                // The whole transaction rolls back.
                jobs.iter()
                    .map(|_| Err(StoreError::Corrupt("13".into())))
                    .collect()
            } else {
                jobs.into_iter().map(Ok).collect()
            }
        }));
        let answers = futures::future::join_all((10..16u32).map(|j| {
            let batcher = batcher.clone();
            async move { (j, batcher.submit(j).await) }
        }))
        .await;
        for (j, answer) in answers {
            match answer {
                Ok(v) => assert_eq!(v, j),
                Err(e) => assert_eq!(
                    (j, e.to_string()),
                    (13, "stored data is not readable: 13".into())
                ),
            }
        }
    }
}
