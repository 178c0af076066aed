import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { utcDate } from '../domain/time.js';
import type { FileStore } from '../offline/file-store.js';
import { literal } from '../offline/sql.js';
import type { LogRetention } from '../prediction-logs/retention.js';
import { firstKeptDay, liveOutcomeFiles, type OutcomeFile, parseOutcomeFile } from './outcome-files.js';
import type { OutcomeRow } from './outcome.js';

/** Where a model's outcomes received on one day live, beside its prediction log (under the offline root). */
export function outcomeFolder(model: string, date?: string): string {
  const base = `offline/logs/outcomes/model=${model}`;
  return date === undefined ? base : `${base}/date=${date}`;
}

export const OUTCOME_COLUMNS =
  "{prediction_id: 'VARCHAR', model_version: 'VARCHAR', predicted_at: 'BIGINT', prediction: 'DOUBLE', probability: 'DOUBLE', label: 'DOUBLE', outcome_at: 'BIGINT', received_at: 'BIGINT', seq: 'BIGINT'}";

/**
 * A model's batch files as rows, each with its batch name (`batch`): what both reads and compaction
 * order the rows by (receipt time, then batch name, then position in the batch).
 */
export function batchRows(locations: string[]): string {
  return `(SELECT * EXCLUDE (filename), regexp_extract(filename, '([^/]+)\\.jsonl$', 1) AS batch FROM read_json([${locations.map(literal).join(', ')}], format = 'newline_delimited', columns = ${OUTCOME_COLUMNS}, filename = true))`;
}

/** Latest first: a later receipt, a later batch received in the same millisecond, a later row of one batch. */
export const LATEST_FIRST = 'ORDER BY received_at DESC, batch DESC, seq DESC';

export interface OutcomeStoreOptions {
  clock: Clock;
  /** Days of outcomes (by receipt) reads use; the compaction job deletes older days later. */
  retention: LogRetention;
}

/**
 * The outcome stream: each accepted batch is one JSON-lines file, written whole and synced before the
 * request is answered (`FileStore.writeAtomic`), so a batch is stored all or nothing and survives a
 * crash. File names start with the receipt time and this process's sequence, so name order is arrival order
 * (the latest wins). Closed days are merged into one Parquet file each by `OutcomeCompactor`.
 */
export class OutcomeStore {
  /** Orders this process's batches received within one millisecond (across processes such a tie is arbitrary). */
  private sequence = 0;

  constructor(
    private readonly files: FileStore,
    private readonly options: OutcomeStoreOptions | null = null,
  ) {}

  async append(model: string, rows: OutcomeRow[], receivedAt: number): Promise<string> {
    const name = `${String(receivedAt).padStart(15, '0')}-${String(this.sequence++).padStart(12, '0')}-${randomBytes(6).toString('hex')}.jsonl`;
    const path = `${outcomeFolder(model, utcDate(receivedAt))}/${name}`;
    await this.files.writeAtomic(path, Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`));
    return path;
  }

  /** Models with outcomes (the folders under `logs/outcomes/`). */
  async models(): Promise<string[]> {
    const all = await this.files.list('offline/logs/outcomes');
    const names = new Set<string>();
    for (const p of all) {
      const m = /model=([^/]+)\//.exec(p);
      if (m && parseOutcomeFile(p)) names.add(m[1]);
    }
    return [...names].sort();
  }

  /**
   * A DuckDB relation of a model's outcomes, one row per prediction id: the latest received wins (a
   * corrected label replaces the earlier one). Null when the model has none.
   */
  async latest(model: string): Promise<string | null> {
    const live = liveOutcomeFiles(await this.all(model), this.options ? firstKeptDay(this.options.retention, model, this.options.clock.now()) : null);
    const batches = live.filter((f) => f.kind === 'batch').map((f) => this.files.locate(f.path));
    const compacts = live.filter((f) => f.kind === 'compact').map((f) => this.files.locate(f.path));
    const parts = [...(batches.length ? [`SELECT * FROM ${batchRows(batches)}`] : []), ...(compacts.length ? [`SELECT * FROM read_parquet([${compacts.map(literal).join(', ')}])`] : [])];
    if (parts.length === 0) return null;
    return `(SELECT * FROM (${parts.join(' UNION ALL BY NAME ')}) QUALIFY row_number() OVER (PARTITION BY prediction_id ${LATEST_FIRST}) = 1)`;
  }

  /** Every file of a model's stream, parsed (other files, staging leftovers among them, are not part of it). */
  async all(model: string): Promise<OutcomeFile[]> {
    return (await this.files.list(outcomeFolder(model))).map(parseOutcomeFile).filter((f): f is OutcomeFile => f !== null);
  }
}
