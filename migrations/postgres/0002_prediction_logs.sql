-- The prediction log's published files and the journal segments they came from (see the SQLite
-- migration 0005_prediction_logs.sql for the why).

CREATE TABLE prediction_log_files (
  path            text PRIMARY KEY,
  model           text NOT NULL,
  date            text NOT NULL,
  rows            bigint NOT NULL,
  bytes           bigint NOT NULL,
  min_logged_at   bigint NOT NULL,
  max_logged_at   bigint NOT NULL,
  created_at      bigint NOT NULL
);
CREATE INDEX prediction_log_files_by_time ON prediction_log_files (model, max_logged_at);

CREATE TABLE prediction_log_segments (
  segment         text PRIMARY KEY,
  rows            bigint NOT NULL,
  published_at    bigint NOT NULL
);
