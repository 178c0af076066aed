import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import type { FileStore } from '../offline/file-store.js';
import { type SnapshotFileOptions, SnapshotWriter } from '../offline/snapshot-writer.js';
import type { OutputBatch } from '../pipelines/output-batch.js';
import { SnapshotStats } from '../pipelines/snapshot-stats.js';
import { Stopwatch } from '../pipelines/stopwatch.js';
import type { RunStore } from '../registry/run-store.js';
import type { KeyType } from '../domain/value-type.js';

export interface OfflineBatcherDeps {
  runs: RunStore;
  files: FileStore;
  engine: DuckDbEngine;
  fileOptions: SnapshotFileOptions;
  clock: Clock;
  logger: Logger;
  /** This process, as the scheduler lease knows it: a commit's run is recorded under it. */
  holder: string;
  /** At most one snapshot commit per view version per this many ms (0: one per request batch as it comes). */
  intervalMs: number;
}

/** Where one version's pushed rows go. */
export interface PushTable {
  view: string;
  version: number;
  keys: { name: string; type: KeyType }[];
  hasCreated: boolean;
}

/** What a request gets back once its rows are committed. */
export interface OfflineCommit {
  snapshotId: number;
  /** Call when the request's online part is done (or was not asked for): the snapshot is marked synced once every request in it called. */
  settled(onlineWritten: boolean): void;
}

interface Waiting {
  batch: OutputBatch;
  resolve: (commit: OfflineCommit) => void;
  reject: (e: unknown) => void;
}

interface Lane {
  table: PushTable;
  waiting: Waiting[];
  lastCommit: number;
  timer: NodeJS.Timeout | null;
  busy: boolean;
}

/**
 * Group commit of pushed rows to the offline store. The rows of every request that arrives for a
 * view version within one interval are written as one snapshot (the run-per-folder layout of
 * docs/offline-layout.md, one `run=<id>/` folder) and committed in one registry transaction; each
 * request is answered only after that commit, so an answered push survives kill -9. Compaction later
 * merges these small snapshots like any others. A failed commit fails every request in it and leaves
 * nothing visible (its files are removed; a crash leaves a running run whose files recovery removes).
 */
export class OfflineBatcher {
  private readonly lanes = new Map<string, Lane>();
  private closed = false;

  constructor(private readonly deps: OfflineBatcherDeps) {}

  add(table: PushTable, batch: OutputBatch): Promise<OfflineCommit> {
    if (this.closed) return Promise.reject(new Error('the server is stopping: push not accepted'));
    const key = `${table.view}@${table.version}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { table, waiting: [], lastCommit: -Infinity, timer: null, busy: false };
      this.lanes.set(key, lane);
    }
    const promise = new Promise<OfflineCommit>((resolve, reject) => lane.waiting.push({ batch, resolve, reject }));
    this.schedule(lane);
    return promise;
  }

  /** Commits what is waiting now and refuses new pushes (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = null;
      while (lane.busy) await new Promise((r) => setTimeout(r, 5));
      if (lane.waiting.length) await this.flush(lane);
    }
  }

  private schedule(lane: Lane): void {
    if (lane.busy || lane.timer) return;
    const wait = Math.max(0, lane.lastCommit + this.deps.intervalMs - Date.now());
    lane.timer = setTimeout(() => {
      lane.timer = null;
      void this.flush(lane);
    }, wait);
  }

  private async flush(lane: Lane): Promise<void> {
    const batch = lane.waiting;
    lane.waiting = [];
    if (batch.length === 0) return;
    lane.busy = true;
    lane.lastCommit = Date.now();
    try {
      const id = await this.commit(
        lane.table,
        batch.map((w) => w.batch),
      );
      let pending = batch.length;
      let allOnline = true;
      const settled = (onlineWritten: boolean) => {
        allOnline &&= onlineWritten;
        if (--pending === 0 && allOnline) {
          this.deps.runs.markOnlineSynced([id]).catch((e) => this.deps.logger.warn({ err: errorMessage(e), snapshotId: id }, 'could not mark a pushed snapshot synced'));
        }
      };
      for (const w of batch) w.resolve({ snapshotId: id, settled });
    } catch (e) {
      for (const w of batch) w.reject(e);
    } finally {
      lane.busy = false;
      if (lane.waiting.length) this.schedule(lane);
    }
  }

  private async commit(table: PushTable, batches: OutputBatch[]): Promise<number> {
    const { runs, files, clock, logger } = this.deps;
    // A run records the commit (runs are what recovery cleans up after a crash). The store's one
    // kind of run that may run beside a view's materialization is a compaction's.
    const run = await runs.beginSideRun(table.view, table.version, 'push', this.deps.holder, clock.now());
    const folder = `offline/${table.view}/v${table.version}/run=${run.id}`;
    const watch = new Stopwatch();
    const writer = new SnapshotWriter(this.deps.engine, files, { folder, keys: table.keys, hasCreated: table.hasCreated }, this.deps.fileOptions);
    try {
      const stats = new SnapshotStats();
      let rowsIn = 0;
      let min = Infinity;
      let max = -Infinity;
      for (const b of batches) {
        stats.add(b);
        rowsIn += b.length;
        for (let i = 0; i < b.length; i++) {
          const t = b.eventTs[i];
          if (t < min) min = t;
          if (t > max) max = t;
        }
        await watch.timeAsync('write', () => writer.add(b));
      }
      const written = await watch.timeAsync('write', () => writer.finish());
      await writer.close();
      const id = await watch.timeAsync('commit', () =>
        runs.commitSnapshot(
          {
            runId: run.id,
            featureView: table.view,
            version: table.version,
            rows: written.rows,
            windowStart: null,
            windowEnd: max,
            minEventTs: written.rows ? min : null,
            maxEventTs: written.rows ? max : null,
            files: written.files,
            stats: stats.result(),
            // Pushes never move the watermark: the batch source's runs go on from where they were.
            watermark: null,
            fittedState: null,
            carry: {},
            counts: { rowsIn, rowsOut: written.rows, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
            steps: watch.steps(),
          },
          clock.now(),
        ),
      );
      await runs.succeed(run.id, clock.now(), watch.steps());
      logger.debug({ runId: run.id, featureView: table.view, version: table.version, rows: written.rows, requests: batches.length, snapshotId: id }, 'pushed rows committed');
      return id;
    } catch (e) {
      await writer.abort().catch(() => undefined);
      await files.remove(folder).catch(() => undefined);
      await runs.fail(run.id, 'push_error', errorMessage(e), clock.now(), { steps: watch.steps() }).catch(() => undefined);
      throw e;
    }
  }
}
