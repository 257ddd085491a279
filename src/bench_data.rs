//! `followup bench-data`: fills an empty database with a large sales org for the digest
//! benchmark — reps in several time zones, prospects at realistic points of the built-in
//! cadences, and a history of past touches in earlier, ended enrolments.
//!
//! Rows are generated inside the database by set-based SQL (a recursive counter), one
//! transaction per slice of reps, so ten million rows take minutes, not hours. Every column is
//! written as the app writes it (ids, enrolment links, counters, text formats), so the app reads
//! the data back like its own. The SQL text is shared by both backends but for dates, which
//! [`Dialect`] spells for each. Only numbers and dates computed here are spliced into it.

use std::time::Instant;

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use secrecy::ExposeSecret;
use sqlx::{Connection, Row};

use crate::domain::cadence::{AfterEnd, BUILT_IN};
use crate::domain::schedule::{is_weekend, local_date};

/// The instant the data is laid out around when `--at` is not given: a Tuesday, 16:00 UTC,
/// when every rep's zone below is on the same date and past its digest time.
pub const DEFAULT_AT: &str = "2026-11-24T16:00:00Z";

/// The reps' time zones, taken in turn.
const ZONES: &[&str] = &[
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
];

/// Past touches per history enrolment.
const HISTORY_PER_ENROLMENT: u32 = 5;
/// Reps written per transaction.
const REPS_PER_SLICE: u32 = 500;

#[derive(Debug, Clone)]
pub struct Options {
    pub reps: u32,
    pub prospects: u32,
    /// Past done touches per prospect, in earlier, ended enrolments.
    pub history: u32,
    pub at: DateTime<Utc>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub reps: i64,
    pub prospects: i64,
    pub enrolments: i64,
    pub pending: i64,
    pub done: i64,
    /// Pending touches due on or before the reps' date at `--at`.
    pub due: i64,
    /// Reps with at least one of those.
    pub reps_due: i64,
}

/// Parses `--at` (RFC 3339), or the default instant.
pub fn parse_at(raw: Option<&str>) -> anyhow::Result<DateTime<Utc>> {
    let raw = raw.unwrap_or(DEFAULT_AT);
    Ok(DateTime::parse_from_rfc3339(raw)
        .map_err(|_| anyhow::anyhow!("--at `{raw}` is not an RFC 3339 instant, e.g. {DEFAULT_AT}"))?
        .with_timezone(&Utc))
}

/// The command: fills `DATABASE_URL` and prints what it wrote.
pub async fn run(
    config: &crate::config::Config,
    reps: u32,
    prospects: u32,
    history: u32,
    at: Option<&str>,
) -> anyhow::Result<()> {
    let options = Options {
        reps,
        prospects,
        history,
        at: parse_at(at)?,
    };
    let settings = config.settings()?;
    let started = Instant::now();
    let summary = fill(settings.database_url.expose_secret(), &options).await?;
    println!(
        "{} reps, {} prospects, {} enrolments, {} pending touches ({} due by {}), {} done touches \
         written to {} in {:.1} s; {} reps have a digest at {}",
        summary.reps,
        summary.prospects,
        summary.enrolments,
        summary.pending,
        summary.due,
        options.at.format("%Y-%m-%d"),
        summary.done,
        settings.database_shown(),
        started.elapsed().as_secs_f64(),
        summary.reps_due,
        options.at.to_rfc3339(),
    );
    Ok(())
}

/// Migrates the empty database at `url` and fills it.
pub async fn fill(url: &str, options: &Options) -> anyhow::Result<Summary> {
    if options.reps == 0 || options.prospects == 0 {
        anyhow::bail!("--reps and --prospects must be at least 1");
    }
    let zones = zones(options.at)?;
    let store = crate::store::open(url).await?;
    store.migrate().await?;
    drop(store);
    let mut db = Db::connect(url).await?;
    if db.count("SELECT COUNT(*) FROM prospects").await? > 0 {
        anyhow::bail!("bench-data fills an empty database, and this one holds prospects");
    }
    let d = Dialect {
        postgres: matches!(db, Db::Postgres(_)),
        today: zones[0].2,
    };
    let at = options.at.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    let at = if d.postgres {
        format!("TIMESTAMPTZ '{at}'")
    } else {
        format!("'{at}'")
    };
    let zone_rows = zones
        .iter()
        .enumerate()
        .map(|(i, (tz, time, _))| format!("({i}, '{tz}', '{}')", time.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ");
    db.exec(&format!(
        "WITH RECURSIVE n(r) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT r + 1 FROM n WHERE r + 1 < {reps}), \
         z(zi, tz, digest_time) AS (VALUES {zone_rows}) \
         INSERT INTO reps (team_id, user_id, tz, tz_source, digest_time, weekends_off, created_at, \
         updated_at, tz_checked_at, daily_cap) \
         SELECT 'TB' || (n.r / 100), 'UB' || n.r, z.tz, 'slack', z.digest_time, TRUE, {at}, {at}, {at}, 20 \
         FROM n JOIN z ON z.zi = n.r % {nz}",
        reps = options.reps,
        nz = zones.len(),
    ))
    .await?;
    let mut first = 0;
    while first < options.reps {
        let last = (first + REPS_PER_SLICE).min(options.reps);
        db.exec("BEGIN").await?;
        for sql in slice_sql(&d, options, first, last) {
            db.exec(&sql).await?;
        }
        db.exec("COMMIT").await?;
        first = last;
    }
    if d.postgres {
        for table in ["prospects", "enrolments", "touches"] {
            db.exec(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))
            .await?;
        }
        // What autovacuum would do soon after a real bulk load; the plans then see real counts.
        db.exec("VACUUM ANALYZE").await?;
    }
    let today = d.date("0");
    Ok(Summary {
        reps: db.count("SELECT COUNT(*) FROM reps").await?,
        prospects: db.count("SELECT COUNT(*) FROM prospects").await?,
        enrolments: db.count("SELECT COUNT(*) FROM enrolments").await?,
        pending: db
            .count("SELECT COUNT(*) FROM touches WHERE status = 'pending'")
            .await?,
        done: db
            .count("SELECT COUNT(*) FROM touches WHERE status = 'done'")
            .await?,
        due: db
            .count(&format!(
                "SELECT COUNT(*) FROM touches WHERE status = 'pending' AND due_on <= {today}"
            ))
            .await?,
        reps_due: db
            .count(&format!(
                "SELECT COUNT(*) FROM (SELECT DISTINCT team_id, user_id FROM touches \
                 WHERE status = 'pending' AND due_on <= {today}) d"
            ))
            .await?,
    })
}

/// Each zone with a digest time already past at `at`, and its local date (the same in all).
fn zones(at: DateTime<Utc>) -> anyhow::Result<Vec<(&'static str, NaiveTime, NaiveDate)>> {
    let mut out = Vec::new();
    for name in ZONES {
        let tz: Tz = name
            .parse()
            .map_err(|_| anyhow::anyhow!("unknown zone {name}"))?;
        let local = at.with_timezone(&tz);
        let today = local_date(at, tz);
        if out.first().is_some_and(|(_, _, d)| *d != today) || is_weekend(today) {
            anyhow::bail!(
                "--at {} must fall on the same weekday in {} (16:00 UTC on a Tuesday does)",
                at.to_rfc3339(),
                ZONES.join(", ")
            );
        }
        // 08:00 local, or the minute of --at when that is earlier, so every rep is due.
        let eight = NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN);
        let now = NaiveTime::from_hms_opt(local.hour(), local.minute(), 0).unwrap_or(eight);
        out.push((*name, eight.min(now), today));
    }
    Ok(out)
}

/// Dates and instants, spelled for one backend, as days from the reps' date at `--at`.
struct Dialect {
    postgres: bool,
    today: NaiveDate,
}

impl Dialect {
    /// The local date `days` (an SQL expression) after today.
    fn date(&self, days: &str) -> String {
        if self.postgres {
            format!("(DATE '{}' + CAST(({days}) AS INTEGER))", self.today)
        } else {
            format!("date('{}', ({days}) || ' days')", self.today)
        }
    }
    /// That date at `hour`:00 UTC, as sqlx writes a `DateTime<Utc>`.
    fn at(&self, days: &str, hour: u32) -> String {
        if self.postgres {
            format!(
                "(({} + INTERVAL '{hour} hours') AT TIME ZONE 'UTC')",
                self.date(days)
            )
        } else {
            format!("({} || 'T{hour:02}:00:00+00:00')", self.date(days))
        }
    }
}

/// The cadences' steps as an SQL `VALUES` list: cadence, step, count, day, first channel.
/// A repeating cadence gets four steps (a prospect is at most that far into it).
fn steps_values() -> String {
    let mut rows = Vec::new();
    for c in BUILT_IN {
        let repeating = matches!(c.after, AfterEnd::Repeat { .. });
        let count = if repeating { 4 } else { c.steps.len() };
        for i in 0..count {
            let step = c.step(i).unwrap_or(&c.steps[0]);
            let day = match c.after {
                AfterEnd::Repeat { every_days } if i >= c.steps.len() => {
                    step.day + every_days * (i + 1 - c.steps.len()) as u32
                }
                _ => step.day,
            };
            let step_count = c.length().map_or("NULL".to_string(), |n| n.to_string());
            let channel = step.channels.first().map_or("email", |ch| ch.as_str());
            rows.push(format!(
                "('{}', {i}, {step_count}, {day}, '{channel}', {})",
                c.id, count
            ));
        }
    }
    rows.join(", ")
}

/// The statements that write reps `first..last`'s prospects, enrolments and touches.
fn slice_sql(d: &Dialect, o: &Options, first: u32, last: u32) -> Vec<String> {
    let (p, h) = (i64::from(o.prospects), i64::from(o.history));
    let g = i64::from(o.history.div_ceil(HISTORY_PER_ENROLMENT));
    let e = g + 1;
    let (lo, hi) = (i64::from(first) * p, i64::from(last) * p);
    let steps = steps_values();
    let cadences = BUILT_IN
        .iter()
        .enumerate()
        .map(|(i, c)| format!("({i}, '{}')", c.id))
        .collect::<Vec<_>>()
        .join(", ");
    let nc = BUILT_IN.len();
    // One row per prospect: where it stands. `due` is the day (from today) its next step is or
    // was due; `s` how many steps of the current enrolment are done; `n` how many touches it has.
    let pos = format!(
        "CREATE TEMP TABLE bench_pos AS \
         WITH RECURSIVE n(k) AS (SELECT CAST({lo} AS BIGINT) UNION ALL SELECT k + 1 FROM n WHERE k + 1 < {hi}), \
         st(cadence_id, step_index, step_count, day, channel, n) AS (VALUES {steps}), \
         cad(ci, cadence_id) AS (VALUES {cadences}), \
         a AS (SELECT n.k, n.k / {p} AS r, cad.cadence_id, (n.k * 7919) % 100 AS u, \
               (n.k * 104729 / 3) % 14 - 4 AS soon, -1 - (n.k * 17) % 60 AS past, (n.k * 31 / 7) AS sp \
               FROM n JOIN cad ON cad.ci = (n.k * 7) % {nc}), \
         b AS (SELECT a.*, CASE WHEN a.u < 70 THEN 'active' \
                 WHEN a.u < 73 AND a.cadence_id NOT IN ('proposal', 'nurture') THEN 'awaiting' \
                 WHEN a.u < 73 THEN 'active' WHEN a.u < 80 THEN 'replied' WHEN a.u < 90 THEN 'won' ELSE 'lost' END AS status, \
                 (SELECT MAX(st.n) FROM st WHERE st.cadence_id = a.cadence_id) AS steps FROM a), \
         c AS (SELECT b.*, CASE WHEN b.status = 'awaiting' THEN b.steps ELSE b.sp % b.steps END AS s, \
                 CASE WHEN b.status = 'active' THEN b.soon ELSE b.past END AS due FROM b) \
         SELECT c.k, c.k + 1 AS id, 'TB' || (c.r / 100) AS team_id, 'UB' || c.r AS user_id, c.cadence_id, c.status, c.s, c.due, \
           CASE WHEN c.cadence_id = 'nurture' THEN c.s + 1 ELSE c.steps END AS n, \
           c.due - (SELECT st.day FROM st WHERE st.cadence_id = c.cadence_id \
             AND st.step_index = CASE WHEN c.s < c.steps THEN c.s ELSE c.steps - 1 END) AS start \
         FROM c"
    );
    // Step i's day, and the day it was done: on time, or before today when that came later.
    let done_day = "CASE WHEN t.start + st.day > st.step_index - t.s THEN st.step_index - t.s ELSE t.start + st.day END";
    let prev = format!(
        "(SELECT {done_day} FROM st WHERE st.cadence_id = t.cadence_id AND st.step_index = t.s - 1)"
    );
    let first_day = format!(
        "(SELECT {done_day} FROM st WHERE st.cadence_id = t.cadence_id AND st.step_index = 0)"
    );
    let st_cte = format!("WITH RECURSIVE st(cadence_id, step_index, step_count, day, channel, n) AS (VALUES {steps})");
    let hist_first = format!("t.start - 7 * {h}");
    let prospects = format!(
        "{st_cte} INSERT INTO prospects (id, team_id, user_id, name, name_folded, email, phone, linkedin, company, \
         stage, value_cents, lead, pace, notes, status, cadence_id, enrolment_id, enrolled_at, touches_done, \
         first_touch_at, last_contact_at, last_channel, replied_after_touch, replied_at, paused_on, closed_at, \
         close_reason, created_at, updated_at, version) \
         SELECT t.id, t.team_id, t.user_id, 'Prospect ' || t.k, 'prospect ' || t.k, 'p' || t.k || '@example.com', \
         NULL, NULL, 'Company ' || (t.k % 997), \
         CASE t.status WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE \
           CASE WHEN t.cadence_id = 'proposal' THEN 'proposal' ELSE 'qualified' END END, \
         CASE WHEN t.k % 2 = 0 THEN (1 + t.k % 50) * 100000 ELSE NULL END, \
         CASE t.cadence_id WHEN 'hot' THEN CASE WHEN t.k % 2 = 0 THEN 'hot' ELSE 'warm' END \
           WHEN 'cold' THEN 'cold' ELSE NULL END, \
         'normal', NULL, t.status, t.cadence_id, t.k * {e} + {g} + 1, {enrolled}, {h} + t.s, \
         CASE WHEN {h} > 0 THEN {hist_first_at} WHEN t.s > 0 THEN {first_at} ELSE NULL END, \
         CASE WHEN t.s > 0 THEN {prev_at} WHEN {h} > 0 THEN {hist_last_at} ELSE NULL END, \
         CASE WHEN t.s > 0 THEN (SELECT st.channel FROM st WHERE st.cadence_id = t.cadence_id AND st.step_index = t.s - 1) \
           WHEN {h} > 0 THEN 'email' ELSE NULL END, \
         CASE WHEN t.status IN ('replied', 'won') THEN {h} + t.s ELSE NULL END, \
         CASE WHEN t.status IN ('replied', 'won') THEN {reply_at} ELSE NULL END, NULL, \
         CASE WHEN t.status IN ('won', 'lost') THEN {close_at} ELSE NULL END, \
         CASE WHEN t.status = 'lost' THEN 'no budget this year' ELSE NULL END, \
         {created}, {updated}, {h} + t.s + CASE WHEN t.status IN ('active') THEN 0 ELSE 1 END \
         FROM bench_pos t",
        enrolled = d.at("t.start", 9),
        hist_first_at = d.at(&hist_first, 10),
        first_at = d.at(&first_day, 10),
        prev_at = d.at(&prev, 10),
        hist_last_at = d.at("t.start - 7", 10),
        reply_at = d.at("t.due", 15),
        close_at = d.at("t.due", 16),
        created = d.at(&format!("{hist_first} - 1"), 8),
        updated = d.at("CASE WHEN t.status = 'active' THEN -1 ELSE t.due END", 17),
    );
    // History enrolment j of a prospect holds its past touches j*5 .. j*5+4; they end a week
    // before the current one starts.
    let hist_start = format!("t.start - 7 * ({h} - j.j * {HISTORY_PER_ENROLMENT})");
    let hist_end = format!(
        "t.start - 7 * ({h} - j.j * {HISTORY_PER_ENROLMENT} - {}) + 1",
        HISTORY_PER_ENROLMENT - 1
    );
    let enrolments = format!(
        "{st_cte}, j(j) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT j + 1 FROM j WHERE j + 1 < {g}) \
         INSERT INTO enrolments (id, prospect_id, team_id, user_id, cadence_id, pace, start_on, started_at, ended_at, end_reason) \
         SELECT t.k * {e} + j.j + 1, t.id, t.team_id, t.user_id, 'proposal', 'normal', {hs_date}, {hs_at}, {he_at}, 'stopped' \
         FROM bench_pos t JOIN j ON j.j < {g} \
         UNION ALL \
         SELECT t.k * {e} + {g} + 1, t.id, t.team_id, t.user_id, t.cadence_id, 'normal', {start_date}, {start_at}, \
         CASE WHEN t.status IN ('replied', 'won', 'lost') THEN {close_at} ELSE NULL END, \
         CASE WHEN t.status IN ('replied', 'won', 'lost') THEN t.status ELSE NULL END FROM bench_pos t",
        hs_date = d.date(&hist_start),
        hs_at = d.at(&hist_start, 9),
        he_at = d.at(&format!("CASE WHEN {hist_end} > t.start - 1 THEN t.start - 1 ELSE {hist_end} END"), 18),
        start_date = d.date("t.start"),
        start_at = d.at("t.start", 9),
        close_at = d.at("t.due", 16),
    );
    let touch_day =
        format!("CASE WHEN st.step_index < t.s THEN {done_day} ELSE t.start + st.day END");
    let hist_day = format!("t.start - 7 * ({h} - i.i)");
    let touches = format!(
        "{st_cte}, i(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM i WHERE i + 1 < {h}) \
         INSERT INTO touches (team_id, user_id, prospect_id, enrolment_id, cadence_id, step_index, step_count, \
         due_on, original_due_on, status, snoozes, done_at, channel, note) \
         SELECT t.team_id, t.user_id, t.id, t.k * {e} + i.i / {HISTORY_PER_ENROLMENT} + 1, 'proposal', \
         i.i % {HISTORY_PER_ENROLMENT}, 6, {hd}, {hd}, 'done', 0, {hd_at}, 'email', NULL \
         FROM bench_pos t JOIN i ON i.i < {h} \
         UNION ALL \
         SELECT t.team_id, t.user_id, t.id, t.k * {e} + {g} + 1, t.cadence_id, st.step_index, st.step_count, \
         {due}, {due}, CASE WHEN st.step_index < t.s THEN 'done' WHEN t.status = 'active' THEN 'pending' ELSE 'cancelled' END, \
         0, CASE WHEN st.step_index < t.s THEN {done_at} ELSE NULL END, \
         CASE WHEN st.step_index < t.s THEN st.channel ELSE NULL END, NULL \
         FROM bench_pos t JOIN st ON st.cadence_id = t.cadence_id AND st.step_index < t.n",
        hd = d.date(&hist_day),
        hd_at = d.at(&hist_day, 10),
        due = d.date(&touch_day),
        done_at = d.at(&touch_day, 10),
    );
    vec![
        "DROP TABLE IF EXISTS bench_pos".to_string(),
        pos,
        prospects,
        enrolments,
        touches,
        "DROP TABLE bench_pos".to_string(),
    ]
}

/// One connection of either backend, on which the generated SQL runs as is.
enum Db {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Db {
    async fn connect(url: &str) -> anyhow::Result<Self> {
        use std::str::FromStr;
        if url.starts_with("sqlite:") {
            // Bulk loading: the generated rows are consistent by construction, and a crash
            // mid-load means loading again into a fresh file.
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?
                .foreign_keys(false)
                .pragma("synchronous", "OFF")
                .pragma("cache_size", "-262144");
            Ok(Db::Sqlite(
                sqlx::SqliteConnection::connect_with(&options).await?,
            ))
        } else {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            // Skips the per-row foreign-key triggers when allowed (a superuser); else pays them.
            let _ = sqlx::raw_sql("SET session_replication_role = replica")
                .execute(&mut conn)
                .await;
            Ok(Db::Postgres(conn))
        }
    }

    async fn exec(&mut self, sql: &str) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Db::Postgres(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
        }
        .map_err(|e| anyhow::anyhow!("{e} in: {}", &sql[..sql.len().min(200)]))
    }

    async fn count(&mut self, sql: &str) -> anyhow::Result<i64> {
        Ok(match self {
            Db::Sqlite(c) => sqlx::query(sql).fetch_one(c).await?.try_get(0)?,
            Db::Postgres(c) => sqlx::query(sql).fetch_one(c).await?.try_get(0)?,
        })
    }
}
