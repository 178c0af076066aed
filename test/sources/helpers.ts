import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecordBatch } from '../../server/vendor/arrow.cjs';
import type { ColumnRequest, ReadRequest, RejectedRow, SourceReader, TimeRange } from '../../server/sources/source.js';

/** A temp folder with files written into it; `cleanup` removes it. */
export function tempDir(files: Record<string, string | Uint8Array> = {}): { dir: string; write: (name: string, content: string | Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-sources-'));
  const write = (name: string, content: string | Uint8Array): string => {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    return full;
  };
  for (const [name, content] of Object.entries(files)) write(name, content);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const ALL_TIME: TimeRange = { start: null, end: 8.64e15 };

export function request(columns: ColumnRequest[], overrides: Partial<ReadRequest> = {}): ReadRequest {
  return { range: ALL_TIME, timestampColumn: 'ts', columns, batchSize: 1000, ...overrides };
}

export const col = (name: string, type: ColumnRequest['type'], required = false): ColumnRequest => ({ name, type, required });

export interface ReadResult {
  batches: RecordBatch[];
  /** Rows as plain objects: timestamps as epoch ms, int64 as numbers, strings, booleans, null. */
  rows: Record<string, unknown>[];
  rejects: RejectedRow[];
  /** Arrow type of each column, as text (`Float64`, `Int64`, ...), from the first batch. */
  types: string[];
}

export async function readAll(reader: SourceReader, req: ReadRequest): Promise<ReadResult> {
  const batches: RecordBatch[] = [];
  const rejects: RejectedRow[] = [];
  for await (const { batch, rejects: r } of reader.read(req)) {
    batches.push(batch);
    rejects.push(...r);
  }
  const rows: Record<string, unknown>[] = [];
  for (const batch of batches) rows.push(...batchRows(batch));
  return { batches, rows, rejects, types: batches.length === 0 ? [] : batches[0].schema.fields.map((f) => String(f.type)) };
}

export function batchRows(batch: RecordBatch): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const field of batch.schema.fields) {
      const v: unknown = batch.getChild(field.name)!.get(i);
      // Beyond 2^53 a BigInt stays one: Number would round it.
      row[field.name] = typeof v === 'bigint' && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    }
    out.push(row);
  }
  return out;
}

/** Only the fields of a reject that tests compare. */
export function rejectSummary(r: RejectedRow): { reason: string; column: string; location: string; value: string } {
  return { reason: r.reason, column: r.column, location: r.location, value: r.value };
}

export const ms = (iso: string): number => Date.parse(iso);
