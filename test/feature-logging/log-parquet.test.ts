import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FeatureLogWriter } from '../../server/feature-logging/feature-log-writer.js';
import type { LogSchema } from '../../server/feature-logging/log-schema.js';
import type { ServedRequest } from '../../server/feature-logging/served-request.js';
import { createLogger } from '../../server/logger.js';
import { LocalFileStore } from '../../server/offline/file-store.js';
import { fromParquet } from '../../server/offline/parquet-file.js';
import type { FeatureStatus } from '../../server/serving/online-response.js';
import { duckRows } from '../support/duckdb.js';
import { tempDir } from '../support/temp-dir.js';

const schema: LogSchema = {
  service: 'svc',
  sampleRate: 1,
  keys: [
    { name: 'driver_id', type: 'int64' },
    { name: 'city', type: 'string' },
  ],
  features: [
    { name: 'v__a', view: 'v', version: 1, column: 'a', type: 'float64', viewIndex: 0 },
    { name: 'v__b', view: 'v', version: 1, column: 'b', type: 'int64', viewIndex: 0 },
    { name: 'w__c', view: 'w', version: 2, column: 'c', type: 'string', viewIndex: 1 },
    { name: 'w__d', view: 'w', version: 2, column: 'd', type: 'bool', viewIndex: 1 },
  ],
  versions: '{"v":1,"w":2}',
  signature: 'svc|all-types',
};
const STATUSES: FeatureStatus[] = ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'];
const T = Date.parse('2026-11-29T12:00:00Z');

/** Row i of the test data: every type, nulls at different rows per column, a non-ASCII string, a status cycle. */
function row(i: number) {
  return {
    id: i === 7 ? 2 ** 53 + 2 : i,
    city: i % 5 === 0 ? 'zürich' : `c${i}`,
    a: i % 7 === 3 ? null : i === 4 ? -0.125 : i / 8,
    b: i % 6 === 1 ? null : i * 1000 - 40,
    c: i % 4 === 2 ? null : i % 3 === 0 ? `€${i}` : `s${i}`,
    d: i % 9 === 5 ? null : i % 2 === 0,
    vTs: i % 11 === 10 ? null : T - 1000 * i,
    wTs: i % 13 === 12 ? null : T - 7 * i,
    status: (f: number) => STATUSES[(i + f) % 4],
  };
}

/** One request of the rows `ids`, keeping the rows at `kept` (null: all), as the online path offers it. */
function request(ids: number[], at: number, requestId: string | undefined, kept: number[] | null): ServedRequest {
  const rows = ids.map(row);
  return {
    schema,
    requestId,
    at,
    keys: [rows.map((r) => (r.id > 2 ** 53 ? BigInt(r.id) : r.id)), rows.map((r) => r.city)],
    rows: kept,
    count: kept ? kept.length : ids.length,
    results: (['a', 'b', 'c', 'd'] as const).map((name, f) => ({ values: rows.map((r) => r[name]), statuses: rows.map((r) => r.status(f)), event_timestamps: [] })),
    offset: 0,
    found: [rows.map((r) => (r.vTs === null ? null : { eventTs: r.vTs, createdTs: null, values: [] })), rows.map((r) => (r.wTs === null ? null : { eventTs: r.wTs, createdTs: null, values: [] }))],
  };
}

test('log files hold every type, null and status as served (read back by DuckDB and by Arrow), past the first buffer size', async () => {
  const files = new LocalFileStore(tempDir());
  const writer = new FeatureLogWriter({ files, logger: createLogger('silent'), options: { capacityRows: 10_000, flushMs: 60_000 } });
  // 600 one-row requests (the buffers start at 256 rows and grow), then a 20-row request of which 3 rows are kept.
  const expected: { i: number; at: number; requestId: string | null }[] = [];
  for (let i = 0; i < 600; i++) {
    writer.offer(request([i], T + i, `req-${i}`, null));
    expected.push({ i, at: T + i, requestId: `req-${i}` });
  }
  const ids = Array.from({ length: 20 }, (_, k) => 600 + k);
  writer.offer(request(ids, T + 600, undefined, [1, 5, 19]));
  for (const k of [1, 5, 19]) expected.push({ i: 600 + k, at: T + 600, requestId: null });
  await writer.close();
  const [file] = await files.list('offline/logs');
  const path = files.locate(file);
  const rows = await duckRows(
    `SELECT driver_id::VARCHAR AS id, city, __request_id AS rid, epoch_ms(__log_timestamp) AS at, __feature_versions AS versions,
       v__a AS a, v__b AS b, w__c AS c, w__d AS d, epoch_ms(v__a__timestamp) AS va, epoch_ms(v__b__timestamp) AS vb,
       epoch_ms(w__c__timestamp) AS wc, epoch_ms(w__d__timestamp) AS wd,
       v__a__status AS sa, v__b__status AS sb, w__c__status AS sc, w__d__status AS sd
     FROM read_parquet('${path}')`,
  );
  assert.equal(rows.length, expected.length);
  const generated = rows[600].rid as string;
  assert.ok(generated.startsWith('log-') && rows[601].rid === generated && rows[602].rid === generated);
  rows.forEach((got, n) => {
    const { i, at, requestId } = expected[n];
    const r = row(i);
    const ts = (v: number | null) => (v === null ? null : BigInt(v));
    assert.deepEqual(
      got,
      {
        id: String(r.id),
        city: r.city,
        rid: requestId ?? generated,
        at: BigInt(at),
        versions: '{"v":1,"w":2}',
        a: r.a,
        b: r.b === null ? null : BigInt(r.b),
        c: r.c,
        d: r.d,
        va: ts(r.vTs),
        vb: ts(r.vTs),
        wc: ts(r.wTs),
        wd: ts(r.wTs),
        sa: r.status(0),
        sb: r.status(1),
        sc: r.status(2),
        sd: r.status(3),
      },
      `row ${n} (test row ${i})`,
    );
  });
  // Arrow readers get the same types the log has always had (dictionary statuses, UTC times) and the same values.
  const table = fromParquet(await files.read(file));
  assert.deepEqual(
    table.schema.fields.slice(0, 8).map((f) => `${f.name}: ${f.type}`),
    [
      'driver_id: Int64',
      'city: Utf8',
      '__request_id: Utf8',
      '__log_timestamp: Timestamp<MILLISECOND, UTC>',
      '__feature_versions: Dictionary<Int8, Utf8>',
      'v__a: Float64',
      'v__a__timestamp: Timestamp<MILLISECOND, UTC>',
      'v__a__status: Dictionary<Int8, Utf8>',
    ],
  );
  assert.deepEqual(
    table.getChild('w__c')!.toArray(),
    expected.map(({ i }) => row(i).c),
  );
  assert.deepEqual(
    [...table.getChild('w__d__status')!].map(String),
    expected.map(({ i }) => row(i).status(3)),
  );
  // The footer's statistics let readers skip files by request time.
  const [stats] = await duckRows(`SELECT stats_min_value AS lo, stats_max_value AS hi, stats_null_count AS nulls FROM parquet_metadata('${path}') WHERE path_in_schema = '__log_timestamp'`);
  assert.deepEqual(stats, { lo: '2026-11-29 12:00:00+00', hi: '2026-11-29 12:00:00.6+00', nulls: 0n });
});
