import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { duckRows } from '../support/duckdb.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

const ids = Array.from({ length: 200 }, (_, i) => i + 1);
const CSV = `driver_id,event_timestamp,score\n${ids.map((id) => `${id},2026-11-29T10:00:00Z,${id / 4}`).join('\n')}\n`;

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'event_timestamp' }],
  featureViews: [{ name: 'scores', entities: ['driver'], source: 'stats', features: [{ name: 'score', type: 'float64' }] }],
  featureServices: [
    { name: 'half', features: ['scores:score'], logging: { sampleRate: 0.5 } },
    { name: 'quiet', features: ['scores:score'] },
  ],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle, { featureLogFlushMs: 60_000 });
  const run = await s.materialize('scores');
  assert.equal(run.status, 'succeeded', run.error);
});
after(() => s.close());

const serve = async (body: Record<string, unknown>) => assert.equal((await postJson(`${s.url}/get-online-features`, body)).status, 200);

test('sampling keeps every request of a kept key and none of the others; unlogged services and feature lists log nothing', async () => {
  // Each key twice: once in a 200-row request, once alone (the fast path's one-row answer).
  await serve({ feature_service: 'half', entities: { driver_id: ids } });
  for (const id of ids) await serve({ feature_service: 'half', entities: { driver_id: [id] } });
  await serve({ feature_service: 'quiet', entities: { driver_id: ids } });
  await serve({ features: ['scores:score'], entities: { driver_id: ids } });
  await s.services.featureLog.flush();
  const root = s.services.files.locate('offline/logs/feature_services');
  const rows = await duckRows(
    `SELECT service, driver_id, count(*) AS n, min(scores__score) AS lo, max(scores__score) AS hi FROM read_parquet('${root}/*/*/*.parquet', hive_partitioning = true) GROUP BY ALL ORDER BY driver_id`,
  );
  assert.ok(rows.every((r) => r.service === 'half'));
  // All or nothing per key: both of its requests, with the value served.
  assert.ok(rows.every((r) => r.n === 2n && r.lo === Number(r.driver_id) / 4 && r.hi === r.lo));
  assert.ok(rows.length > 70 && rows.length < 130, `${rows.length} of 200 keys kept at 0.5`);
  assert.equal(s.services.featureLog.queueStats().writtenRows, rows.length * 2);
});

test('logging in definitions: the sample rate is checked and the view name logs is reserved, each a 400 naming the field', async () => {
  const bad: [BundleInput, string][] = [
    [{ featureServices: [{ name: 'x', features: ['scores:score'], logging: { sampleRate: 0 } }] }, 'featureServices[0].logging.sampleRate'],
    [{ featureServices: [{ name: 'x', features: ['scores:score'], logging: { sampleRate: 1.5 } }] }, 'featureServices[0].logging.sampleRate'],
    [{ featureServices: [{ name: 'x', features: ['scores:score'], logging: { rate: 1 } as never }] }, 'featureServices[0].logging'],
    [{ featureViews: [{ ...bundle.featureViews![0], name: 'logs' }] }, 'featureViews[0].name'],
  ];
  for (const [body, field] of bad) {
    const res = await postJson(`${s.url}/api/v1/apply`, body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === field),
      `${field}: ${JSON.stringify(res.body.errors)}`,
    );
  }
  // A service's logging defaults to every key.
  const ok = await postJson(`${s.url}/api/v1/apply`, { featureServices: [{ name: 'all_keys', features: ['scores:score'], logging: {} }] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const described = await fetch(`${s.url}/api/v1/feature-services/all_keys`).then((r) => r.json());
  assert.deepEqual(JSON.stringify(described).includes('"sampleRate":1'), true);
});
