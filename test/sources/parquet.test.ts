import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Bool, Dictionary, Float64, Int32, Int64, Table, TimeUnit, Timestamp, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from '../../server/vendor/arrow.cjs';
import type { Vector } from '../../server/vendor/arrow.cjs';
import { Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import { TesseraError } from '../../server/errors.js';
import { parquetReader } from '../../server/sources/parquet.js';
import type { ParquetSource } from '../../server/sources/parquet.js';
import { duckRows } from '../support/duckdb.js';
import { col, readAll, rejectSummary, request, tempDir } from './helpers.js';

const fixture = tempDir();
after(() => fixture.cleanup());

function writeParquetFile(name: string, columns: Record<string, Vector>, rowGroupSize = 1024): void {
  const ipc = tableToIPC(new Table(columns), 'stream');
  const props = new WriterPropertiesBuilder().setMaxRowGroupSize(rowGroupSize).build();
  fixture.write(name, writeParquet(WasmTable.fromIPCStream(ipc), props));
}

const tsMillis = (values: (number | null)[]): Vector => vectorFromArray(values, new Timestamp(TimeUnit.MILLISECOND, 'UTC'));
const int64s = (values: (bigint | null)[]): Vector => vectorFromArray(values, new Int64());

function parquet(path: string, extra: Partial<ParquetSource> = {}): ReturnType<typeof parquetReader> {
  return parquetReader({ name: 'trips', type: 'parquet', path, timestampField: 'ts', ...extra }, { baseDir: fixture.dir });
}

const T = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const typed = [col('id', 'int64', true), col('ts', 'timestamp', true), col('fare', 'float64'), col('kind', 'string'), col('paid', 'bool')];

writeParquetFile(
  'typed.parquet',
  {
    id: int64s([1n, 2n, 3n, 4n, 5n]),
    ts: tsMillis([T, T + 1, T + 2, T + 3, T + 4]),
    fare: vectorFromArray([1.5, null, 3.25, 4, 5], new Float64()),
    kind: vectorFromArray(['cab', 'cab', null, 'bus', 'cab'], new Dictionary(new Utf8(), new Int32())),
    paid: vectorFromArray([true, false, null, true, true], new Bool()),
    unused: vectorFromArray(['x', 'x', 'x', 'x', 'x'], new Utf8()),
  },
  2,
);

describe('parquet source', () => {
  it('reads row group by row group; columns of the emitted types pass through with exact values', async () => {
    const { rows, rejects, types, batches } = await readAll(parquet('typed.parquet'), request(typed, { batchSize: 2 }));
    assert.deepEqual(types, ['Int64', 'Timestamp<MILLISECOND, UTC>', 'Float64', 'Dictionary<Int32, Utf8>', 'Bool']);
    assert.deepEqual(
      batches.map((b) => b.numRows),
      [2, 2, 1],
    );
    assert.deepEqual(rows, [
      { id: 1, ts: T, fare: 1.5, kind: 'cab', paid: true },
      { id: 2, ts: T + 1, fare: null, kind: 'cab', paid: false },
      { id: 3, ts: T + 2, fare: 3.25, kind: null, paid: null },
      { id: 4, ts: T + 3, fare: 4, kind: 'bus', paid: true },
      { id: 5, ts: T + 4, fare: 5, kind: 'cab', paid: true },
    ]);
    assert.deepEqual(rejects, []);
  });

  it('filters start < ts <= end in whole and in partly covered row groups, keeping order', async () => {
    // Row groups: [T, T+1] [T+2, T+3] [T+4]. The first is cut (row by row), the second passes whole.
    const { rows } = await readAll(parquet('typed.parquet'), request(typed, { range: { start: T, end: T + 3 } }));
    assert.deepEqual(
      rows.map((r) => r.id),
      [2, 3, 4],
    );
    const none = await readAll(parquet('typed.parquet'), request(typed, { range: { start: T + 4, end: T + 100 } }));
    assert.equal(none.batches.length, 0);
  });

  it('coerces other Arrow types: Utf8, int32, microsecond timestamps, floats to int64', async () => {
    writeParquetFile('loose.parquet', {
      id: vectorFromArray([1, 2, 3], new Int32()),
      ts: makeVector(makeData({ type: new Timestamp(TimeUnit.MICROSECOND), data: new BigInt64Array([1_000_999n, -1_500n, 3_000_000n]) })),
      fare: int64s([10n, 2n ** 60n, null]),
      kind: vectorFromArray(['a', null, 'b'], new Utf8()),
      count: vectorFromArray([1, 2.5, 3], new Float64()),
    });
    const cols = [col('id', 'int64', true), col('ts', 'timestamp', true), col('fare', 'float64'), col('kind', 'string'), col('count', 'int64')];
    const { rows, rejects, types } = await readAll(parquet('loose.parquet'), request(cols));
    assert.deepEqual(types, ['Int64', 'Timestamp<MILLISECOND, UTC>', 'Float64', 'Dictionary<Int32, Utf8>', 'Int64']);
    assert.deepEqual(rows, [
      { id: 1, ts: 1000, fare: 10, kind: 'a', count: 1 },
      { id: 3, ts: 3000, fare: null, kind: 'b', count: 3 },
    ]);
    assert.deepEqual(rejects.map(rejectSummary), [{ reason: 'invalid_int64', column: 'count', location: 'loose.parquet row 2', value: '2.5' }]);
    // -1500 us is 1.5 ms before the epoch: floored to -2 ms, like a truncated fraction in text.
    assert.equal(rejects[0].raw.ts, -2);
  });

  it('reads DECIMAL columns as the numbers they write, at any scale', async () => {
    // Written by DuckDB, as a warehouse export would be: Arrow hands decimals over unscaled (1250 for 12.50).
    const file = `${fixture.dir}/decimal.parquet`;
    await duckRows(
      `COPY (SELECT * FROM (VALUES (1, TIMESTAMP '2026-01-01 00:00:00', 12.50::DECIMAL(10,2), 7::DECIMAL(10,0)), (2, TIMESTAMP '2026-01-01 00:00:01', (-3.25)::DECIMAL(18,3), NULL), (3, TIMESTAMP '2026-01-01 00:00:02', 0.05::DECIMAL(10,2), 12345678901234::DECIMAL(38,0))) t(id, ts, fare, n)) TO '${file}' (FORMAT parquet)`,
    );
    const cols = [col('id', 'int64', true), col('ts', 'timestamp', true), col('fare', 'float64'), col('n', 'int64')];
    const { rows, rejects } = await readAll(parquet('decimal.parquet'), request(cols));
    assert.deepEqual(rejects, []);
    assert.deepEqual(rows, [
      { id: 1, ts: T, fare: 12.5, n: 7 },
      { id: 2, ts: T + 1000, fare: -3.25, n: null },
      { id: 3, ts: T + 2000, fare: 0.05, n: 12345678901234 },
    ]);
  });

  it('rejects nulls in required columns, reads int64 beyond 2^53 exactly, and reads a glob with fieldMapping', async () => {
    writeParquetFile('parts/b.parquet', { trip: int64s([3n, null, 2n ** 53n]), at: tsMillis([T + 3, T + 4, T + 5]) });
    writeParquetFile('parts/a.parquet', { trip: int64s([1n, 2n]), at: tsMillis([T + 1, T + 2]) });
    const source = parquet('parts/*.parquet', { fieldMapping: { trip: 'id', at: 'ts' } });
    const { rows, rejects } = await readAll(source, request([col('id', 'int64', true), col('ts', 'timestamp', true)]));
    assert.deepEqual(rows, [
      { id: 1, ts: T + 1 },
      { id: 2, ts: T + 2 },
      { id: 3, ts: T + 3 },
      { id: 2n ** 53n, ts: T + 5 },
    ]);
    assert.deepEqual(
      rejects.map((r) => [r.reason, r.column, r.location]),
      [['missing_value', 'id', 'parts/b.parquet row 2']],
    );
  });

  it('rejects times outside years 0001-9999 UTC, in columns that would otherwise pass through whole', async () => {
    const max = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    writeParquetFile('far.parquet', {
      id: int64s([1n, 2n, 3n, 4n, 5n]),
      ts: tsMillis([T, 8.64e15, -62_135_596_800_001, T, max]),
      made: tsMillis([T, T, T, max + 1, -62_135_596_800_000]),
    });
    const cols = [col('id', 'int64', true), col('ts', 'timestamp', true), col('made', 'timestamp')];
    const { rows, rejects } = await readAll(parquet('far.parquet'), request(cols));
    assert.deepEqual(rows, [
      { id: 1, ts: T, made: T },
      { id: 5, ts: max, made: -62_135_596_800_000 },
    ]);
    assert.deepEqual(rejects.map(rejectSummary), [
      { reason: 'invalid_timestamp', column: 'ts', location: 'far.parquet row 2', value: '8640000000000000' },
      { reason: 'invalid_timestamp', column: 'ts', location: 'far.parquet row 3', value: '-62135596800001' },
      { reason: 'invalid_timestamp', column: 'made', location: 'far.parquet row 4', value: '253402300800000' },
    ]);
  });

  it('names the source, file and column when a column is missing; a non-Parquet file is a source error', async () => {
    await assert.rejects(
      readAll(parquet('typed.parquet'), request([...typed, col('tip', 'float64')])),
      (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && /source 'trips': column 'tip' is missing from 'typed\.parquet'/.test(e.message),
    );
    fixture.write('fake.parquet', 'not parquet at all');
    await assert.rejects(readAll(parquet('fake.parquet'), request(typed)), (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes('fake.parquet'));
    await assert.rejects(readAll(parquet('absent.parquet'), request(typed)), /absent\.parquet/);
  });
});
