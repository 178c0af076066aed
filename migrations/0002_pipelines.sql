-- Pipelines: the durable run queue and history, committed snapshots, watermarks, and the lease that
-- elects the one process running the scheduler and pipelines.

CREATE TABLE runs (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  view               TEXT NOT NULL,
  version            INTEGER NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  trigger            TEXT NOT NULL,
  -- An explicit backfill window (epoch ms); both null for an incremental run.
  requested_start    INTEGER,
  requested_end      INTEGER,
  -- The window actually read: start < ts <= end.
  window_start       INTEGER,
  window_end         INTEGER,
  attempt            INTEGER NOT NULL DEFAULT 1,
  max_attempts       INTEGER NOT NULL DEFAULT 3,
  not_before         INTEGER NOT NULL DEFAULT 0,
  holder             TEXT,
  reason             TEXT,
  error              TEXT,
  rows_in            INTEGER NOT NULL DEFAULT 0,
  rows_out           INTEGER NOT NULL DEFAULT 0,
  rows_rejected      INTEGER NOT NULL DEFAULT 0,
  rejects_by_reason  TEXT NOT NULL DEFAULT '{}',
  rejects_file       TEXT,
  snapshot_id        INTEGER,
  steps              TEXT NOT NULL DEFAULT '[]',
  created_at         INTEGER NOT NULL,
  started_at         INTEGER,
  finished_at        INTEGER
);
-- At most one queued or running run per view: the database itself refuses a second one.
CREATE UNIQUE INDEX runs_one_active_per_view ON runs (view) WHERE status IN ('queued', 'running');
CREATE INDEX runs_by_view ON runs (view, id);
CREATE INDEX runs_by_status ON runs (status, not_before);

CREATE TABLE snapshots (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  view           TEXT NOT NULL,
  version        INTEGER NOT NULL,
  run_id         INTEGER NOT NULL REFERENCES runs(id),
  rows           INTEGER NOT NULL,
  window_start   INTEGER,
  window_end     INTEGER NOT NULL,
  watermark      INTEGER,
  min_event_ts   INTEGER,
  max_event_ts   INTEGER,
  files          TEXT NOT NULL,
  stats          TEXT NOT NULL,
  online_synced  INTEGER NOT NULL DEFAULT 0,
  committed_at   INTEGER NOT NULL
);
CREATE INDEX snapshots_by_version ON snapshots (view, version, id);

-- Incremental runs read `watermark < ts <= now` and move it forward.
CREATE TABLE watermarks (
  view       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  watermark  INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (view, version)
);

-- ffill carries each entity's last observed value from one run to the next.
CREATE TABLE ffill_carry (
  view        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  feature     TEXT NOT NULL,
  entity_key  TEXT NOT NULL,
  value,      -- no declared type: no affinity, so "007" stays text and 7 stays a number
  PRIMARY KEY (view, version, feature, entity_key)
);

CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  expires_at  INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL
);
