-- Compaction: a background job merges a version's small snapshots into one. The merged snapshot takes
-- the place of the ones it replaced in the version's snapshot order (`position`); they stay as
-- records (`replaced_by`), and their files stay until no saved training dataset pins them.

ALTER TABLE snapshots ADD COLUMN position INTEGER;
UPDATE snapshots SET position = id;
ALTER TABLE snapshots ADD COLUMN replaced_by INTEGER;
ALTER TABLE snapshots ADD COLUMN retired_at INTEGER;
ALTER TABLE snapshots ADD COLUMN files_removed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX snapshots_live ON snapshots (view, version, position) WHERE replaced_by IS NULL;

-- A compaction is recorded as a run (trigger 'compaction', its files under run=<id>/) so a crash is
-- recovered like one; it never counts as the view's active run, so it never holds up a materialization.
DROP INDEX runs_one_active_per_view;
CREATE UNIQUE INDEX runs_one_active_per_view ON runs (view) WHERE status IN ('queued', 'running') AND trigger <> 'compaction';
