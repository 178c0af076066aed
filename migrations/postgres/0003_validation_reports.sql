-- Validation reports: what a run's source rows showed against its view's expectations, one per run
-- (a retried attempt replaces it). Kept with the run history, also for runs that failed validation.

CREATE TABLE validation_reports (
  run_id      bigint PRIMARY KEY,
  view        text NOT NULL,
  version     integer NOT NULL,
  policy      text NOT NULL,
  passed      boolean NOT NULL,
  report      text NOT NULL,
  checked_at  bigint NOT NULL
);
CREATE INDEX validation_reports_view ON validation_reports (view, run_id);
