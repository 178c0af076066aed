-- The catalog: definitions as applied, immutable feature view versions, and the apply history.
-- Specs are stored as JSON text: the zod schemas in server/domain/ are their contract.

CREATE TABLE entities (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE sources (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- One row per view: the latest applied input (metadata lives here and is updated in place).
CREATE TABLE feature_views (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- Immutable versions: `definition` (features, resolved entities and source, fit) never changes once
-- written; `fitted_state` is written once, by the version's first successful fit.
CREATE TABLE feature_view_versions (
  view          TEXT NOT NULL REFERENCES feature_views(name) ON DELETE CASCADE,
  version       INTEGER NOT NULL,
  definition    TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  reason        TEXT NOT NULL,
  fitted_state  TEXT,
  fitted_at     INTEGER,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (view, version)
);

CREATE TABLE feature_services (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE apply_history (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  applied_at  INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  summary     TEXT NOT NULL,
  bundle      TEXT NOT NULL
);

-- Bumped by every catalog write, so caches in other processes notice a change with one cheap read.
CREATE TABLE catalog_revision (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  revision  INTEGER NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);
