-- Caller-given prediction ids, claimed by the journal segment that publishes them first (see the SQLite
-- migration 0012_prediction_log_ids.sql for the why).

CREATE TABLE prediction_log_ids (
  id              text PRIMARY KEY,
  segment         text NOT NULL,
  claimed_at      bigint NOT NULL
);
CREATE INDEX prediction_log_ids_by_time ON prediction_log_ids (claimed_at);
