import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, test } from 'node:test';
import type { Redis } from 'ioredis';
import { numericColumnFrom, stringColumnFrom } from '../../../server/columns/column.js';
import type { OnlineRows, OnlineTable } from '../../../server/online/online-store.js';
import { connectRedis } from '../../../server/online/redis/connect-redis.js';
import { RedisOnlineStore } from '../../../server/online/redis/redis-online-store.js';
import { parseRedisUrl } from '../../../server/online/redis/redis-url.js';
import { REDIS_SKIP, deleteKeysUnder, keysUnder, redisUrlWithPrefix, uniquePrefix } from '../../support/redis.js';

const skip = REDIS_SKIP ?? false;
const prefix = uniquePrefix();
const location = () => parseRedisUrl(redisUrlWithPrefix(prefix));
const open = async () => new RedisOnlineStore(await connectRedis(location()), location());
after(async () => {
  if (!REDIS_SKIP) await deleteKeysUnder(prefix);
});

const table = (view: string, features: number, version = 1): OnlineTable => ({
  view,
  version,
  keys: [{ name: 'driver_id', type: 'int64' }],
  columns: Array.from({ length: features }, (_, k) => ({ name: `f${k}`, type: 'float64' as const })),
});
/** `n` entities from 0, feature k of entity i = i * 100 + k + offset, all at event time `ts` (or `ts(i)`). */
const rows = (t: OnlineTable, n: number, ts: number | ((i: number) => number), offset = 0): OnlineRows => ({
  length: n,
  keys: [numericColumnFrom(Array.from({ length: n }, (_, i) => i))],
  eventTs: Float64Array.from({ length: n }, (_, i) => (typeof ts === 'number' ? ts : ts(i))),
  createdTs: null,
  columns: t.columns.map((_, k) => numericColumnFrom(Array.from({ length: n }, (_, i) => i * 100 + k + offset))),
});

/**
 * Counts round trips on the client's socket: a round trip starts with a write made after an answer
 * arrived (or the first write). Writes in a row with no answer between them are one trip.
 */
function countRoundTrips(socket: Socket): () => number {
  let trips = 0;
  let answered = true;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]) => {
    if (answered) trips++;
    answered = false;
    return write(...args);
  }) as Socket['write'];
  socket.on('data', () => {
    answered = true;
  });
  return () => trips;
}

test('a request for 100 entities x 10 features over two views is one network round trip', { skip }, async () => {
  const client = await connectRedis(location());
  const store = new RedisOnlineStore(client, location());
  try {
    const a = table('rt_a', 6);
    const b = table('rt_b', 4);
    await store.write(a, rows(a, 100, 1000));
    await store.write(b, rows(b, 100, 2000, 50));
    const readA = store.prepareRead(a, ['f5', 'f0', 'f1', 'f2', 'f3', 'f4']);
    const readB = store.prepareRead(b, ['f0', 'f1', 'f2', 'f3']);
    const keys = Array.from({ length: 100 }, (_, i) => [i]);
    const trips = countRoundTrips((client as Redis).stream as Socket);
    // As the online service does: every view's read started together, then awaited.
    const [foundA, foundB] = await Promise.all([readA.read(keys), readB.read(keys)]);
    assert.equal(trips(), 1);
    assert.deepEqual(foundA[42], { eventTs: 1000, createdTs: null, values: [4205, 4200, 4201, 4202, 4203, 4204] });
    assert.deepEqual(foundB[99], { eventTs: 2000, createdTs: null, values: [9950, 9951, 9952, 9953] });
    assert.equal(foundA.length + foundB.length, 200);
    // The same request again: one more trip, not 200.
    await Promise.all([readA.read(keys), readB.read(keys)]);
    assert.equal(trips(), 2);
  } finally {
    await store.close();
  }
});

test('two writers racing never go back in time: each key ends with the latest row of either', { skip }, async () => {
  const [one, two] = [await open(), await open()];
  try {
    const t = table('race', 2);
    const writes = 20;
    // Writer one goes forward in time, writer two backward: whichever lands last, the latest (two's first) must stay.
    const forward = (async () => {
      for (let j = 0; j < writes; j++) await one.write(t, rows(t, 300, 100 + 2 * j, j));
    })();
    const backward = (async () => {
      for (let j = writes - 1; j >= 0; j--) await two.write(t, rows(t, 300, 101 + 2 * j, 1000 + j));
    })();
    await Promise.all([forward, backward]);
    const found = await one.read(
      t,
      Array.from({ length: 300 }, (_, i) => [i]),
      ['f0', 'f1'],
    );
    found.forEach((r, i) => assert.deepEqual(r, { eventTs: 101 + 2 * (writes - 1), createdTs: null, values: [i * 100 + 1000 + writes - 1, i * 100 + 1 + 1000 + writes - 1] }));
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('dropTable removes every key of the version in batches, and nothing else', { skip }, async () => {
  const store = await open();
  try {
    const v1 = table('dropped', 3);
    const v2 = table('dropped', 3, 2);
    const other = table('dropped_too', 3);
    await store.write(v1, rows(v1, 2500, 10));
    await store.write(v2, rows(v2, 10, 10));
    await store.write(other, rows(other, 10, 10));
    assert.equal((await keysUnder(`${prefix}dropped:1:`)).length, 2500);
    await store.dropTable('dropped', 1);
    assert.equal((await keysUnder(`${prefix}dropped:1:`)).length, 0);
    assert.equal((await keysUnder(`${prefix}dropped:2:`)).length, 10);
    assert.equal((await keysUnder(`${prefix}dropped_too:`)).length, 10);
  } finally {
    await store.close();
  }
});

test('string values keep their text exactly, including empty and separator characters', { skip }, async () => {
  const store = await open();
  try {
    const t: OnlineTable = { view: 'texts', version: 1, keys: [{ name: 'id', type: 'string' }], columns: [{ name: 's', type: 'string' }] };
    const keys = ['a}b', '', '{x}', 'é 🚀'];
    const values = ['', '0', 'line\nbreak', '🚀'];
    await store.write(t, { length: 4, keys: [stringColumnFrom(keys)], eventTs: Float64Array.from([1, 1, 1, 1]), createdTs: null, columns: [stringColumnFrom(values)] });
    assert.deepEqual(
      (
        await store.read(
          t,
          keys.map((k) => [k]),
          ['s'],
        )
      ).map((r) => r?.values[0]),
      values,
    );
  } finally {
    await store.close();
  }
});
