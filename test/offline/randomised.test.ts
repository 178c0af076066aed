import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { formatTimestamp } from '../../server/domain/time.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
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
};

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
 * Source rows on a 15-minute grid over 6 keys, so ties and ttl boundaries happen often. With a
 * created column, one (key, ts) may repeat with distinct created times (at most one null); without,
 * (key, ts) is unique, as the contract requires of one snapshot.
 */
function generate(rand: () => number, withCreated: boolean, previous: SourceRow[]): SourceRow[] {
  const rows: SourceRow[] = [];
  const seen = new Set<string>();
  const add = (r: SourceRow) => {
    const id = withCreated ? `${r.key}|${r.ts}|${r.created}` : `${r.key}|${r.ts}`;
    if (seen.has(id)) return;
    seen.add(id);
    rows.push(r);
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
      for (const r of rows) if (!window || (r.ts > window.start && r.ts <= window.end)) stored[view].push({ ...r, created: VIEWS[view].hasCreated ? r.created : null, snapshot: run.snapshotId });
    };
    const overlapping = Object.keys(VIEWS).filter((v) => v !== 'windows');
    for (const view of overlapping) await commit(view, VIEWS[view].hasCreated ? a : b, null);
    for (let w = 0; w < 4; w++) await commit('windows', b, { start: BASE - STEP + w * 12 * STEP, end: BASE - STEP + (w + 1) * 12 * STEP });
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

    for (const [view, rules] of Object.entries(VIEWS)) {
      const start = BASE + Math.floor(rand() * 10) * STEP;
      const end = start + (10 + Math.floor(rand() * 20)) * STEP;
      const got = await retrieveRange(s.services, [`${view}:rate`], start, end);
      const expected = inRange(stored[view], start, end, rules);
      assert.ok(expected.length > 10);
      assert.deepEqual(
        got.rows.map((r) => [Number(r.driver_id), r.event_timestamp, rules.hasCreated ? r.created_timestamp : null, r.rate]),
        expected.map((r) => [r.key, r.ts, r.created, r.value]),
        `range of ${view}`,
      );
    }
  } finally {
    await s.close();
  }
});
