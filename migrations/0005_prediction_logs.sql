-- The prediction log: predictions are journaled by the process that received them, then published as
-- Parquet files under the offline root (logs/predictions/model=<m>/date=<d>/). Reads list a model's
-- files here (not the folder), so a file appears to readers in the same transaction that records the
-- journal segment it came from as published: a segment replayed after a crash is never published twice.

CREATE TABLE prediction_log_files (
  path            TEXT PRIMARY KEY,
  model           TEXT NOT NULL,
  date            TEXT NOT NULL,
  rows            INTEGER NOT NULL,
  bytes           INTEGER NOT NULL,
  min_logged_at   INTEGER NOT NULL,
  max_logged_at   INTEGER NOT NULL,
  created_at      INTEGER NOT NULL
);
CREATE INDEX prediction_log_files_by_time ON prediction_log_files (model, max_logged_at);

CREATE TABLE prediction_log_segments (
  segment         TEXT PRIMARY KEY,
  rows            INTEGER NOT NULL,
  published_at    INTEGER NOT NULL
);
