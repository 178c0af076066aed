-- Scheduled drift monitors (catalog definitions, like alert rules) and the results of their runs
-- (docs/drift.md). A result keeps the whole drift report as JSON; the columns beside it are what
-- listings filter and sort on.

CREATE TABLE monitors (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE monitor_results (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
  dataset_drift   INTEGER,
  share           REAL,
  -- JSON: the drift report when ok, null when failed.
  report          TEXT,
  error           TEXT,
  started_at      INTEGER NOT NULL,
  finished_at     INTEGER NOT NULL
);
CREATE INDEX monitor_results_by_monitor ON monitor_results (monitor, id);
