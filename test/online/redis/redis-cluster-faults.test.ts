import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { pipelineServer } from '../../support/pipeline-fixture.js';
import { REDIS_SKIP } from '../../support/redis.js';
import { privateCluster } from '../../support/redis-cluster.js';
import { waitFor } from '../../support/spawn-server.js';

const CSV = 'driver_id,ts,rate\n1,2026-11-29T10:00:00Z,0.5\n2,2026-11-29T11:00:00Z,0.25\n3,2026-11-29T11:30:00Z,0.125\n';
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'drv', entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' }] }],
};
const TIMEOUT_MS = 300;
/**
 * What "bounded" means here: the command timeout, plus the slack of a busy shared machine. A read that
 * waits for the cluster to come back (a queued command) takes as long as the outage: far beyond it.
 */
const BOUND_MS = 5_000;

// Bodies are any: the test reads problem documents field by field.
async function call(url: string, body?: unknown): Promise<{ status: number; type: string; body: any; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // Far past the bound: a hung request fails the assertion below, not the fetch.
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text), ms: Date.now() - started };
}

test('Redis Cluster unreachable or stalled under a running server: online reads answer 503 within a bounded time, and recover', { skip: REDIS_SKIP ?? false }, async () => {
  const cluster = await privateCluster();
  const s = await pipelineServer({ 'stats.csv': CSV }, bundle, { onlineUrl: `${cluster.url}?timeout_ms=${TIMEOUT_MS}` });
  const online = () => call(`${s.url}/get-online-features`, { features: ['drv:rate'], entities: { driver_id: [1, 2, 3] } });
  const servesRows = async () => {
    const res = await online();
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.results[1].values, [0.5, 0.25, 0.125]);
  };
  const failsWith503 = async (what: string) => {
    for (let i = 0; i < 3; i++) {
      const res = await online();
      assert.equal(res.status, 503, `${what}: ${JSON.stringify(res.body)}`);
      assert.ok(res.ms < BOUND_MS, `${what}: the 503 took ${res.ms} ms`);
      assert.match(res.type, /^application\/problem\+json/);
      assert.equal(res.body.type, '/problems/unavailable');
      assert.match(res.body.detail, /the online store \(redis\+cluster:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\?timeout_ms=300\) does not answer/);
    }
    const health = await call(`${s.url}/health`);
    assert.equal(health.status, 503);
    assert.ok(health.ms < BOUND_MS, `${what}: /health took ${health.ms} ms`);
    assert.match(health.body.checks.onlineStore, /redis\+cluster/);
  };
  const recovers = async () => {
    await waitFor('the online store to answer again', 60_000, async () => ((await call(`${s.url}/health`)).status === 200 ? true : undefined));
    await waitFor('reads to succeed again', 60_000, async () => ((await online()).status === 200 ? true : undefined));
    await servesRows();
  };
  try {
    assert.equal((await s.materialize('drv')).status, 'succeeded');
    await servesRows();

    // Stalled: every node stops answering, connections stay open.
    for (const n of cluster.nodes) n.freeze();
    try {
      await failsWith503('stalled');
    } finally {
      for (const n of cluster.nodes) n.thaw();
    }
    await recovers();

    // Unreachable: every node is gone (their keys saved first, so the same rows come back with them).
    for (const n of cluster.nodes) await n.save();
    await cluster.kill();
    await failsWith503('unreachable');
    for (const n of cluster.nodes) await n.start();
    await cluster.ready();
    await recovers();
  } finally {
    await s.close();
    await cluster.kill();
  }
});
