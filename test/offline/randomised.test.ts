import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { formatTimestamp } from '../../server/domain/time.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';
import { seeded as random } from '../support/seeded.js';
import { type StoredRow, type ViewRules, inRange, pointInTime } from './brute-force.js';
import { retrieve, retrieveRange } from './fixture.js';

const SEED = Number(process.env.TESSERA_TEST_SEED ?? 20261129);
const BASE = Date.parse('2026-11-10T00:00:00Z');
const STEP = 15 * 60_000;
const SLOTS = 40;

interface SourceRow {
  key: number;
  ts: number;
  created: number | null;
  value: number;
}

const VIEWS: Record<string, ViewRules & { file: string; ttl?: string }> = {
  with_created: { ttlMs: 90 * 60_000, hasCreated: true, file: 'a.csv', ttl: '90m' },
  plain_ttl: { ttlMs: 45 * 60_000, hasCreated: false, file: 'b.csv', ttl: '45m' },
  plain: { ttlMs: 0, hasCreated: false, file: 'b.csv' },
  // Committed as four disjoint windows, as incremental runs are: the plain (timestamp-only) sort key.
  windows: { ttlMs: 45 * 60_000, hasCreated: false, file: 'b.csv', ttl: '45m' },
  // The same with a created column: deduplicated on write, so a bare ASOF JOIN answers it too.
  windows_created: { ttlMs: 90 * 60_000, hasCreated: true, file: 'a.csv', ttl: '90m' },
};
const WINDOWED = ['windows', 'windows_created'];

function bundle(): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [
      { name: 'a', type: 'csv', path: 'data/a.csv', timestampField: 'ts', createdTimestampField: 'created' },
      { name: 'b', type: 'csv', path: 'data/b.csv', timestampField: 'ts' },
    ],
    featureViews: Object.entries(VIEWS).map(([name, v]) => ({
      name,
      entities: ['driver'],
      source: v.hasCreated ? 'a' : 'b',
      ...(v.ttl ? { ttl: v.ttl } : {}),
      features: [{ name: 'rate', type: 'float64' as const }],
    })),
  };
}

/**
 * Source rows on a 15-minute grid over 6 keys, so ties and ttl boundaries happen often. One (key, ts)
 * may repeat within one source: with distinct created times, with equal ones (a full tie, which the
 * row read last wins), or, without a created column, with nothing to tell them apart but read order.
 */
function generate(rand: () => number, withCreated: boolean, previous: SourceRow[]): SourceRow[] {
  const rows: SourceRow[] = [];
  const add = (r: SourceRow) => {
    rows.push(r);
    // Now and then the same key and time again, read later, with another value.
    if (rand() < 0.15) rows.push({ ...r, value: Math.floor(rand() * 1000), created: withCreated && rand() < 0.5 ? createdFor(rand, r.ts) : r.created });
  };
  // Keep most earlier rows, some with a corrected value or created time; drop a few; add new ones.
  for (const r of previous) {
    const roll = rand();
    if (roll < 0.1) continue;
    if (roll < 0.4) add({ ...r, value: Math.floor(rand() * 1000), created: withCreated && rand() < 0.5 ? createdFor(rand, r.ts) : r.created });
    else add(r);
  }
  for (let i = 0; i < 60; i++) {
    const ts = BASE + Math.floor(rand() * SLOTS) * STEP;
    add({ key: 1 + Math.floor(rand() * 6), ts, created: withCreated ? createdFor(rand, ts) : null, value: Math.floor(rand() * 1000) });
  }
  return rows;
}

function createdFor(rand: () => number, ts: number): number | null {
  return rand() < 0.3 ? null : ts + Math.floor(rand() * 4) * 1000;
}

function csv(rows: SourceRow[]): string {
  const lines = rows.map((r) => `${r.key},${formatTimestamp(r.ts)},${r.created === null ? '' : formatTimestamp(r.created)},${r.value}`);
  return `driver_id,ts,created,rate\n${lines.join('\n')}\n`;
}

test(`randomised point-in-time and range reads match a brute-force join (seed ${SEED})`, async () => {
  const rand = random(SEED);
  let a = generate(rand, true, []);
  let b = generate(rand, false, []);
  const s = await pipelineServer({ 'data/a.csv': csv(a), 'data/b.csv': csv(b) }, bundle());
  try {
    const stored: Record<string, StoredRow[]> = Object.fromEntries(Object.keys(VIEWS).map((v) => [v, []]));
    const commit = async (view: string, rows: SourceRow[], window: { start: number; end: number } | null) => {
      const run = await s.materialize(view, window ? { start: formatTimestamp(window.start), end: formatTimestamp(window.end) } : {});
      assert.equal(run.status, 'succeeded', run.error);
      rows.forEach((r, seq) => {
        if (!window || (r.ts > window.start && r.ts <= window.end)) stored[view].push({ ...r, created: VIEWS[view].hasCreated ? r.created : null, snapshot: run.snapshotId, seq });
      });
    };
    const overlapping = Object.keys(VIEWS).filter((v) => !WINDOWED.includes(v));
    for (const view of overlapping) await commit(view, VIEWS[view].hasCreated ? a : b, null);
    for (const view of WINDOWED) {
      for (let w = 0; w < 4; w++) await commit(view, VIEWS[view].hasCreated ? a : b, { start: BASE - STEP + w * 12 * STEP, end: BASE - STEP + (w + 1) * 12 * STEP });
    }
    // Backfills over random, overlapping windows, each after the source changed.
    for (let round = 0; round < 3; round++) {
      a = generate(rand, true, a);
      b = generate(rand, false, b);
      fs.writeFileSync(s.file('data/a.csv'), csv(a));
      fs.writeFileSync(s.file('data/b.csv'), csv(b));
      const from = Math.floor(rand() * SLOTS);
      const to = from + 1 + Math.floor(rand() * (SLOTS - from));
      const window = { start: BASE + from * STEP - STEP / 2, end: BASE + to * STEP };
      for (const view of overlapping) await commit(view, VIEWS[view].hasCreated ? a : b, window);
    }

    // Entity rows on a 5-minute grid (hitting feature times and ttl boundaries exactly), keys 0 and 7 unknown.
    const n = 400;
    const keys = Array.from({ length: n }, () => Math.floor(rand() * 8));
    const times = Array.from({ length: n }, () => BASE - STEP + Math.floor(rand() * (SLOTS + 8) * 3) * (STEP / 3) + (rand() < 0.1 ? 1 : 0));
    const { rows } = await retrieve(
      s.services,
      Object.keys(VIEWS).map((v) => `${v}:rate`),
      { kind: 'columns', columns: { driver_id: keys, event_timestamp: times.map(formatTimestamp) } },
      true,
    );
    assert.equal(rows.length, n);
    let matched = 0;
    rows.forEach((row, i) => {
      assert.equal(row.driver_id, BigInt(keys[i]), `row ${i} order`);
      for (const [view, rules] of Object.entries(VIEWS)) {
        const expected = pointInTime(stored[view], keys[i], times[i], rules);
        if (expected !== null) matched++;
        assert.equal(row[`${view}__rate`], expected, `row ${i} (key ${keys[i]} at ${formatTimestamp(times[i])}), view ${view}`);
      }
    });
    assert.ok(matched > n / 2, `the data should make most rows match (${matched})`);

    // The online store holds, per key, the row a point-in-time read at the end of time returns.
    const keysSeen = [1, 2, 3, 4, 5, 6];
    for (const [view, rules] of Object.entries(VIEWS)) {
      const online = await postJson(`${s.url}/get-online-features`, { features: [`${view}:rate`], entities: { driver_id: keysSeen } });
      assert.equal(online.status, 200, JSON.stringify(online.body));
      const expected = keysSeen.map((k) => pointInTime(stored[view], k, Number.MAX_SAFE_INTEGER, { ...rules, ttlMs: 0 }));
      assert.deepEqual(online.body.results[1].values, expected, `online ${view}`);
    }

    for (const [view, rules] of Object.entries(VIEWS)) {
      const start = BASE + Math.floor(rand() * 10) * STEP;
      const end = start + (10 + Math.floor(rand() * 20)) * STEP;
      const got = await retrieveRange(s.services, [`${view}:rate`], start, end);
      const expected = inRange(stored[view], start, end, rules);
      assert.ok(expected.length > 5, `range of ${view}: ${expected.length} rows`);
      assert.deepEqual(
        got.rows.map((r) => [Number(r.driver_id), r.event_timestamp, rules.hasCreated ? r.created_timestamp : null, r.rate]),
        expected.map((r) => [r.key, r.ts, r.created, r.value]),
        `range of ${view}`,
      );
    }
    // The data did hold ties on key and event time, inside one run and across runs.
    for (const view of Object.keys(VIEWS)) {
      const ids = stored[view].map((r) => `${r.snapshot}|${r.key}|${r.ts}`);
      assert.ok(new Set(ids).size < ids.length, `${view}: ties within a run`);
    }
  } finally {
    await s.close();
  }
});
