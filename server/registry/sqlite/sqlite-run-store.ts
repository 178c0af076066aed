import type Database from 'better-sqlite3';
import type { FittedState } from '../../domain/feature-view-version.js';
import { conflict, notFound } from '../../errors.js';
import type { NewRun, RunRecord, RunStatus, RunStep, SideRunTrigger } from '../../domain/run.js';
import type { RunStore } from '../run-store.js';
import type { SnapshotCommit, SnapshotRecord, SnapshotReplacement } from '../../domain/snapshot.js';
import { ACTIVE_RUN, activeRunConflict } from '../active-run.js';
import { refuseCommit, refuseFence } from '../commit-rules.js';
import { type RunRow, type SnapshotRow, failedRunValues, toRun, toSnapshot } from '../run-rows.js';

/**
 * Runs, snapshots, watermarks and ffill carry in registry.db. It writes its own tables only: a commit
 * that fits its version calls the `fitVersion` it is given (the catalog's), inside the commit's
 * transaction; a refit calls `refitVersion` inside the transaction that queues its run.
 */
export class SqliteRunStore implements RunStore {
  constructor(
    private readonly db: Database.Database,
    private readonly fitVersion: (view: string, version: number, state: FittedState, at: number) => boolean,
    private readonly refitVersion: (view: string, at: number) => number,
  ) {}

  async enqueue(run: NewRun, now: number): Promise<RunRecord> {
    const [queued] = await this.enqueueAll([run], now);
    return queued;
  }

  async enqueueAll(runs: NewRun[], now: number, fields: string[] = []): Promise<RunRecord[]> {
    // IMMEDIATE: the write lock is taken before the reads, so no other connection queues a run in between.
    return this.db.transaction(() => this.insertRuns(runs, now, fields)).immediate();
  }

  async enqueueRefit(run: Omit<NewRun, 'version'>, now: number): Promise<RunRecord> {
    return this.db
      .transaction(() => {
        const version = this.refitVersion(run.featureView, now);
        return this.insertRuns([{ ...run, version }], now, ['name'])[0];
      })
      .immediate();
  }

  /** Queues `runs` inside the caller's transaction, or throws the conflict of the first whose view has an active run. */
  private insertRuns(runs: NewRun[], now: number, fields: string[]): RunRecord[] {
    const activeOf = this.db.prepare(`SELECT id, status FROM runs WHERE view = ? AND ${ACTIVE_RUN}`);
    const insert = this.db.prepare("INSERT INTO runs (view, version, status, trigger, requested_start, requested_end, max_attempts, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)");
    return runs.map((run, i) => {
      const active = activeOf.get(run.featureView) as { id: number; status: string } | undefined;
      if (active) throw activeRunConflict(run.featureView, active, fields[i] ?? 'name');
      const id = insert.run(run.featureView, run.version, run.trigger, run.start, run.end, run.maxAttempts, now).lastInsertRowid;
      return this.getSync(Number(id))!;
    });
  }

  async claim(holder: string, now: number, runId?: number): Promise<RunRecord | null> {
    return this.db
      .transaction(() => {
        const row = (
          runId === undefined
            ? this.db.prepare("SELECT id FROM runs WHERE status = 'queued' AND not_before <= ? ORDER BY not_before, id LIMIT 1").get(now)
            : this.db.prepare("SELECT id FROM runs WHERE status = 'queued' AND id = ?").get(runId)
        ) as { id: number } | undefined;
        if (!row) return null;
        this.db.prepare("UPDATE runs SET status = 'running', holder = ?, started_at = ? WHERE id = ?").run(holder, now, row.id);
        return this.getSync(row.id);
      })
      .immediate();
  }

  async get(id: number): Promise<RunRecord | null> {
    return this.getSync(id);
  }

  async list(filter: { featureView?: string; status?: RunStatus; limit: number; beforeId?: number }): Promise<RunRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM runs WHERE (@view IS NULL OR view = @view) AND (@status IS NULL OR status = @status)
         AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ view: filter.featureView ?? null, status: filter.status ?? null, before: filter.beforeId ?? null, limit: filter.limit }) as RunRow[];
    return rows.map(toRun);
  }

  async requeue(id: number, notBefore: number, error: string): Promise<void> {
    this.db.prepare("UPDATE runs SET status = 'queued', attempt = attempt + 1, not_before = ?, holder = NULL, error = ? WHERE id = ? AND status = 'running'").run(notBefore, error, id);
  }

  async fail(id: number, reason: string, error: string, now: number, partial: Parameters<RunStore['fail']>[4] = {}, heldBy?: string): Promise<void> {
    const current = this.getSync(id);
    if (!current) throw notFound('run', id);
    this.db
      .prepare(
        `UPDATE runs SET status = 'failed', reason = ?, error = ?, finished_at = ?, steps = ?, rows_in = ?, rows_rejected = ?,
         rejects_by_reason = ?, rejects_file = ?, snapshot_id = ? WHERE id = ? AND (? IS NULL OR (status = 'running' AND holder = ?))`,
      )
      .run(reason, error, now, ...failedRunValues(partial, current), id, heldBy ?? null, heldBy ?? null);
  }

  async succeed(id: number, now: number, steps: RunStep[]): Promise<void> {
    // Only a running run: one failed meanwhile (its view deleted) stays failed.
    this.db.prepare("UPDATE runs SET status = 'succeeded', finished_at = ?, steps = ?, reason = NULL, error = NULL WHERE id = ? AND status = 'running'").run(now, JSON.stringify(steps), id);
  }

  async commitSnapshot(c: SnapshotCommit, now: number): Promise<number> {
    return this.db
      .transaction(() => {
        // A run whose view was deleted meanwhile (and maybe created again) commits nothing.
        const run = this.db.prepare('SELECT status, reason, snapshot_id, holder FROM runs WHERE id = ?').get(c.runId) as
          | { status: string; reason: string | null; snapshot_id: number | null; holder: string | null }
          | undefined;
        // The fence first: a run taken over is its new holder's, whatever state it is in now.
        if (c.fence) {
          const { lease, holder, epoch } = c.fence;
          const live = this.db.prepare('SELECT 1 FROM leases WHERE name = ? AND holder = ? AND acquired_at = ?').get(lease, holder, epoch);
          refuseFence(c, run, live !== undefined);
        }
        refuseCommit(c, run && { status: run.status, reason: run.reason, snapshotId: run.snapshot_id });
        const id = Number(
          this.db
            .prepare(
              `INSERT INTO snapshots (view, version, run_id, rows, window_start, window_end, watermark, min_event_ts, max_event_ts, files, stats, committed_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(c.featureView, c.version, c.runId, c.rows, c.windowStart, c.windowEnd, c.watermark, c.minEventTs, c.maxEventTs, JSON.stringify(c.files), JSON.stringify(c.stats), now).lastInsertRowid,
        );
        this.db.prepare('UPDATE snapshots SET position = id WHERE id = ?').run(id);
        if (c.watermark !== null) {
          this.db
            .prepare(
              `INSERT INTO watermarks (view, version, watermark, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (view, version) DO UPDATE SET watermark = max(watermark, excluded.watermark), updated_at = excluded.updated_at`,
            )
            .run(c.featureView, c.version, c.watermark, now);
        }
        if (c.fittedState && !this.fitVersion(c.featureView, c.version, c.fittedState, now)) {
          throw conflict(`feature view '${c.featureView}' version ${c.version} was fitted by another run`);
        }
        const upsertCarry = this.db.prepare('INSERT INTO ffill_carry (view, version, feature, entity_key, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value');
        for (const [feature, values] of Object.entries(c.carry)) {
          for (const [key, value] of values) upsertCarry.run(c.featureView, c.version, feature, key, value);
        }
        this.db
          .prepare(
            `UPDATE runs SET window_start = ?, window_end = ?, rows_in = ?, rows_out = ?, rows_rejected = ?, rejects_by_reason = ?,
             rejects_file = ?, snapshot_id = ?, steps = ? WHERE id = ?`,
          )
          .run(
            c.windowStart,
            c.windowEnd,
            c.counts.rowsIn,
            c.counts.rowsOut,
            c.counts.rowsRejected,
            JSON.stringify(c.counts.rejectsByReason),
            c.counts.rejectsFile,
            id,
            JSON.stringify(c.steps),
            c.runId,
          );
        return id;
      })
      .immediate();
  }

  async markOnlineSynced(snapshotIds: number[]): Promise<void> {
    const mark = this.db.prepare('UPDATE snapshots SET online_synced = 1 WHERE id = ?');
    this.db.transaction(() => snapshotIds.forEach((id) => mark.run(id)))();
  }

  async adoptOrphans(liveHolders: string[], holder: string): Promise<RunRecord[]> {
    return this.db
      .transaction(() => {
        const running = (this.db.prepare("SELECT * FROM runs WHERE status = 'running' ORDER BY id").all() as RunRow[]).filter((r) => r.holder !== holder && !liveHolders.includes(r.holder ?? ''));
        const adopt = this.db.prepare('UPDATE runs SET holder = ? WHERE id = ?');
        for (const r of running) adopt.run(holder, r.id);
        return running.map(toRun);
      })
      .immediate();
  }

  async snapshots(featureView: string, version: number, options: { retired?: boolean } = {}): Promise<SnapshotRecord[]> {
    const live = options.retired ? '' : 'AND replaced_by IS NULL';
    return (this.db.prepare(`SELECT * FROM snapshots WHERE view = ? AND version = ? ${live} ORDER BY position, id`).all(featureView, version) as SnapshotRow[]).map(toSnapshot);
  }

  async beginSideRun(featureView: string, version: number, trigger: SideRunTrigger, holder: string, now: number): Promise<RunRecord> {
    const id = this.db
      .prepare("INSERT INTO runs (view, version, status, trigger, holder, max_attempts, created_at, started_at) VALUES (?, ?, 'running', ?, ?, 1, ?, ?)")
      .run(featureView, version, trigger, holder, now, now).lastInsertRowid;
    return this.getSync(Number(id))!;
  }

  async replaceSnapshots(r: SnapshotReplacement, now: number): Promise<number> {
    return this.db
      .transaction(() => {
        const run = this.db.prepare('SELECT status, reason, snapshot_id, trigger FROM runs WHERE id = ?').get(r.runId) as
          | { status: string; reason: string | null; snapshot_id: number | null; trigger: string }
          | undefined;
        if (run && run.trigger !== 'compaction') throw conflict(`run ${r.runId} is not a compaction`);
        refuseCommit(r, run && { status: run.status, reason: run.reason, snapshotId: run.snapshot_id });
        const live = this.db.prepare('SELECT id, position FROM snapshots WHERE view = ? AND version = ? AND replaced_by IS NULL ORDER BY position, id').all(r.featureView, r.version) as {
          id: number;
          position: number;
        }[];
        const at = live.findIndex((s) => s.id === r.replaced[0]);
        const contiguous = at >= 0 && r.replaced.length >= 1 && r.replaced.every((id, i) => live[at + i]?.id === id);
        if (!contiguous) throw conflict(`snapshots ${r.replaced.join(', ')} of '${r.featureView}' version ${r.version} are not live and contiguous: not replaced`);
        const position = live[at + r.replaced.length - 1].position;
        const synced = this.db
          .prepare(`SELECT min(online_synced) AS s, min(window_start) AS ws, max(window_end) AS we FROM snapshots WHERE id IN (${r.replaced.map(() => '?').join(', ')})`)
          .get(...r.replaced) as {
          s: number;
          ws: number | null;
          we: number;
        };
        const id = Number(
          this.db
            .prepare(
              `INSERT INTO snapshots (view, version, run_id, rows, window_start, window_end, watermark, min_event_ts, max_event_ts, files, stats, online_synced, committed_at, position)
               VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(r.featureView, r.version, r.runId, r.rows, synced.ws, synced.we, r.minEventTs, r.maxEventTs, JSON.stringify(r.files), JSON.stringify(r.stats), synced.s, now, position)
            .lastInsertRowid,
        );
        const retire = this.db.prepare('UPDATE snapshots SET replaced_by = ?, retired_at = ? WHERE id = ?');
        for (const old of r.replaced) retire.run(id, now, old);
        this.db.prepare('UPDATE runs SET rows_out = ?, snapshot_id = ?, steps = ? WHERE id = ?').run(r.rows, id, JSON.stringify(r.steps), r.runId);
        return id;
      })
      .immediate();
  }

  async retiredSnapshots(before: number): Promise<SnapshotRecord[]> {
    return (this.db.prepare('SELECT * FROM snapshots WHERE replaced_by IS NOT NULL AND files_removed = 0 AND retired_at <= ? ORDER BY id').all(before) as SnapshotRow[]).map(toSnapshot);
  }

  async markFilesRemoved(snapshotIds: number[]): Promise<void> {
    const mark = this.db.prepare('UPDATE snapshots SET files_removed = 1 WHERE id = ?');
    this.db.transaction(() => snapshotIds.forEach((id) => mark.run(id)))();
  }

  async snapshot(id: number): Promise<SnapshotRecord | null> {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow | undefined;
    return row ? toSnapshot(row) : null;
  }

  async watermark(featureView: string, version: number): Promise<number | null> {
    const row = this.db.prepare('SELECT watermark FROM watermarks WHERE view = ? AND version = ?').get(featureView, version) as { watermark: number } | undefined;
    return row?.watermark ?? null;
  }

  async carry(featureView: string, version: number): Promise<Record<string, Map<string, number | string>>> {
    const out: Record<string, Map<string, number | string>> = {};
    const rows = this.db.prepare('SELECT feature, entity_key, value FROM ffill_carry WHERE view = ? AND version = ?').iterate(featureView, version) as IterableIterator<{
      feature: string;
      entity_key: string;
      value: number | string;
    }>;
    for (const r of rows) (out[r.feature] ??= new Map()).set(r.entity_key, r.value);
    return out;
  }

  /**
   * What a deleted view leaves behind in these tables, removed inside the deletion's transaction: no
   * snapshots or watermarks (a view created later under its name starts from the whole history), no
   * ffill carry, and no active run (one still executing is refused at its commit, which checks that it
   * is still running).
   */
  forgetView(name: string, now: number): void {
    for (const table of ['snapshots', 'watermarks', 'ffill_carry']) this.db.prepare(`DELETE FROM ${table} WHERE view = ?`).run(name);
    this.db
      .prepare(`UPDATE runs SET status = 'failed', reason = 'deleted', error = 'the feature view was deleted', finished_at = ?, holder = NULL WHERE view = ? AND status IN ('queued', 'running')`)
      .run(now, name);
  }

  private getSync(id: number): RunRecord | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }
}
