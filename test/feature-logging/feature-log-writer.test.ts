import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FeatureLogWriter } from '../../server/feature-logging/feature-log-writer.js';
import type { LogSchema } from '../../server/feature-logging/log-schema.js';
import { keepKey } from '../../server/feature-logging/log-sample.js';
import type { ServedRequest } from '../../server/feature-logging/served-request.js';
import { createLogger } from '../../server/logger.js';
import { type FileStore, LocalFileStore } from '../../server/offline/file-store.js';
import { duckRows } from '../support/duckdb.js';
import { waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

const schema: LogSchema = {
  service: 'svc',
  sampleRate: 1,
  keys: [{ name: 'driver_id', type: 'int64' }],
  features: [{ name: 'v__x', view: 'v', version: 2, column: 'x', type: 'float64', viewIndex: 0 }],
  versions: '{"v":2}',
  signature: 'svc|v2',
};

/** A served request of `ids`, each valued id / 10, found with event time 1000 * id. */
function served(ids: number[], at: number, requestId?: string): ServedRequest {
  return {
    schema,
    requestId,
    at,
    keys: [ids],
    rows: null,
    count: ids.length,
    results: [{ values: ids.map((i) => i / 10), statuses: ids.map(() => 'PRESENT'), event_timestamps: [] }],
    offset: 0,
    found: [ids.map((i) => ({ eventTs: 1000 * i, createdTs: null, values: [i / 10] }))],
  };
}

const silent = createLogger('silent');
const T = Date.parse('2026-11-29T12:00:00Z');

test("key sampling is FNV-1a of the key's text against the rate (published test vectors), the same for every request", () => {
  // FNV-1a 32-bit: "a" -> 0xe40c292c (0.8908 of 2^32), "foobar" -> 0xbf9cf968 (0.7485).
  assert.equal(keepKey(['a'], 0.89), false);
  assert.equal(keepKey(['a'], 0.891), true);
  assert.equal(keepKey(['foobar'], 0.748), false);
  assert.equal(keepKey(['foobar'], 0.749), true);
  assert.equal(keepKey(['anything'], 1), true);
  // Over 10,000 keys the kept share is near the rate (binomial sd 0.0043 at 0.25).
  let kept = 0;
  for (let k = 1; k <= 10_000; k++) if (keepKey([k], 0.25)) kept++;
  assert.ok(Math.abs(kept / 10_000 - 0.25) < 0.02, String(kept));
});

test('a full queue drops and counts rows without blocking; flush writes the rest as one Parquet file', async () => {
  const dir = tempDir();
  const files = new LocalFileStore(dir);
  const writer = new FeatureLogWriter({ files, logger: silent, options: { capacityRows: 5, flushMs: 60_000 } });
  writer.offer(served([1, 2, 3], T, 'r1'));
  writer.offer(served([4, 5, 6], T + 1)); // 3 + 3 > 5: dropped
  writer.offer(served([7, 8], T + 2)); // fits
  assert.deepEqual(writer.queueStats(), { queueDepthRows: 5, capacityRows: 5, droppedRows: 3, writtenRows: 0, failedRows: 0 });
  await writer.flush();
  assert.deepEqual(writer.queueStats(), { queueDepthRows: 0, capacityRows: 5, droppedRows: 3, writtenRows: 5, failedRows: 0 });
  const written = await files.list('offline/logs');
  assert.equal(written.length, 1);
  assert.match(written[0], /^offline\/logs\/feature_services\/service=svc\/date=2026-11-29\/\d+-[0-9a-f]{8}\.parquet$/);
  const rows = await duckRows(`SELECT driver_id, __request_id AS id, epoch_ms(v__x__timestamp) AS ts, v__x AS x FROM read_parquet('${files.locate(written[0])}') ORDER BY driver_id`);
  assert.deepEqual(
    rows.map((r) => [Number(r.driver_id), Number(r.ts), r.x]),
    [
      [1, 1000, 0.1],
      [2, 2000, 0.2],
      [3, 3000, 0.3],
      [7, 7000, 0.7],
      [8, 8000, 0.8],
    ],
  );
  assert.equal(rows[0].id, 'r1');
  // A request without an id gets one, shared by its rows.
  assert.ok(typeof rows[3].id === 'string' && rows[3].id.startsWith('log-') && rows[3].id === rows[4].id);
  await writer.close();
  writer.offer(served([9], T + 3));
  assert.equal(writer.queueStats().droppedRows, 4, 'a closed writer counts what it refuses');
});

test('batches after the first (on buffers back from the encoder) hold their own values: nulls stay null', async () => {
  const files = new LocalFileStore(tempDir());
  const writer = new FeatureLogWriter({ files, logger: silent, options: { capacityRows: 1000, flushMs: 60_000 } });
  const ids = Array.from({ length: 20 }, (_, i) => i + 1);
  // Two batches of 20 valued rows: the second is sized as the first was, the third as the second.
  for (let b = 0; b < 2; b++) {
    writer.offer(served(ids, T + b, `r${b}`));
    await writer.flush();
  }
  const missing: ServedRequest = {
    ...served(ids, T + 2, 'r2'),
    results: [{ values: ids.map(() => null), statuses: ids.map(() => 'NOT_FOUND'), event_timestamps: [] }],
    found: [ids.map(() => null)],
  };
  writer.offer(missing);
  await writer.flush();
  await writer.close();
  const written = (await files.list('offline/logs')).map((f) => `'${files.locate(f)}'`).join(', ');
  const rows = await duckRows(`SELECT __request_id AS id, count(*) AS n, count(v__x) AS x, count(v__x__timestamp) AS ts, sum(v__x) AS total FROM read_parquet([${written}]) GROUP BY 1 ORDER BY 1`);
  // 0.1 + 0.2 + ... + 2.0 = 21.0
  assert.deepEqual(
    rows.map((r) => [r.id, Number(r.n), Number(r.x), Number(r.ts), r.total === null ? null : Math.round(Number(r.total) * 10) / 10]),
    [
      ['r0', 20, 20, 20, 21],
      ['r1', 20, 20, 20, 21],
      ['r2', 20, 0, 0, null],
    ],
  );
});

test('rows become durable within the flush interval, without a flush call', async () => {
  const files = new LocalFileStore(tempDir());
  const writer = new FeatureLogWriter({ files, logger: silent, options: { capacityRows: 100, flushMs: 50 } });
  const offered = Date.now();
  writer.offer(served([1], T));
  await waitFor('the row written', 60_000, async () => (writer.queueStats().writtenRows === 1 ? true : undefined), undefined, 10);
  assert.ok(Date.now() - offered < 10_000);
  assert.equal((await files.list('offline/logs')).length, 1);
  // Later rows get their own timer and file.
  writer.offer(served([2, 3], T + 5));
  await waitFor('the second file', 60_000, async () => (writer.queueStats().writtenRows === 3 ? true : undefined), undefined, 10);
  assert.equal((await files.list('offline/logs')).length, 2);
  await writer.close();
  assert.deepEqual(writer.queueStats(), { queueDepthRows: 0, capacityRows: 100, droppedRows: 0, writtenRows: 3, failedRows: 0 });
});

test('a failing write is counted and frees the queue; serving is never told', async () => {
  class FullDisk extends LocalFileStore {
    override writeAtomic(): Promise<void> {
      return Promise.reject(new Error('disk full'));
    }
  }
  const broken: FileStore = new FullDisk(tempDir());
  const writer = new FeatureLogWriter({ files: broken, logger: silent, options: { capacityRows: 10, flushMs: 60_000 } });
  writer.offer(served([1, 2], T));
  await writer.flush();
  assert.deepEqual(writer.queueStats(), { queueDepthRows: 0, capacityRows: 10, droppedRows: 0, writtenRows: 0, failedRows: 2 });
});
