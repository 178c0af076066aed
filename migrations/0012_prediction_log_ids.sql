-- Caller-given prediction ids, claimed by the journal segment that publishes them first: a request
-- retried on another process is journaled there too, and its copy is dropped when that segment is
-- published (docs/prediction-logs.md, "Retries across processes"). Claims older than the dedupe window
-- are deleted by the next publish.

CREATE TABLE prediction_log_ids (
  id              TEXT PRIMARY KEY,
  segment         TEXT NOT NULL,
  claimed_at      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX prediction_log_ids_by_time ON prediction_log_ids (claimed_at);
