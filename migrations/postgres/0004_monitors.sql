-- Scheduled drift monitors and the results of their runs (SQLite migration 0007).

CREATE TABLE monitors (
  name        text PRIMARY KEY,
  spec        text NOT NULL,
  created_at  bigint NOT NULL,
  updated_at  bigint NOT NULL
);

CREATE TABLE monitor_results (
  id              bigserial PRIMARY KEY,
  monitor         text NOT NULL,
  status          text NOT NULL CHECK (status IN ('ok', 'failed')),
  dataset_drift   boolean,
  share           double precision,
  report          text,
  error           text,
  started_at      bigint NOT NULL,
  finished_at     bigint NOT NULL
);
CREATE INDEX monitor_results_by_monitor ON monitor_results (monitor, id);
