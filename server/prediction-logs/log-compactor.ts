import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { utcDate } from '../domain/time.js';
import type { Logger } from '../logger.js';
import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import type { FileStore } from '../offline/file-store.js';
import { fileList, literal } from '../offline/sql.js';
import type { LogFileRecord, LogFileStore } from './log-file-store.js';
import { FILE_FORMAT, FILE_ORDER, logFolder } from './log-publisher.js';
import { type LogRetention, retentionDays } from './retention.js';
import { sweepStaged } from './staged-sweep.js';

const DAY_MS = 86_400_000;
const LOG_ROOT = 'offline/logs/predictions';
/** Files merged into one at most (while a day is written, at least). */
const MERGE_FILES = 8;
/**
 * An unlisted file younger than this is never deleted, whatever the grace period: a publisher (or the
 * start-up replay) renames a file into place before the registry records it, and a sweep that falls
 * between the two would otherwise delete a file the registry is about to list.
 */
export const SWEEP_FLOOR_MS = 60_000;

export interface LogCompactorDeps {
  store: LogFileStore;
  files: FileStore;
  engine: DuckDbEngine;
  clock: Clock;
  logger: Logger;
  /** Rows per merged file at most; files of a model and day are merged up to this. */
  targetRows: number;
  retention: LogRetention;
  /** Files no longer in the registry stay this long (a read that listed them may still be reading); staging files left by a dead writer, at least `STAGED_FLOOR_MS`. */
  graceMs: number;
}

export interface CompactionPass {
  merged: number;
  written: number;
  expired: number;
  removed: number;
  /** Groups whose merge failed (logged; their files stay listed and are tried again next pass). */
  failed: number;
}

/**
 * The prediction log's compaction job (the scheduler lease holder runs it): per model and day, small
 * files are merged into files of up to `targetRows` rows, sorted newest first like every file; days
 * older than the model's retention leave the registry. Files the registry no longer lists are deleted
 * a grace period later, so reads under way finish.
 */
export class LogCompactor {
  constructor(private readonly deps: LogCompactorDeps) {}

  async runOnce(signal?: AbortSignal): Promise<CompactionPass> {
    const pass: CompactionPass = { merged: 0, written: 0, expired: 0, removed: 0, failed: 0 };
    for (const model of await this.deps.store.models()) {
      if (signal?.aborted) break;
      const files = await this.deps.store.files(model);
      const kept = await this.expire(model, files, pass);
      const byDate = new Map<string, LogFileRecord[]>();
      for (const f of kept) byDate.set(f.date, [...(byDate.get(f.date) ?? []), f]);
      const today = utcDate(this.deps.clock.now());
      for (const [date, day] of byDate) {
        for (const group of this.groups(day, date < today)) {
          if (signal?.aborted) break;
          await this.merge(model, date, group, pass).catch((e: unknown) => {
            // One bad group (a file gone from disk, a full disk) must not stop every other group's merge.
            pass.failed++;
            this.deps.logger.warn({ err: e, model, date, files: group.length }, 'prediction log: merge failed; its files stay as they were');
          });
        }
      }
    }
    pass.removed = await this.sweep();
    // Staging files of writers that died mid-write (a publisher's or an earlier compaction's).
    pass.removed += await sweepStaged(this.deps.files, LOG_ROOT, this.deps.clock.now(), this.deps.graceMs);
    return pass;
  }

  private async expire(model: string, files: LogFileRecord[], pass: CompactionPass): Promise<LogFileRecord[]> {
    const days = retentionDays(this.deps.retention, model);
    if (days === null) return files;
    // Whole days: a day's files go once every row of it is older than the retention.
    const firstKept = utcDate(this.deps.clock.now() - days * DAY_MS);
    const old = files.filter((f) => f.date < firstKept);
    if (
      old.length > 0 &&
      (await this.deps.store.replace(
        old.map((f) => f.path),
        [],
      ))
    ) {
      pass.expired += old.length;
      this.deps.logger.info(`prediction log: ${model}: ${old.length} files before ${firstKept} are past the ${days}-day retention`);
      return files.filter((f) => f.date >= firstKept);
    }
    return files;
  }

  /**
   * Small files of one day packed newest first into groups of at most `targetRows` rows and
   * `MERGE_FILES` files. While the day is still being written only full groups are merged, so a
   * merged file is rewritten again only with as many others (tiers, not a rewrite every pass); once
   * the day is over, every group of two or more is.
   */
  private groups(day: LogFileRecord[], closed: boolean): LogFileRecord[][] {
    const small = day.filter((f) => f.rows < this.deps.targetRows / 2).sort((a, b) => b.maxLoggedAt - a.maxLoggedAt);
    const out: LogFileRecord[][] = [];
    let current: LogFileRecord[] = [];
    let rows = 0;
    for (const f of small) {
      if (current.length > 0 && (rows + f.rows > this.deps.targetRows || current.length === MERGE_FILES)) {
        out.push(current);
        current = [];
        rows = 0;
      }
      current.push(f);
      rows += f.rows;
    }
    out.push(current);
    return out.filter((g) => g.length >= (closed ? 2 : MERGE_FILES));
  }

  private async merge(model: string, date: string, group: LogFileRecord[], pass: CompactionPass): Promise<void> {
    const { files, engine, store, clock } = this.deps;
    const path = `${logFolder(model, date)}/compact-${clock.now()}-${randomBytes(4).toString('hex')}.parquet`;
    const staging = await files.stagingPath(path);
    const sources = fileList(group.map((f) => files.locate(f.path)));
    try {
      await engine.withConnection(async (db) => {
        await db.run(`COPY (SELECT * FROM read_parquet(${sources}) ${FILE_ORDER}) TO ${literal(staging)} (${FILE_FORMAT})`);
      });
    } catch (e) {
      await fs.promises.rm(staging, { force: true });
      throw e;
    }
    const bytes = (await fs.promises.stat(staging)).size;
    await files.publish(staging, path);
    const record: LogFileRecord = {
      path,
      model,
      date,
      rows: group.reduce((n, f) => n + f.rows, 0),
      bytes,
      minLoggedAt: Math.min(...group.map((f) => f.minLoggedAt)),
      maxLoggedAt: Math.max(...group.map((f) => f.maxLoggedAt)),
      createdAt: clock.now(),
    };
    if (
      !(await store.replace(
        group.map((f) => f.path),
        [record],
      ))
    ) {
      // Another pass changed these files first: this merge is not part of the log.
      await files.remove(path);
      return;
    }
    pass.merged += group.length;
    pass.written += 1;
  }

  /** Deletes files under the log's folder that the registry does not list and that are older than the grace period (and `SWEEP_FLOOR_MS`). */
  private async sweep(): Promise<number> {
    const { files, store, clock } = this.deps;
    const minAge = Math.max(this.deps.graceMs, SWEEP_FLOOR_MS);
    const onDisk = (await files.list(LOG_ROOT)).filter((f) => f.endsWith('.parquet'));
    const listed = new Set<string>();
    for (const model of new Set(onDisk.map((f) => /model=([^/]+)/.exec(f)?.[1]).filter((m): m is string => m !== undefined))) {
      for (const f of await store.files(model)) listed.add(f.path);
    }
    let removed = 0;
    for (const f of onDisk) {
      if (listed.has(f)) continue;
      const stat = await fs.promises.stat(files.locate(f)).catch(() => null);
      if (stat === null || clock.now() - stat.mtimeMs < minAge) continue;
      await files.remove(f);
      removed++;
    }
    return removed;
  }
}
