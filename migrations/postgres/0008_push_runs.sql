-- A push to the offline store is recorded as a run of its own (trigger 'push', its files under
-- run=<id>/), like a compaction: it shows in the runs list with its rows and status, a crash is
-- recovered like any run's, and it never counts as the view's active run, so pushes go on while the
-- view's batch source materializes.
DROP INDEX runs_one_active_per_view;
CREATE UNIQUE INDEX runs_one_active_per_view ON runs (view) WHERE status IN ('queued', 'running') AND trigger NOT IN ('compaction', 'push');
