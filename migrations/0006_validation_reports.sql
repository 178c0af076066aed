-- Validation reports: what a run's source rows showed against its view's expectations, one per run
-- (a retried attempt replaces it). Kept with the run history, also for runs that failed validation.

CREATE TABLE validation_reports (
  run_id      INTEGER PRIMARY KEY,
  view        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  policy      TEXT NOT NULL,
  passed      INTEGER NOT NULL,
  report      TEXT NOT NULL,
  checked_at  INTEGER NOT NULL
);
CREATE INDEX validation_reports_view ON validation_reports (view, run_id);
