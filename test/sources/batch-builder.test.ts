import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Float64, Vector } from '../../server/vendor/arrow.cjs';
import { BatchBuilder } from '../../server/sources/batch-builder.js';
import type { BuilderOptions } from '../../server/sources/batch-builder.js';
import type { SourceBatch } from '../../server/sources/source.js';
import { batchRows, col, rejectSummary } from './helpers.js';

const T0 = Date.UTC(2026, 0, 1);

function builder(overrides: Partial<BuilderOptions> = {}): BatchBuilder {
  const b = new BatchBuilder({
    columns: [col('id', 'int64', true), col('ts', 'timestamp', true), col('x', 'float64'), col('flag', 'bool'), col('name', 'string')],
    timestampColumn: 'ts',
    range: { start: null, end: 8.64e15 },
    batchSize: 100,
    ...overrides,
  });
  b.bind(['id', 'ts', 'x', 'flag', 'name'], { location: (n) => `row ${n}`, raw: (r) => ({ ...(r as Record<string, unknown>) }) });
  return b;
}

function feed(b: BatchBuilder, rows: Record<string, unknown>[]): SourceBatch[] {
  const out: SourceBatch[] = [];
  rows.forEach((r, i) => {
    const batch = b.add(r, i + 1);
    if (batch !== null) out.push(batch);
  });
  const last = b.flush();
  if (last !== null) out.push(last);
  return out;
}

describe('BatchBuilder', () => {
  it('emits the requested Arrow types in request order, with exact values and nulls', () => {
    const [out] = feed(builder(), [
      { id: '1', ts: '2026-01-01T00:00:00Z', x: '1.25', flag: 'yes', name: 'a' },
      { id: -4294967297, ts: 1000, x: '', flag: '', name: '' },
      { id: '9007199254740991', ts: '2026-01-01T01:00:00+01:00', x: 'nan', flag: '0', name: 'a' },
    ]);
    assert.deepEqual(
      out.batch.schema.fields.map((f) => [f.name, String(f.type), f.nullable]),
      [
        ['id', 'Int64', false],
        ['ts', 'Timestamp<MILLISECOND, UTC>', false],
        ['x', 'Float64', true],
        ['flag', 'Bool', true],
        ['name', 'Dictionary<Int32, Utf8>', true],
      ],
    );
    assert.deepEqual(batchRows(out.batch), [
      { id: 1, ts: T0, x: 1.25, flag: true, name: 'a' },
      { id: -4294967297, ts: 1000, x: null, flag: null, name: null },
      { id: 9007199254740991, ts: T0, x: null, flag: false, name: 'a' },
    ]);
    assert.deepEqual([...(out.batch.getChild('id') as Vector)], [1n, -4294967297n, 9007199254740991n]);
    // The dictionary holds each distinct string once.
    assert.deepEqual([...(out.batch.getChild('name')!.data[0].dictionary as Vector)], ['a']);
    // Null floats read as NaN too, for code that reads the values without the bitmap.
    assert.ok(Number.isNaN((out.batch.getChild('x') as Vector<Float64>).toArray()[1]));
    assert.deepEqual(out.rejects, []);
  });

  it('never exceeds batchSize and keeps source order', () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: i, ts: T0 + i, x: i / 2, flag: i % 2 === 0, name: `n${i % 3}` }));
    const out = feed(builder({ batchSize: 10 }), rows);
    assert.deepEqual(
      out.map((b) => b.batch.numRows),
      [10, 10, 5],
    );
    assert.deepEqual(
      out.flatMap((b) => batchRows(b.batch).map((r) => r.id)),
      rows.map((r) => r.id),
    );
    assert.deepEqual(
      out.flatMap((b) => batchRows(b.batch).map((r) => r.name)),
      rows.map((r) => r.name),
    );
  });

  it('keeps start < ts <= end and skips other rows silently, even when they hold bad values', () => {
    const rows = [T0 - 1, T0, T0 + 1, T0 + 10, T0 + 11].map((ts, i) => ({ id: i, ts, x: 'not a number', flag: null, name: null }));
    rows[2].x = '2';
    rows[3].x = '3';
    const out = feed(builder({ range: { start: T0, end: T0 + 10 } }), rows);
    assert.deepEqual(
      out.flatMap((b) => batchRows(b.batch).map((r) => [r.id, r.ts])),
      [
        [2, T0 + 1],
        [3, T0 + 10],
      ],
    );
    assert.deepEqual(
      out.flatMap((b) => b.rejects),
      [],
    );
    const open = feed(
      builder({ range: { start: null, end: T0 } }),
      rows.map((r) => ({ ...r, x: null })),
    );
    assert.deepEqual(
      open.flatMap((b) => batchRows(b.batch).map((r) => r.id)),
      [0, 1],
    );
  });

  it('rejects rows with uncoercible values or missing required ones, naming the first bad column', () => {
    const rows: Record<string, unknown>[] = [
      { id: '1.5', ts: T0, x: 'oops' },
      { id: 2, ts: 'soon', x: 1 },
      { id: 3, ts: T0, x: 'oops', flag: 'maybe' },
      { id: 4, ts: T0, flag: 'maybe' },
      { id: null, ts: T0 },
      { id: 6, ts: '' },
      { id: 7, ts: T0, name: { nested: true } },
      { id: 8, ts: T0, x: '8' },
    ];
    const out = feed(builder(), rows);
    assert.deepEqual(
      out.flatMap((b) => batchRows(b.batch).map((r) => r.id)),
      [8],
    );
    assert.deepEqual(out.flatMap((b) => b.rejects).map(rejectSummary), [
      { reason: 'invalid_int64', column: 'id', location: 'row 1', value: '1.5' },
      { reason: 'invalid_timestamp', column: 'ts', location: 'row 2', value: 'soon' },
      { reason: 'invalid_float64', column: 'x', location: 'row 3', value: 'oops' },
      { reason: 'invalid_bool', column: 'flag', location: 'row 4', value: 'maybe' },
      { reason: 'missing_value', column: 'id', location: 'row 5', value: '' },
      { reason: 'missing_value', column: 'ts', location: 'row 6', value: '' },
      { reason: 'invalid_string', column: 'name', location: 'row 7', value: '{"nested":true}' },
    ]);
    assert.deepEqual(out[0].rejects[0].raw, { id: '1.5', ts: T0, x: 'oops' });
  });

  it('a null event time is a missing value even when the column is not marked required', () => {
    const b = new BatchBuilder({ columns: [col('ts', 'timestamp', false)], timestampColumn: 'ts', range: { start: null, end: 1e15 }, batchSize: 10 });
    b.bind(['ts'], { location: String, raw: () => ({}) });
    assert.equal(b.add({ ts: null }, 1), null);
    const out = b.flush();
    assert.equal(out?.batch.numRows, 0);
    assert.deepEqual(
      out?.rejects.map((r) => r.reason),
      ['missing_value'],
    );
  });

  it('hands rejects over once batchSize of them are held, so bad sources stay bounded', () => {
    const out = feed(
      builder({ batchSize: 3 }),
      Array.from({ length: 7 }, (_, i) => ({ id: 'x', ts: T0 + i })),
    );
    assert.deepEqual(
      out.map((b) => [b.batch.numRows, b.rejects.length]),
      [
        [0, 3],
        [0, 3],
        [0, 1],
      ],
    );
  });

  it('an empty input gives no batch', () => {
    assert.equal(builder().flush(), null);
  });

  it('refuses a timestamp column that is not requested as a timestamp', () => {
    assert.throws(() => new BatchBuilder({ columns: [col('ts', 'int64')], timestampColumn: 'ts', range: { start: null, end: 0 }, batchSize: 1 }), /timestamp column 'ts'/);
    assert.throws(() => new BatchBuilder({ columns: [col('a', 'timestamp')], timestampColumn: 'ts', range: { start: null, end: 0 }, batchSize: 1 }), /timestamp column 'ts'/);
    assert.throws(() => new BatchBuilder({ columns: [col('ts', 'timestamp')], timestampColumn: 'ts', range: { start: null, end: 0 }, batchSize: 0 }), /batchSize/);
  });

  it('grows past its initial capacity without losing values', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i - 2500, ts: T0 + i, x: i % 7 === 0 ? null : i * 0.5, flag: i % 3 === 0, name: `c${i % 50}` }));
    const out = feed(builder({ batchSize: 4096 }), rows);
    assert.deepEqual(
      out.map((b) => b.batch.numRows),
      [4096, 904],
    );
    const read = out.flatMap((b) => batchRows(b.batch));
    assert.deepEqual(
      read,
      rows.map((r) => ({ ...r })),
    );
  });
});
