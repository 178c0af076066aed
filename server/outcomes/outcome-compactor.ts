import fs from 'node:fs';
import type { Clock } from '../clock.js';
import { utcDate } from '../domain/time.js';
import type { Logger } from '../logger.js';
import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import type { FileStore } from '../offline/file-store.js';
import { literal } from '../offline/sql.js';
import type { LogRetention } from '../prediction-logs/retention.js';
import { sweepStaged } from '../prediction-logs/staged-sweep.js';
import { compactName, firstKeptDay, isCovered, type OutcomeFile } from './outcome-files.js';
import { batchRows, LATEST_FIRST, outcomeFolder, type OutcomeStore } from './outcome-store.js';

export interface OutcomeCompactorDeps {
  store: OutcomeStore;
  files: FileStore;
  engine: DuckDbEngine;
  clock: Clock;
  logger: Logger;
  retention: LogRetention;
  /** A day is merged this long after it ended; a merged or expired file is deleted this long after reads stopped using it. */
  graceMs: number;
}

export interface OutcomePass {
  /** Batch files merged, compact files written, files of expired days deleted, merged batch files deleted. */
  merged: number;
  written: number;
  expired: number;
  removed: number;
  /** Days whose merge failed (logged; their batches stay and are tried again next pass). */
  failed: number;
}

/**
 * The outcome stream's compaction and retention (run beside the prediction log's, under its lease).
 * Without a registry table, the file names carry the state: a day that ended at least `graceMs` ago
 * and has no compact file yet has its batches merged into one Parquet file named after the first and
 * last batch it holds, each model's latest outcome per prediction only (the same rule reads apply, so
 * answers do not change). Reads use the compact file from the moment it appears and skip the batches
 * it covers; those are deleted a grace period later. Days past the retention are skipped by reads at
 * once and deleted a grace period later.
 */
export class OutcomeCompactor {
  constructor(private readonly deps: OutcomeCompactorDeps) {}

  async runOnce(signal?: AbortSignal): Promise<OutcomePass> {
    const pass: OutcomePass = { merged: 0, written: 0, expired: 0, removed: 0, failed: 0 };
    const now = this.deps.clock.now();
    // A batch stamped before midnight may still be written just after it: a day closes `graceMs` later.
    const lastClosed = utcDate(now - this.deps.graceMs);
    for (const model of await this.deps.store.models()) {
      if (signal?.aborted) break;
      const all = await this.deps.store.all(model);
      const kept = firstKeptDay(this.deps.retention, model, now - this.deps.graceMs);
      const byDate = new Map<string, OutcomeFile[]>();
      for (const f of all) {
        if (kept !== null && f.date < kept) {
          await this.deps.files.remove(f.path);
          pass.expired++;
        } else byDate.set(f.date, [...(byDate.get(f.date) ?? []), f]);
      }
      for (const [date, day] of byDate) {
        const compacts = day.filter((f) => f.kind === 'compact');
        const batches = day.filter((f) => f.kind === 'batch');
        if (compacts.length === 0 && date < lastClosed && batches.length >= 2)
          await this.merge(model, date, batches, pass).catch((e: unknown) => {
            pass.failed++;
            this.deps.logger.warn({ err: e, model, date }, 'outcomes: merge failed; the batches stay as they were');
          });
        else pass.removed += await this.removeMerged(batches, compacts);
      }
    }
    // Staging files of writers that died mid-write (a batch's `writeAtomic`, an earlier merge).
    pass.removed += await sweepStaged(this.deps.files, 'offline/logs/outcomes', now, this.deps.graceMs);
    return pass;
  }

  private async merge(model: string, date: string, batches: OutcomeFile[], pass: OutcomePass): Promise<void> {
    const { files, engine } = this.deps;
    const path = `${outcomeFolder(model)}/${compactName(date, batches)}`;
    const staging = await files.stagingPath(path);
    const rows = batchRows(batches.map((f) => files.locate(f.path)));
    try {
      await engine.withConnection(async (db) => {
        await db.run(
          `COPY (SELECT * FROM ${rows} QUALIFY row_number() OVER (PARTITION BY prediction_id ${LATEST_FIRST}) = 1 ORDER BY predicted_at) TO ${literal(staging)} (FORMAT parquet, COMPRESSION zstd)`,
        );
      });
    } catch (e) {
      await fs.promises.rm(staging, { force: true });
      throw e;
    }
    await files.publish(staging, path);
    pass.merged += batches.length;
    pass.written++;
    this.deps.logger.info(`outcomes: ${model}: ${batches.length} batch files of ${date} merged into ${path}`);
  }

  /** Batches a compact file covers whose compact file is older than the grace period (reads that listed them are over). */
  private async removeMerged(batches: OutcomeFile[], compacts: OutcomeFile[]): Promise<number> {
    const settled = [];
    for (const c of compacts) {
      const stat = await fs.promises.stat(this.deps.files.locate(c.path)).catch(() => null);
      if (stat !== null && this.deps.clock.now() - stat.mtimeMs >= this.deps.graceMs) settled.push(c);
    }
    let removed = 0;
    for (const b of batches) {
      if (!isCovered(b, settled)) continue;
      await this.deps.files.remove(b.path);
      removed++;
    }
    return removed;
  }
}
