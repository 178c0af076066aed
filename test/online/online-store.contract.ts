import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumnFrom, stringColumnFrom } from '../../server/columns/column.js';
import type { OnlineRows, OnlineStore, OnlineTable } from '../../server/online/online-store.js';

/**
 * The online store contract (server/online/online-store.ts). Every store in `ONLINE_STORES`
 * (online-stores.ts) runs this suite; each test gets a fresh store. Reads go through `read` and through
 * what serving calls (`prepareRead(...).read`, and `readSync` where a store has it): all must agree.
 */
export function onlineStoreContract(name: string, open: () => Promise<OnlineStore>, skip: string | null = null): void {
  const table: OnlineTable = {
    view: 'drivers',
    version: 1,
    keys: [{ name: 'driver_id', type: 'int64' }],
    columns: [
      { name: 'rate', type: 'float64' },
      { name: 'trips', type: 'int64' },
      { name: 'active', type: 'bool' },
      { name: 'city', type: 'string' },
    ],
  };
  const rows = (r: { id: number; ts: number; created?: number | null; rate: number | null; trips?: number | null; active?: boolean | null; city?: string | null }[]): OnlineRows => ({
    length: r.length,
    keys: [numericColumnFrom(r.map((x) => x.id))],
    eventTs: Float64Array.from(r, (x) => x.ts),
    createdTs: Float64Array.from(r, (x) => x.created ?? NaN),
    columns: [
      numericColumnFrom(r.map((x) => x.rate)),
      numericColumnFrom(r.map((x) => x.trips ?? null)),
      numericColumnFrom(r.map((x) => x.active ?? null)),
      stringColumnFrom(r.map((x) => x.city ?? null)),
    ],
  });
  const run = (title: string, fn: (store: OnlineStore) => Promise<void>) =>
    test(`${name}: online store: ${title}`, { skip: skip ?? false }, async () => {
      const store = await open();
      try {
        await fn(withServingReads(store));
      } finally {
        await store.close();
      }
    });

  run('reads from a table that does not exist return nulls; createTable is idempotent', async (store) => {
    assert.deepEqual(await store.read(table, [[1], [2]], ['rate']), [null, null]);
    await store.createTable(table);
    await store.createTable(table);
    assert.deepEqual(await store.read(table, [[1]], ['rate']), [null]);
  });

  run('one result per key, in the order asked, values in the order of the features', async (store) => {
    await store.createTable(table);
    await store.write(
      table,
      rows([
        { id: 1, ts: 100, rate: 0.5, trips: 3, active: true, city: 'Paris' },
        { id: 2, ts: 100, rate: null, trips: 4, active: false, city: null },
      ]),
    );
    const found = await store.read(table, [[2], [9], [1], [2]], ['city', 'rate', 'active', 'trips']);
    assert.deepEqual(found, [
      { eventTs: 100, createdTs: null, values: [null, null, false, 4] },
      null,
      { eventTs: 100, createdTs: null, values: ['Paris', 0.5, true, 3] },
      { eventTs: 100, createdTs: null, values: [null, null, false, 4] },
    ]);
  });

  run('a write never replaces a newer row: event time, then created time (null loses), full tie to the write', async (store) => {
    await store.createTable(table);
    await store.write(table, rows([{ id: 1, ts: 200, created: 5, rate: 1 }]));
    await store.write(table, rows([{ id: 1, ts: 100, created: 9, rate: 2 }]));
    assert.equal((await store.read(table, [[1]], ['rate']))[0]!.values[0], 1, 'older event time loses');
    await store.write(table, rows([{ id: 1, ts: 200, created: 4, rate: 3 }]));
    assert.equal((await store.read(table, [[1]], ['rate']))[0]!.values[0], 1, 'same event time, older created loses');
    await store.write(table, rows([{ id: 1, ts: 200, created: null, rate: 4 }]));
    assert.equal((await store.read(table, [[1]], ['rate']))[0]!.values[0], 1, 'null created loses to a created');
    await store.write(table, rows([{ id: 1, ts: 200, created: 5, rate: 5 }]));
    assert.equal((await store.read(table, [[1]], ['rate']))[0]!.values[0], 5, 'a full tie goes to the write');
    await store.write(table, rows([{ id: 1, ts: 200, created: 6, rate: 6 }]));
    assert.deepEqual(await store.read(table, [[1]], ['rate']), [{ eventTs: 200, createdTs: 6, values: [6] }]);
    await store.write(table, rows([{ id: 1, ts: 300, created: null, rate: 7 }]));
    assert.deepEqual(await store.read(table, [[1]], ['rate']), [{ eventTs: 300, createdTs: null, values: [7] }], 'newer event time wins');
  });

  run('reads through a table that lists only the asked columns, as serving builds it, find the same values', async (store) => {
    await store.createTable(table);
    await store.write(table, rows([{ id: 1, ts: 100, rate: 0.5, trips: 3, active: true, city: 'Paris' }]));
    const asked = { ...table, columns: [table.columns[3], table.columns[2]] };
    assert.deepEqual(await store.prepareRead(asked, ['city', 'active']).read([[1]]), [{ eventTs: 100, createdTs: null, values: ['Paris', true] }]);
    assert.deepEqual(await store.read(asked, [[1]], ['active']), [{ eventTs: 100, createdTs: null, values: [true] }]);
  });

  run('a newer row replaces every value: a value now null is null, not the old one', async (store) => {
    await store.createTable(table);
    await store.write(table, rows([{ id: 1, ts: 100, created: 1, rate: 0.5, trips: 3, active: true, city: 'Paris' }]));
    await store.write(table, rows([{ id: 1, ts: 200, rate: null, trips: 4, active: null, city: null }]));
    assert.deepEqual(await store.read(table, [[1]], ['rate', 'trips', 'active', 'city']), [{ eventTs: 200, createdTs: null, values: [null, 4, null, null] }]);
  });

  run('within one write, rows in any order end with the latest per key', async (store) => {
    await store.createTable(table);
    const result = await store.write(
      table,
      rows([
        { id: 3, ts: 300, rate: 3 },
        { id: 1, ts: 100, rate: 1 },
        { id: 3, ts: 100, rate: 99 },
      ]),
    );
    assert.ok(result.written >= 2);
    assert.deepEqual(
      (await store.read(table, [[1], [3]], ['rate'])).map((r) => r!.values[0]),
      [1, 3],
    );
  });

  run('composite string + int keys', async (store) => {
    const composite: OnlineTable = {
      view: 'trips',
      version: 2,
      keys: [
        { name: 'city', type: 'string' },
        { name: 'driver_id', type: 'int64' },
      ],
      columns: [{ name: 'n', type: 'int64' }],
    };
    await store.createTable(composite);
    await store.write(composite, {
      length: 3,
      keys: [stringColumnFrom(['Paris', 'Paris', 'Lyon']), numericColumnFrom([1, 2, 1])],
      eventTs: Float64Array.from([1, 1, 1]),
      createdTs: null,
      columns: [numericColumnFrom([10, 20, 30])],
    });
    const found = await store.read(
      composite,
      [
        ['Lyon', 1],
        ['Paris', 2],
        ['Lyon', 2],
        ['Paris', 1],
      ],
      ['n'],
    );
    assert.deepEqual(
      found.map((r) => r?.values[0] ?? null),
      [30, 20, null, 10],
    );
  });

  // 2^53 + 1 (a double rounds it to 2^53), 2^63 - 1 and -2^63: int64 values kept exact, as BigInts; a
  // value within 2^53 keeps the number type. A write carries a column holding a wide value as decimal text.
  run('int64 values beyond 2^53 are read back exact (BigInt); within 2^53 they stay numbers', async (store) => {
    await store.createTable(table);
    const wide = ['9007199254740993', '9223372036854775807', '-9223372036854775808', '9007199254740991', null];
    await store.write(table, {
      length: wide.length,
      keys: [stringColumnFrom(['1', '2', '3', '4', '9223372036854775807'])],
      eventTs: Float64Array.from(wide, () => 10),
      createdTs: null,
      columns: [numericColumnFrom(wide.map(() => 0.5)), stringColumnFrom(wide), numericColumnFrom(wide.map(() => null)), stringColumnFrom(wide.map(() => null))],
    });
    const found = await store.read(table, [[1], [2], [3], [4], [9223372036854775807n]], ['trips', 'rate']);
    assert.deepEqual(
      found.map((r) => r?.values),
      [
        [9007199254740993n, 0.5],
        [9223372036854775807n, 0.5],
        [-9223372036854775808n, 0.5],
        [9007199254740991, 0.5],
        [null, 0.5],
      ],
    );
    // A later all-number write to the same column reads back as numbers again.
    await store.write(table, rows([{ id: 1, ts: 20, rate: 1, trips: -7 }]));
    assert.deepEqual((await store.read(table, [[1]], ['trips']))[0]?.values, [-7]);
  });

  run('ping answers', async (store) => {
    await store.ping();
  });

  run('prepared reads: made before the table exists they find nothing, then the rows once written', async (store) => {
    const prepared = store.prepareRead(table, ['trips', 'rate']);
    assert.deepEqual(await prepared.read([[1]]), [null]);
    if (prepared.readSync) assert.deepEqual(prepared.readSync([[1]]), [null]);
    await store.createTable(table);
    await store.write(table, rows([{ id: 1, ts: 10, created: 3, rate: 0.5, trips: 2 }]));
    const expected = [{ eventTs: 10, createdTs: 3, values: [2, 0.5] }, null];
    assert.deepEqual(await prepared.read([[1], [2]]), expected);
    if (prepared.readSync) assert.deepEqual(prepared.readSync([[1], [2]]), expected);
    assert.deepEqual(await store.prepareRead(table, ['trips', 'rate']).read([[1], [2]]), expected, 'prepared again, the same answer');
  });

  run('a view dropped and created again is empty: prepared reads never see the old rows, then see the new ones', async (store) => {
    await store.createTable(table);
    await store.write(
      table,
      rows([
        { id: 1, ts: 500, rate: 1, city: 'Paris' },
        { id: 2, ts: 500, rate: 2 },
      ]),
    );
    const before = store.prepareRead(table, ['rate', 'city']);
    assert.deepEqual((await before.read([[1]]))[0]?.values, [1, 'Paris']);
    await store.dropTable('drivers', 1);
    assert.deepEqual(await before.read([[1], [2]]), [null, null]);
    if (before.readSync) assert.deepEqual(before.readSync([[1], [2]]), [null, null]);
    // The new view under the same name writes older event times: no old row may win or come back.
    await store.createTable(table);
    assert.deepEqual(await before.read([[1], [2]]), [null, null]);
    await store.write(table, rows([{ id: 1, ts: 100, rate: 7, city: 'Lyon' }]));
    assert.deepEqual(await before.read([[1], [2]]), [{ eventTs: 100, createdTs: null, values: [7, 'Lyon'] }, null]);
    assert.deepEqual(await store.read(table, [[1], [2]], ['rate', 'city']), [{ eventTs: 100, createdTs: null, values: [7, 'Lyon'] }, null]);
    if (before.readSync) assert.deepEqual(before.readSync([[1]]), [{ eventTs: 100, createdTs: null, values: [7, 'Lyon'] }]);
  });

  run('versions are separate tables; dropTable removes one', async (store) => {
    const v2 = { ...table, version: 2 };
    await store.createTable(table);
    await store.createTable(v2);
    await store.write(table, rows([{ id: 1, ts: 1, rate: 1 }]));
    await store.write(v2, rows([{ id: 1, ts: 1, rate: 2 }]));
    assert.equal((await store.read(v2, [[1]], ['rate']))[0]!.values[0], 2);
    await store.dropTable('drivers', 1);
    await store.dropTable('drivers', 1);
    assert.deepEqual(await store.read(table, [[1]], ['rate']), [null]);
    assert.equal((await store.read(v2, [[1]], ['rate']))[0]!.values[0], 2);
  });
}

/**
 * The store with `read` checked against the serving path: every read is also answered by a fresh
 * `prepareRead(...).read` (and `readSync` when the store has one), and all must be equal.
 */
function withServingReads(store: OnlineStore): OnlineStore {
  const read: OnlineStore['read'] = async (table, keys, features) => {
    const direct = await store.read(table, keys, features);
    const prepared = store.prepareRead(table, features);
    assert.deepEqual(await prepared.read(keys), direct, 'prepareRead(...).read agrees with read');
    if (prepared.readSync) assert.deepEqual(prepared.readSync(keys), direct, 'readSync agrees with read');
    return direct;
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'read') return read;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
