import type { FittedState } from '../../domain/feature-view-version.js';
import type { NewRun, RunRecord, RunStatus, RunStep, SideRunTrigger } from '../../domain/run.js';
import type { SnapshotCommit, SnapshotRecord, SnapshotReplacement } from '../../domain/snapshot.js';
import { conflict, notFound } from '../../errors.js';
import { ACTIVE_RUN, activeRunConflict } from '../active-run.js';
import { refuseCommit, refuseFence } from '../commit-rules.js';
import { type RunRow, type SnapshotRow, failedRunValues, toRun, toSnapshot } from '../run-rows.js';
import type { RunStore } from '../run-store.js';
import { lockRevision } from './pg-catalog-store.js';
import type { PgDatabase, Queryable } from './pg-database.js';
import { CHANNELS } from './pg-notifier.js';

/**
 * Runs, snapshots, watermarks and ffill carry on PostgreSQL. Workers in any number of processes claim
 * runs with `FOR UPDATE SKIP LOCKED`: each takes a different queued run without waiting on the others.
 * Decisions on a run (commit, replace) lock its row first, so they are made once. It writes its own
 * tables only: a commit that fits its version calls the catalog's `fitVersion` in its transaction, a
 * refit its `refitVersion` in the transaction that queues its run.
 */
export class PgRunStore implements RunStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly fitVersion: (q: Queryable, view: string, version: number, state: FittedState, at: number) => Promise<boolean>,
    private readonly refitVersion: (q: Queryable, view: string, at: number) => Promise<number>,
  ) {}

  async enqueue(run: NewRun, now: number): Promise<RunRecord> {
    const [queued] = await this.enqueueAll([run], now);
    return queued;
  }

  async enqueueAll(runs: NewRun[], now: number, fields: string[] = []): Promise<RunRecord[]> {
    if (runs.length === 0) return [];
    // One run is one statement, atomic on its own: no transaction's round trips.
    if (runs.length === 1) return [await insertRun(this.db, runs[0], now, fields[0] ?? 'name')];
    // In view order: two transactions queuing overlapping views wait on each other's inserts in the
    // same order, so one waits for the other to end instead of the two deadlocking.
    const order = runs.map((_, i) => i).sort((a, b) => (runs[a].featureView < runs[b].featureView ? -1 : runs[a].featureView > runs[b].featureView ? 1 : a - b));
    return this.db.transaction(async (q) => {
      const queued: RunRecord[] = [];
      for (const i of order) queued[i] = await insertRun(q, runs[i], now, fields[i] ?? 'name');
      return queued;
    });
  }

  async enqueueRefit(run: Omit<NewRun, 'version'>, now: number): Promise<RunRecord> {
    // The catalog's lock first (refitVersion takes it), then the run's insert: the order a deletion takes them in.
    return this.db.transaction(async (q) => insertRun(q, { ...run, version: await this.refitVersion(q, run.featureView, now) }, now, 'name'));
  }

  async claim(holder: string, now: number, runId?: number): Promise<RunRecord | null> {
    const pick =
      runId === undefined
        ? "SELECT id FROM runs WHERE status = 'queued' AND not_before <= $2 ORDER BY not_before, id LIMIT 1 FOR UPDATE SKIP LOCKED"
        : "SELECT id FROM runs WHERE status = 'queued' AND id = $3 FOR UPDATE SKIP LOCKED";
    const { rows } = await this.db.query<RunRow>(
      `UPDATE runs SET status = 'running', holder = $1, started_at = $2 WHERE id = (${pick}) AND status = 'queued' RETURNING *`,
      runId === undefined ? [holder, now] : [holder, now, runId],
    );
    return rows.length ? toRun(rows[0]) : null;
  }

  async get(id: number): Promise<RunRecord | null> {
    return getRun(this.db, id);
  }

  async list(filter: { featureView?: string; status?: RunStatus; limit: number; beforeId?: number }): Promise<RunRecord[]> {
    const { rows } = await this.db.query<RunRow>(
      `SELECT * FROM runs WHERE ($1::text IS NULL OR view = $1) AND ($2::text IS NULL OR status = $2)
       AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
      [filter.featureView ?? null, filter.status ?? null, filter.beforeId ?? null, filter.limit],
    );
    return rows.map(toRun);
  }

  async requeue(id: number, notBefore: number, error: string): Promise<void> {
    await this.db.query(
      `WITH moved AS (UPDATE runs SET status = 'queued', attempt = attempt + 1, not_before = $1, holder = NULL, error = $2 WHERE id = $3 AND status = 'running' RETURNING id)
       SELECT pg_notify($4, '') FROM moved`,
      [notBefore, error, id, CHANNELS.runs],
    );
  }

  async fail(id: number, reason: string, error: string, now: number, partial: Parameters<RunStore['fail']>[4] = {}, heldBy?: string): Promise<void> {
    const current = await getRun(this.db, id);
    if (!current) throw notFound('run', id);
    await this.db.query(
      `UPDATE runs SET status = 'failed', reason = $1, error = $2, finished_at = $3, steps = $4, rows_in = $5, rows_rejected = $6,
       rejects_by_reason = $7, rejects_file = $8, snapshot_id = $9 WHERE id = $10 AND ($11::text IS NULL OR (status = 'running' AND holder = $11))`,
      [reason, error, now, ...failedRunValues(partial, current), id, heldBy ?? null],
    );
  }

  async succeed(id: number, now: number, steps: RunStep[]): Promise<void> {
    await this.db.query("UPDATE runs SET status = 'succeeded', finished_at = $1, steps = $2, reason = NULL, error = NULL WHERE id = $3 AND status = 'running'", [now, JSON.stringify(steps), id]);
  }

  async commitSnapshot(c: SnapshotCommit, now: number): Promise<number> {
    return this.db.transaction(async (q) => {
      // The catalog's lock first when the commit fits its version: the order a deletion takes them in.
      if (c.fittedState) await lockRevision(q);
      const run = (
        await q.query<{ status: string; reason: string | null; snapshot_id: number | null; holder: string | null }>('SELECT status, reason, snapshot_id, holder FROM runs WHERE id = $1 FOR UPDATE', [
          c.runId,
        ])
      ).rows[0];
      // The fence first: a run taken over is its new holder's, whatever state it is in now.
      if (c.fence) {
        const { lease, holder, epoch } = c.fence;
        // FOR SHARE holds the lease row until the commit ends: nobody takes the lease over meanwhile.
        const live = await q.query('SELECT 1 FROM leases WHERE name = $1 AND holder = $2 AND acquired_at = $3 FOR SHARE', [lease, holder, epoch]);
        refuseFence(c, run, live.rows.length === 1);
      }
      refuseCommit(c, run && { status: run.status, reason: run.reason, snapshotId: run.snapshot_id });
      const id = (
        await q.query<{ id: number }>(
          `INSERT INTO snapshots (view, version, run_id, rows, window_start, window_end, watermark, min_event_ts, max_event_ts, files, stats, committed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
          [c.featureView, c.version, c.runId, c.rows, c.windowStart, c.windowEnd, c.watermark, c.minEventTs, c.maxEventTs, JSON.stringify(c.files), JSON.stringify(c.stats), now],
        )
      ).rows[0].id;
      await q.query('UPDATE snapshots SET position = id WHERE id = $1', [id]);
      if (c.watermark !== null) {
        await q.query(
          `INSERT INTO watermarks (view, version, watermark, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (view, version) DO UPDATE SET watermark = greatest(watermarks.watermark, excluded.watermark), updated_at = excluded.updated_at`,
          [c.featureView, c.version, c.watermark, now],
        );
      }
      if (c.fittedState && !(await this.fitVersion(q, c.featureView, c.version, c.fittedState, now))) {
        throw conflict(`feature view '${c.featureView}' version ${c.version} was fitted by another run`);
      }
      await upsertCarry(q, c);
      await q.query(
        `UPDATE runs SET window_start = $1, window_end = $2, rows_in = $3, rows_out = $4, rows_rejected = $5, rejects_by_reason = $6,
         rejects_file = $7, snapshot_id = $8, steps = $9 WHERE id = $10`,
        [c.windowStart, c.windowEnd, c.counts.rowsIn, c.counts.rowsOut, c.counts.rowsRejected, JSON.stringify(c.counts.rejectsByReason), c.counts.rejectsFile, id, JSON.stringify(c.steps), c.runId],
      );
      return id;
    });
  }

  async markOnlineSynced(snapshotIds: number[]): Promise<void> {
    await this.db.query('UPDATE snapshots SET online_synced = 1 WHERE id = ANY($1::bigint[])', [snapshotIds]);
  }

  async adoptOrphans(liveHolders: string[], holder: string): Promise<RunRecord[]> {
    // The row locks order two recovering processes: the second finds the runs held by the first.
    const { rows } = await this.db.query<RunRow & { dead: string | null }>(
      `UPDATE runs r SET holder = $1 FROM (
         SELECT id, holder AS dead FROM runs WHERE status = 'running' AND coalesce(holder, '') <> $1 AND NOT (coalesce(holder, '') = ANY($2::text[])) FOR UPDATE
       ) o WHERE r.id = o.id AND r.status = 'running' RETURNING r.*, o.dead`,
      [holder, liveHolders],
    );
    return rows.sort((a, b) => a.id - b.id).map((r) => ({ ...toRun(r), holder: r.dead }));
  }

  async snapshots(featureView: string, version: number, options: { retired?: boolean } = {}): Promise<SnapshotRecord[]> {
    const live = options.retired ? '' : 'AND replaced_by IS NULL';
    return (await this.db.query<SnapshotRow>(`SELECT * FROM snapshots WHERE view = $1 AND version = $2 ${live} ORDER BY position, id`, [featureView, version])).rows.map(toSnapshot);
  }

  async beginSideRun(featureView: string, version: number, trigger: SideRunTrigger, holder: string, now: number): Promise<RunRecord> {
    const { rows } = await this.db.query<RunRow>(
      "INSERT INTO runs (view, version, status, trigger, holder, max_attempts, created_at, started_at) VALUES ($1, $2, 'running', $3, $4, 1, $5, $5) RETURNING *",
      [featureView, version, trigger, holder, now],
    );
    return toRun(rows[0]);
  }

  async replaceSnapshots(r: SnapshotReplacement, now: number): Promise<number> {
    return this.db.transaction(async (q) => {
      const run = (
        await q.query<{ status: string; reason: string | null; snapshot_id: number | null; trigger: string }>('SELECT status, reason, snapshot_id, trigger FROM runs WHERE id = $1 FOR UPDATE', [
          r.runId,
        ])
      ).rows[0];
      if (run && run.trigger !== 'compaction') throw conflict(`run ${r.runId} is not a compaction`);
      refuseCommit(r, run && { status: run.status, reason: run.reason, snapshotId: run.snapshot_id });
      // Locks the version's live snapshots: a second compaction of them waits, then finds them retired.
      const live = (
        await q.query<{ id: number; position: number; online_synced: number; window_start: number | null; window_end: number }>(
          'SELECT id, position, online_synced, window_start, window_end FROM snapshots WHERE view = $1 AND version = $2 AND replaced_by IS NULL ORDER BY position, id FOR UPDATE',
          [r.featureView, r.version],
        )
      ).rows;
      const at = live.findIndex((s) => s.id === r.replaced[0]);
      const contiguous = at >= 0 && r.replaced.length >= 1 && r.replaced.every((id, i) => live[at + i]?.id === id);
      if (!contiguous) throw conflict(`snapshots ${r.replaced.join(', ')} of '${r.featureView}' version ${r.version} are not live and contiguous: not replaced`);
      const replaced = live.slice(at, at + r.replaced.length);
      const position = replaced[replaced.length - 1].position;
      const synced = Math.min(...replaced.map((s) => s.online_synced));
      // As SQL's min(): the earliest start among those that have one.
      const starts = replaced.map((s) => s.window_start).filter((s) => s !== null);
      const windowStart = starts.length ? Math.min(...starts) : null;
      const windowEnd = Math.max(...replaced.map((s) => s.window_end));
      const id = (
        await q.query<{ id: number }>(
          `INSERT INTO snapshots (view, version, run_id, rows, window_start, window_end, watermark, min_event_ts, max_event_ts, files, stats, online_synced, committed_at, position)
           VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
          [r.featureView, r.version, r.runId, r.rows, windowStart, windowEnd, r.minEventTs, r.maxEventTs, JSON.stringify(r.files), JSON.stringify(r.stats), synced, now, position],
        )
      ).rows[0].id;
      await q.query('UPDATE snapshots SET replaced_by = $1, retired_at = $2 WHERE id = ANY($3::bigint[])', [id, now, r.replaced]);
      await q.query('UPDATE runs SET rows_out = $1, snapshot_id = $2, steps = $3 WHERE id = $4', [r.rows, id, JSON.stringify(r.steps), r.runId]);
      return id;
    });
  }

  async retiredSnapshots(before: number): Promise<SnapshotRecord[]> {
    return (await this.db.query<SnapshotRow>('SELECT * FROM snapshots WHERE replaced_by IS NOT NULL AND files_removed = 0 AND retired_at <= $1 ORDER BY id', [before])).rows.map(toSnapshot);
  }

  async markFilesRemoved(snapshotIds: number[]): Promise<void> {
    await this.db.query('UPDATE snapshots SET files_removed = 1 WHERE id = ANY($1::bigint[])', [snapshotIds]);
  }

  async snapshot(id: number): Promise<SnapshotRecord | null> {
    const { rows } = await this.db.query<SnapshotRow>('SELECT * FROM snapshots WHERE id = $1', [id]);
    return rows.length ? toSnapshot(rows[0]) : null;
  }

  async watermark(featureView: string, version: number): Promise<number | null> {
    const { rows } = await this.db.query<{ watermark: number }>('SELECT watermark FROM watermarks WHERE view = $1 AND version = $2', [featureView, version]);
    return rows[0]?.watermark ?? null;
  }

  async carry(featureView: string, version: number): Promise<Record<string, Map<string, number | string>>> {
    const out: Record<string, Map<string, number | string>> = {};
    const { rows } = await this.db.query<{ feature: string; entity_key: string; value: string }>('SELECT feature, entity_key, value FROM ffill_carry WHERE view = $1 AND version = $2', [
      featureView,
      version,
    ]);
    for (const r of rows) (out[r.feature] ??= new Map()).set(r.entity_key, JSON.parse(r.value) as number | string);
    return out;
  }

  /**
   * What a deleted view leaves behind in these tables, removed inside the deletion's transaction (see
   * the SQLite store's `forgetView`: same rules).
   */
  async forgetView(q: Queryable, name: string, now: number): Promise<void> {
    for (const table of ['snapshots', 'watermarks', 'ffill_carry']) await q.query(`DELETE FROM ${table} WHERE view = $1`, [name]);
    await q.query(
      `UPDATE runs SET status = 'failed', reason = 'deleted', error = 'the feature view was deleted', finished_at = $1, holder = NULL WHERE view = $2 AND status IN ('queued', 'running')`,
      [now, name],
    );
  }
}

/**
 * Inserts a queued run (and wakes the workers: in a transaction, at its commit), or throws the conflict
 * of its view's active run. The unique index decides: an insert racing another transaction's waits for
 * it to end, then finds its run.
 */
async function insertRun(q: Queryable, run: NewRun, now: number, field: string): Promise<RunRecord> {
  for (;;) {
    const { rows } = await q.query<RunRow>(
      `WITH inserted AS (
         INSERT INTO runs (view, version, status, trigger, requested_start, requested_end, max_attempts, created_at)
         VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7) ON CONFLICT (view) WHERE ${ACTIVE_RUN} DO NOTHING RETURNING *)
       SELECT *, pg_notify($8, '') FROM inserted`,
      [run.featureView, run.version, run.trigger, run.start, run.end, run.maxAttempts, now, CHANNELS.runs],
    );
    if (rows.length) return toRun(rows[0]);
    const active = (await q.query<{ id: number; status: string }>(`SELECT id, status FROM runs WHERE view = $1 AND ${ACTIVE_RUN}`, [run.featureView])).rows[0];
    if (active) throw activeRunConflict(run.featureView, active, field);
    // The active run ended between the refused insert and this read: try again.
  }
}

async function getRun(q: Queryable, id: number): Promise<RunRecord | null> {
  const { rows } = await q.query<RunRow>('SELECT * FROM runs WHERE id = $1', [id]);
  return rows.length ? toRun(rows[0]) : null;
}

/** The carry of a commit, in batches of one statement each (unnest of parallel arrays). */
async function upsertCarry(q: Queryable, c: SnapshotCommit): Promise<void> {
  const features: string[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  for (const [feature, map] of Object.entries(c.carry)) {
    for (const [key, value] of map) {
      features.push(feature);
      keys.push(key);
      values.push(JSON.stringify(value));
    }
  }
  for (let i = 0; i < features.length; i += 10_000) {
    await q.query(
      `INSERT INTO ffill_carry (view, version, feature, entity_key, value)
       SELECT $1, $2, f, k, v FROM unnest($3::text[], $4::text[], $5::text[]) AS t(f, k, v)
       ON CONFLICT (view, version, feature, entity_key) DO UPDATE SET value = excluded.value`,
      [c.featureView, c.version, features.slice(i, i + 10_000), keys.slice(i, i + 10_000), values.slice(i, i + 10_000)],
    );
  }
}
