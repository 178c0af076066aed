import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { pipelineServer } from '../../support/pipeline-fixture.js';
import { REDIS_SKIP, privateRedis } from '../../support/redis.js';
import { freePort, spawnServe, waitFor } from '../../support/spawn-server.js';
import { tempDir } from '../../support/temp-dir.js';

const skip = REDIS_SKIP ?? false;
const CSV = 'driver_id,ts,rate\n1,2026-11-29T10:00:00Z,0.5\n2,2026-11-29T11:00:00Z,0.25\n';
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'drv', entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' }] }],
};

/** A request that may not hang: no answer within 10 s fails the test (the store's timeout is 300 ms). */
async function call(url: string, body?: unknown): Promise<{ status: number; type: string; body: any; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text), ms: Date.now() - started };
}

test('Redis lost or stalled under a running server: 503 problem documents, /health names the store, recovery on its own', { skip }, async () => {
  const redis = await privateRedis(await freePort(), tempDir());
  // The SQLite registry (the default) with the Redis online store: the mixed topology.
  const s = await pipelineServer({ 'stats.csv': CSV }, bundle, { onlineUrl: `${redis.url}/0?timeout_ms=300` });
  const online = () => call(`${s.url}/get-online-features`, { features: ['drv:rate'], entities: { driver_id: [1, 2] } });
  const health = () => call(`${s.url}/health`);
  const servesRows = async () => {
    const res = await online();
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.results[1].values, [0.5, 0.25]);
  };
  const failsWith503 = async () => {
    const res = await online();
    assert.equal(res.status, 503);
    assert.match(res.type, /^application\/problem\+json/);
    assert.equal(res.body.type, '/problems/unavailable');
    assert.match(res.body.detail, new RegExp(`the online store \\(redis://127\\.0\\.0\\.1:${redis.port}/0\\?timeout_ms=300\\) does not answer`));
    const h = await health();
    assert.equal(h.status, 503);
    assert.equal(h.body.checks.registry, 'ok');
    assert.match(h.body.checks.onlineStore, new RegExp(`redis://127\\.0\\.0\\.1:${redis.port}`));
  };
  const recovers = async () => {
    await waitFor('the online store to answer again', 120_000, async () => ((await health()).status === 200 ? true : undefined));
    await servesRows();
  };
  try {
    assert.equal((await s.materialize('drv')).status, 'succeeded');
    await servesRows();
    assert.deepEqual((await health()).body.checks, { registry: 'ok', onlineStore: 'ok', offlineRoot: 'ok' });

    // Lost: the process is gone (its data saved first, so the same rows come back with it).
    await redis.save();
    await redis.kill();
    await failsWith503();
    await redis.start();
    await recovers();

    // Stalled: connections stay open and nothing answers; the command timeout answers instead.
    redis.freeze();
    try {
      await failsWith503();
    } finally {
      redis.thaw();
    }
    await recovers();
  } finally {
    await s.close();
    await redis.kill();
  }
});

test('an unreachable or unknown online URL at start: one line naming the setting, a non-zero exit, nothing written', { skip }, async () => {
  const closed = await freePort();
  for (const [url, message] of [
    [`redis://127.0.0.1:${closed}/0`, `error: TESSERA_ONLINE_URL (--online-url): cannot reach Redis at redis://127.0.0.1:${closed}/0: connect ECONNREFUSED 127.0.0.1:${closed}`],
    ['memcached://127.0.0.1:11211', "error: TESSERA_ONLINE_URL (--online-url): no online store serves 'memcached:' URLs (redis://, rediss://, redis+cluster://)"],
  ]) {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const child = spawnServe(['--online-url', url, '--data-dir', dataDir, '--definitions', path.join(dir, 'defs'), '--port', '0']);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.notEqual(code, 0);
    const lines = child
      .output()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('[tessera serve exited'));
    assert.deepEqual(lines.slice(0, 1), [message]);
    assert.ok(
      lines.slice(1).every((l) => /^ {2}onlineUrl: /.test(l)),
      child.output(),
    );
    assert.equal(fs.existsSync(dataDir), false, 'nothing written');
  }
});
