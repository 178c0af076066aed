import { utcDate } from '../domain/time.js';
import { type LogRetention, retentionDays } from '../prediction-logs/retention.js';

const DAY_MS = 86_400_000;
const BATCH = /\/date=(\d{4}-\d{2}-\d{2})\/(\d{15}-\d{12}-[0-9a-f]{12})\.jsonl$/;
const COMPACT = /\/date=(\d{4}-\d{2}-\d{2})\/compact-(\d{15}-\d{12}-[0-9a-f]{12})--(\d{15}-\d{12}-[0-9a-f]{12})\.parquet$/;

/** A file of a model's outcome stream: one received batch (JSON lines), or a day's batches merged (Parquet). */
export interface OutcomeFile {
  path: string;
  date: string;
  kind: 'batch' | 'compact';
  /** A batch's name (its arrival order); a compact file's first and last merged batch names. */
  first: string;
  last: string;
}

export function parseOutcomeFile(path: string): OutcomeFile | null {
  const b = BATCH.exec(path);
  if (b) return { path, date: b[1], kind: 'batch', first: b[2], last: b[2] };
  const c = COMPACT.exec(path);
  if (c) return { path, date: c[1], kind: 'compact', first: c[2], last: c[3] };
  return null;
}

/** The name a compaction of `batches` (one day's, in name order) publishes: it says which batch names it covers. */
export function compactName(date: string, batches: OutcomeFile[]): string {
  return `date=${date}/compact-${batches[0].first}--${batches[batches.length - 1].last}.parquet`;
}

/** The first day a read still uses under the retention (null: every day). */
export function firstKeptDay(retention: LogRetention, model: string, now: number): string | null {
  const days = retentionDays(retention, model);
  return days === null ? null : utcDate(now - days * DAY_MS);
}

/**
 * The files a read uses: days within the retention; of each day, its compact file and the batches
 * no compact file covers (a batch a compaction merged is read from the merged file, from the moment
 * it is published, while the batch itself waits out the grace period for reads already under way).
 */
export function liveOutcomeFiles(files: OutcomeFile[], firstKept: string | null): OutcomeFile[] {
  const kept = files.filter((f) => firstKept === null || f.date >= firstKept);
  const compacts = kept.filter((f) => f.kind === 'compact');
  return kept.filter((f) => f.kind === 'compact' || !isCovered(f, compacts));
}

/** A batch merged into one of `compacts` (same day, name within its range). */
export function isCovered(batch: OutcomeFile, compacts: OutcomeFile[]): boolean {
  return compacts.some((c) => c.date === batch.date && c.first <= batch.first && batch.first <= c.last);
}
