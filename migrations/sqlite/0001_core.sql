-- Core: reps, prospects, their cadence enrolments and touches.
-- Mirrored in migrations/postgres/0001_core.sql with the same version and meaning.

CREATE TABLE reps (
    team_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    tz           TEXT,
    tz_source    TEXT NOT NULL DEFAULT 'default',
    digest_time  TEXT,
    weekends_off BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL,
    PRIMARY KEY (team_id, user_id)
);

CREATE TABLE prospects (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id             TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    name                TEXT NOT NULL,
    name_folded         TEXT NOT NULL,
    email               TEXT,
    phone               TEXT,
    linkedin            TEXT,
    company             TEXT,
    stage               TEXT NOT NULL,
    value_cents         BIGINT,
    lead                TEXT,
    pace                TEXT NOT NULL,
    notes               TEXT,
    status              TEXT NOT NULL,
    cadence_id          TEXT NOT NULL,
    enrolment_id        BIGINT NOT NULL DEFAULT 0,
    enrolled_at         DATETIME NOT NULL,
    touches_done        BIGINT NOT NULL DEFAULT 0,
    first_touch_at      DATETIME,
    last_contact_at     DATETIME,
    last_channel        TEXT,
    replied_after_touch BIGINT,
    paused_on           DATE,
    closed_at           DATETIME,
    close_reason        TEXT,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL,
    version             BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX prospects_rep_status ON prospects (team_id, user_id, status);

CREATE TABLE enrolments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    prospect_id BIGINT NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    team_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    cadence_id  TEXT NOT NULL,
    pace        TEXT NOT NULL,
    start_on    DATE NOT NULL,
    started_at  DATETIME NOT NULL,
    ended_at    DATETIME,
    end_reason  TEXT
);

CREATE INDEX enrolments_prospect ON enrolments (prospect_id);

CREATE TABLE touches (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    team_id         TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    prospect_id     BIGINT NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    enrolment_id    BIGINT NOT NULL REFERENCES enrolments (id) ON DELETE CASCADE,
    cadence_id      TEXT NOT NULL,
    step_index      BIGINT NOT NULL,
    step_count      BIGINT,
    due_on          DATE NOT NULL,
    original_due_on DATE NOT NULL,
    status          TEXT NOT NULL,
    snoozes         BIGINT NOT NULL DEFAULT 0,
    done_at         DATETIME,
    channel         TEXT,
    note            TEXT,
    UNIQUE (enrolment_id, step_index)
);

CREATE INDEX touches_prospect ON touches (prospect_id, enrolment_id);
-- "What is due for this rep now": only pending touches are indexed, so the index stays small.
-- "Which reps have anything due" probes it once per row of `reps` (see Store::reps_with_due).
CREATE INDEX touches_rep_pending ON touches (team_id, user_id, due_on) WHERE status = 'pending';
