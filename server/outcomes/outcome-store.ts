import { randomBytes } from 'node:crypto';
import { utcDate } from '../domain/time.js';
import type { FileStore } from '../offline/file-store.js';
import { literal } from '../offline/sql.js';
import type { OutcomeRow } from './outcome.js';

/** Where a model's outcomes received on one day live, beside its prediction log (under the offline root). */
export function outcomeFolder(model: string, date?: string): string {
  const base = `offline/logs/outcomes/model=${model}`;
  return date === undefined ? base : `${base}/date=${date}`;
}

const COLUMNS =
  "{prediction_id: 'VARCHAR', model_version: 'VARCHAR', predicted_at: 'BIGINT', prediction: 'DOUBLE', probability: 'DOUBLE', label: 'DOUBLE', outcome_at: 'BIGINT', received_at: 'BIGINT', seq: 'BIGINT'}";

/**
 * The outcome stream: each accepted batch is one JSON-lines file, written whole and synced before the
 * request is answered (`FileStore.writeAtomic`), so a batch is stored all or nothing and survives a
 * crash. File names start with the receipt time and this process's sequence, so name order is arrival order
 * (the latest wins).
 */
export class OutcomeStore {
  /** Orders this process's batches received within one millisecond (across processes such a tie is arbitrary). */
  private sequence = 0;

  constructor(private readonly files: FileStore) {}

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
      if (m && p.endsWith('.jsonl')) names.add(m[1]);
    }
    return [...names].sort();
  }

  /**
   * A DuckDB relation of a model's outcomes, one row per prediction id: the latest received wins (a
   * corrected label replaces the earlier one). Null when the model has none.
   */
  async latest(model: string): Promise<string | null> {
    const files = (await this.files.list(outcomeFolder(model))).filter((p) => p.endsWith('.jsonl')).map((p) => this.files.locate(p));
    if (files.length === 0) return null;
    const source = `read_json([${files.map(literal).join(', ')}], format = 'newline_delimited', columns = ${COLUMNS}, filename = true)`;
    return `(SELECT * EXCLUDE (filename) FROM ${source} QUALIFY row_number() OVER (PARTITION BY prediction_id ORDER BY received_at DESC, filename DESC, seq DESC) = 1)`;
  }
}
