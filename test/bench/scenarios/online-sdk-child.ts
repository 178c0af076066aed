/**
 * The in-process SDK measured side by side with bare better-sqlite3, in one fresh process.
 * Usage: node --import tsx test/bench/scenarios/online-sdk-child.ts <dataDir> <rows> <readsPerTrial> <rounds>
 * Prints one JSON line: reads per second of wall time and of process CPU time, per method and round.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openFeatureStore } from '../../../server/sdk/index.js';
import { seeded } from '../../support/seeded.js';
import { ONLINE_TABLE, featureRefs } from '../online-data.js';

const [dataDir, rowsArg, readsArg, roundsArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const reads = Number(readsArg);
const rounds = Number(roundsArg);
const refs = featureRefs(10);
const rand = seeded(5);
const keys = Int32Array.from({ length: reads }, () => 1 + Math.floor(rand() * rows));
const sql = `SELECT _event_ts, _created_ts, ${refs.map((r) => `"${r.split(':')[1]}"`).join(', ')} FROM "${ONLINE_TABLE}" WHERE driver_id = ?`;

const store = await openFeatureStore({ dataDir });
// The bare lookup as the online store does it at the SQLite level: same SQL, same pragmas, raw rows.
const tuned = new Database(path.join(dataDir, 'online.db'), { readonly: true, fileMustExist: true });
tuned.pragma('mmap_size = 268435456');
tuned.pragma('cache_size = -65536');
const bare = tuned.prepare(sql).raw();
// And the plainest code: default connection, rows as objects.
const plain = new Database(path.join(dataDir, 'online.db'), { readonly: true, fileMustExist: true }).prepare(sql);

// Every method does one lookup per key, in the same key order; `sink` keeps the results alive.
let sink = 0;
const methods: Record<string, () => Promise<void> | void> = {
  sync: () => {
    for (let i = 0; i < keys.length; i++) sink += store.getOnlineFeaturesSync({ features: refs, entities: { driver_id: [keys[i]] } }).results.length;
  },
  promise: async () => {
    for (let i = 0; i < keys.length; i++) sink += (await store.getOnlineFeatures({ features: refs, entities: { driver_id: [keys[i]] } })).results.length;
  },
  bare: () => {
    for (let i = 0; i < keys.length; i++) sink += (bare.get(keys[i]) as unknown[]).length;
  },
  plain: () => {
    for (let i = 0; i < keys.length; i++) sink += plain.get(keys[i]) ? 1 : 0;
  },
};

// The SDK and the bare statement must read the same values, or the comparison means nothing.
for (let i = 0; i < Math.min(200, keys.length); i++) {
  const answer = store.getOnlineFeaturesSync({ features: refs, entities: { driver_id: [keys[i]] } });
  const row = bare.get(keys[i]) as unknown[];
  assert.deepEqual(
    answer.results.slice(1).map((r) => r.values[0]),
    row.slice(2),
  );
}

const names = Object.keys(methods);
const perSecond: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
// Reads per second of process CPU time: on a shared machine wall time moves with the neighbours'
// load, CPU time much less, so the CPU ratio says whether a change helped when the wall ratio cannot.
const perCpuSecond: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
for (const name of names) await methods[name](); // warm-up: JIT, page cache
for (let round = 0; round < rounds; round++) {
  // Interleaved, and the order rotates each round, so drift on a shared machine hits every method alike.
  for (let m = 0; m < names.length; m++) {
    const name = names[(m + round) % names.length];
    const started = performance.now();
    const cpu = process.cpuUsage();
    await methods[name]();
    const used = process.cpuUsage(cpu);
    perSecond[name].push(keys.length / ((performance.now() - started) / 1000));
    perCpuSecond[name].push(keys.length / ((used.user + used.system) / 1e6));
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ perSecond, perCpuSecond, sink })}\n`);
