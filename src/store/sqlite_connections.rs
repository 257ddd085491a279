//! SQLite's connections, lent out by the store itself rather than by sqlx's pool.
//!
//! sqlx 0.8's pool pings every connection when it is released (`Floating::return_to_pool`, to
//! flush a rollback an abandoned future may have left), and no option turns that off. On SQLite
//! a ping is one more trip to the connection's worker thread, and a task spawned to make it,
//! after every query: a third of the trips a lone add makes. A SQLite connection needs none of
//! it. It is a local file that cannot go stale, and its worker runs commands in the order they
//! were sent, so the rollback a dropped `Transaction` queues runs before anything the next
//! borrower sends. So the store keeps its connections in a plain list behind a semaphore.
//!
//! A connection that is not given back (a caller took it away with [`Lease::detach`], to close
//! it) frees its place, and the next lease opens a new one.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a caller waits for a connection before it is told the store is busy, as SQLite's
/// own busy timeout: a request waiting longer has lost Slack's 3 seconds anyway, and a caller
/// that asked for a second connection while holding the only one gets an error, not a hang.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// Up to `size` connections to one database, each lent to one caller at a time.
#[derive(Clone)]
pub struct Connections {
    shared: Arc<Shared>,
}

struct Shared {
    options: SqliteConnectOptions,
    /// Connections open and not lent out. Never longer than the semaphore's size.
    idle: Mutex<Vec<SqliteConnection>>,
    /// One permit for each connection that may be lent out.
    places: Arc<Semaphore>,
}

impl Connections {
    /// Opens the first connection now, so a wrong path or a locked file fails at start-up;
    /// the rest open when first needed.
    pub async fn open(options: SqliteConnectOptions, size: usize) -> Result<Self, sqlx::Error> {
        let first = SqliteConnection::connect_with(&options).await?;
        Ok(Self {
            shared: Arc::new(Shared {
                options,
                idle: Mutex::new(vec![first]),
                places: Arc::new(Semaphore::new(size.max(1))),
            }),
        })
    }

    /// Waits for a connection that no one else holds, for at most [`ACQUIRE_TIMEOUT`].
    pub async fn acquire(&self) -> Result<Lease, sqlx::Error> {
        let place =
            tokio::time::timeout(ACQUIRE_TIMEOUT, self.shared.places.clone().acquire_owned())
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?
                .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.shared.take_idle();
        let conn = match idle {
            Some(conn) => conn,
            None => SqliteConnection::connect_with(&self.shared.options).await?,
        };
        Ok(Lease {
            conn: Some(conn),
            shared: self.shared.clone(),
            _place: place,
        })
    }
}

impl Shared {
    fn take_idle(&self) -> Option<SqliteConnection> {
        match self.idle.lock() {
            Ok(mut idle) => idle.pop(),
            // A holder of the lock panicked between two plain Vec operations: the list is whole.
            Err(poisoned) => poisoned.into_inner().pop(),
        }
    }

    fn give_back(&self, conn: SqliteConnection) {
        match self.idle.lock() {
            Ok(mut idle) => idle.push(conn),
            Err(poisoned) => poisoned.into_inner().push(conn),
        }
    }
}

/// One connection, lent until dropped.
pub struct Lease {
    conn: Option<SqliteConnection>,
    shared: Arc<Shared>,
    // Dropped after `Drop::drop` has given the connection back, so a waiter that gets this
    // place finds the connection idle.
    _place: OwnedSemaphorePermit,
}

impl Lease {
    /// Keeps the connection instead of giving it back (to close it: SQLite rolls back what it
    /// left open). Its place is freed; the next lease opens a new connection.
    pub fn detach(mut self) -> Option<SqliteConnection> {
        self.conn.take()
    }
}

impl Deref for Lease {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        // `conn` is `None` only inside `detach` and `drop`, which consume the lease.
        self.conn
            .as_ref()
            .unwrap_or_else(|| unreachable!("a lease holds its connection"))
    }
}

impl DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn
            .as_mut()
            .unwrap_or_else(|| unreachable!("a lease holds its connection"))
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.shared.give_back(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::Row;

    use super::*;

    async fn open(dir: &tempfile::TempDir, size: usize) -> Connections {
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("leases.db"))
            .create_if_missing(true);
        let conns = Connections::open(options, size).await.expect("open");
        let mut lease = conns.acquire().await.expect("lease");
        sqlx::query("CREATE TABLE t (v INTEGER)")
            .execute(&mut *lease)
            .await
            .expect("create");
        conns
    }

    async fn count(conns: &Connections) -> i64 {
        let mut lease = conns.acquire().await.expect("lease");
        sqlx::query("SELECT COUNT(*) FROM t")
            .fetch_one(&mut *lease)
            .await
            .expect("count")
            .get(0)
    }

    #[tokio::test]
    async fn a_transaction_dropped_unfinished_is_rolled_back_before_the_next_borrower_runs() {
        let dir = tempfile::tempdir().expect("dir");
        let conns = open(&dir, 1).await;
        {
            let mut lease = conns.acquire().await.expect("lease");
            let mut tx = lease.begin_with("BEGIN IMMEDIATE").await.expect("begin");
            sqlx::query("INSERT INTO t VALUES (1)")
                .execute(&mut *tx)
                .await
                .expect("insert");
            // Dropped without commit, as when a request's future is abandoned.
        }
        // The same (only) connection: not inside the old transaction, and without its row.
        let mut lease = conns.acquire().await.expect("lease");
        let mut tx = lease
            .begin_with("BEGIN IMMEDIATE")
            .await
            .expect("a new transaction begins");
        sqlx::query("INSERT INTO t VALUES (2)")
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
        drop(lease);
        assert_eq!(count(&conns).await, 1);
    }

    #[tokio::test]
    async fn no_more_than_size_connections_are_lent_at_once() {
        let dir = tempfile::tempdir().expect("dir");
        let conns = open(&dir, 2).await;
        let first = conns.acquire().await.expect("first");
        let second = conns.acquire().await.expect("second");
        let waiting = tokio::time::timeout(Duration::from_millis(50), conns.acquire()).await;
        assert!(
            waiting.is_err(),
            "a third lease was given while two were out"
        );
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(5), conns.acquire())
            .await
            .expect("a lease once one came back")
            .expect("third");
        drop((second, third));
    }

    #[tokio::test]
    async fn a_detached_connection_frees_its_place_for_a_new_one() {
        let dir = tempfile::tempdir().expect("dir");
        let conns = open(&dir, 1).await;
        let mut lease = conns.acquire().await.expect("lease");
        sqlx::query("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
            .execute(&mut *lease)
            .await
            .expect("begin and insert");
        // Closed with its transaction open: SQLite rolls it back.
        let conn = lease.detach().expect("the connection");
        conn.close().await.expect("close");
        assert_eq!(count(&conns).await, 0);
        let mut lease = conns.acquire().await.expect("a new connection");
        sqlx::query("INSERT INTO t VALUES (2)")
            .execute(&mut *lease)
            .await
            .expect("insert");
        drop(lease);
        assert_eq!(count(&conns).await, 1);
    }
}
