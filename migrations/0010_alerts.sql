-- Alert rules and webhooks (catalog definitions, like feature services), the alerts they raised, and
-- the deliveries of those alerts to webhooks (docs/alerts.md).

CREATE TABLE alert_rules (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE webhooks (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE alerts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  rule          TEXT NOT NULL,
  kind          TEXT NOT NULL,
  -- What the condition is about (a view, a monitor's feature, a model), as its provider names it.
  subject       TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  value         REAL,
  message       TEXT NOT NULL,
  retrain       INTEGER NOT NULL DEFAULT 0,
  fired_at      INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  resolved_at   INTEGER
);
-- An alert is deduplicated while open: at most one open alert per rule and subject, whichever
-- processes evaluate at once.
CREATE UNIQUE INDEX alerts_one_open ON alerts (rule, subject) WHERE status = 'open';
CREATE INDEX alerts_by_rule ON alerts (rule, id);

CREATE TABLE alert_deliveries (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  -- X-Tessera-Delivery: the same for every attempt of one delivery.
  delivery_id   TEXT NOT NULL UNIQUE,
  alert_id      INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
  webhook       TEXT NOT NULL,
  event         TEXT NOT NULL CHECK (event IN ('alert.fired', 'alert.resolved')),
  status        TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  last_status   INTEGER,
  last_error    TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX alert_deliveries_by_alert ON alert_deliveries (alert_id);
