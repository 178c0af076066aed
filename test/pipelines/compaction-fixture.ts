import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { BundleInput } from '../../server/domain/bundle.js';
import { formatTimestamp } from '../../server/domain/time.js';
import { compactor } from '../../server/services.js';
import { retrieve, retrieveRange } from '../offline/fixture.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { seeded } from '../support/seeded.js';
import { postJson } from '../support/services.js';

export const BASE = Date.parse('2026-11-01T00:00:00Z');
export const STEP = 10 * 60_000;
const KEYS = 8;

export const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [
    { name: 'with_created', type: 'csv', path: 'data/a.csv', timestampField: 'ts', createdTimestampField: 'created' },
    { name: 'plain', type: 'csv', path: 'data/a.csv', timestampField: 'ts' },
  ],
  featureViews: [
    { name: 'created_view', entities: ['driver'], source: 'with_created', ttl: '2h', features: [{ name: 'rate', type: 'float64' }] },
    { name: 'plain_view', entities: ['driver'], source: 'plain', features: [{ name: 'rate', type: 'float64' }] },
  ],
};
export const VIEWS = ['created_view', 'plain_view'];

/**
 * Source rows on a 10-minute grid: ties on key and event time inside one file (distinct created
 * times, equal ones, nulls), so a run deduplicates, and corrected values for a backfill.
 */
export function sourceCsv(seed: number, slots: number): string {
  const rand = seeded(seed);
  const lines = ['driver_id,ts,created,rate'];
  for (let i = 0; i < slots * 6; i++) {
    const ts = BASE + Math.floor(rand() * slots) * STEP;
    const created = rand() < 0.3 ? '' : formatTimestamp(ts + Math.floor(rand() * 3) * 1000);
    const row = `${1 + Math.floor(rand() * KEYS)},${formatTimestamp(ts)},${created},${Math.floor(rand() * 1000)}`;
    lines.push(row);
    if (rand() < 0.2) lines.push(row.replace(/,\d+$/, `,${Math.floor(rand() * 1000)}`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A server whose two views hold `windows` small snapshots each (contiguous windows, as incremental
 * runs write them), then a backfill over an earlier stretch after the source changed, then two more
 * windows. The scheduler's own compaction is off: tests run it.
 */
export async function compactionServer(windows: number, overrides: Record<string, unknown> = {}) {
  const slots = windows + 4;
  const s = await pipelineServer({ 'data/a.csv': sourceCsv(1, slots) }, bundle, {
    compactionIntervalMs: 0,
    compactionMinSnapshots: 3,
    compactionRetainMs: 0,
    ...overrides,
  });
  const window = (w: number) => ({ start: formatTimestamp(BASE - STEP + w * STEP), end: formatTimestamp(BASE - STEP + (w + 1) * STEP) });
  for (const view of VIEWS) {
    for (let w = 0; w < windows; w++) assert.equal((await s.materialize(view, window(w))).status, 'succeeded');
  }
  fs.writeFileSync(s.file('data/a.csv'), sourceCsv(2, slots));
  for (const view of VIEWS) {
    const backfill = { start: formatTimestamp(BASE + 2 * STEP), end: formatTimestamp(BASE + 6 * STEP) };
    assert.equal((await s.materialize(view, backfill)).status, 'succeeded');
    for (let w = windows; w < windows + 2; w++) assert.equal((await s.materialize(view, window(w))).status, 'succeeded');
  }
  return { ...s, slots, compactor: () => compactor(s.services, s.pipelines.holder) };
}

/** Everything a reader can see: point-in-time answers for a grid of entity rows, each view's range, the online rows. */
export async function answers(s: Awaited<ReturnType<typeof compactionServer>>) {
  const keys: number[] = [];
  const times: string[] = [];
  for (let k = 0; k <= KEYS; k++) {
    for (let t = -1; t <= s.slots + 1; t++) {
      keys.push(k);
      times.push(formatTimestamp(BASE + t * STEP + (t % 3) * 1000));
    }
  }
  const pit = await retrieve(s.services, ['created_view:rate', 'plain_view:rate'], { kind: 'columns', columns: { driver_id: keys, event_timestamp: times } }, true);
  const ranges = [];
  for (const view of VIEWS) ranges.push((await retrieveRange(s.services, [`${view}:rate`], BASE - STEP, BASE + (s.slots + 2) * STEP)).rows);
  const online = [];
  for (const view of VIEWS) {
    const res = await postJson(`${s.url}/get-online-features`, { features: [`${view}:rate`], entities: { driver_id: Array.from({ length: KEYS }, (_, i) => i + 1) } });
    online.push(res.body.results[1]);
  }
  return { pit: pit.rows, ranges, online };
}
