// `any`: response bodies are asserted field by field.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const ROWS = 300_000;

/** Enough rows that a run lasts a few seconds: long enough to signal the server mid-run. */
function csv(): string {
  const base = Date.parse('2026-11-01T00:00:00Z');
  const lines = ['id,ts,a,c'];
  for (let i = 0; i < ROWS; i++) lines.push(`${i % 1000},${new Date(base + i * 1000).toISOString()},${(i % 97) / 7},k${i % 5}`);
  return `${lines.join('\n')}\n`;
}

const definitions = {
  entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
  sources: [{ name: 'raw', type: 'csv', path: 'raw.csv', timestampField: 'ts' }],
  featureViews: [
    {
      name: 'things',
      entities: ['thing'],
      source: 'raw',
      features: [
        { name: 'a', type: 'float64', transforms: [{ impute: { strategy: 'median' } }, { scale: { method: 'standard' } }] },
        { name: 'c', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
      ],
    },
  ],
};

/**
 * A POST on its own connection with no client-side timeout (requestJson gives up after 5 s of
 * silence, and a waiting materialize is silent until the run ends).
 */
function postAndWait(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

/** Opens a TCP connection: resolves 'connected' (and closes it) or the error code. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

test('SIGTERM during a waiting materialize: the request completes with the succeeded run, new connections are refused, exit 0', async () => {
  const defs = path.join(tempDir(), 'defs');
  writeFiles(defs, { 'raw.csv': csv(), 'things.yaml': toYaml(definitions) });
  const dataDir = path.join(tempDir(), 'data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Small batches and flushes: the run takes longer and reports progress through many steps.
  const server = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', defs], { TESSERA_BATCH_SIZE: '5000', TESSERA_FLUSH_ROWS: '20000' });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  try {
    await waitFor('the server to lead', 30_000, async () => ((await requestJson(`${url}/health`)).body.scheduler === 'this process' ? true : undefined), exitedWith(server));

    let finished = false;
    const inFlight = postAndWait(`${url}/api/v1/feature-views/things/materialize?wait=true`).finally(() => (finished = true));
    // Signal only once the run is really running (not merely queued).
    await waitFor(
      'the run to start',
      30_000,
      async () => {
        const runs = (await requestJson(`${url}/api/v1/runs?featureView=things`)).body.runs as any[];
        assert.ok(!runs.some((r) => r.status === 'succeeded'), 'the run finished before the signal: make it bigger');
        return runs.length === 1 && runs[0].status === 'running' ? true : undefined;
      },
      exitedWith(server),
      10,
    );
    server.kill('SIGTERM');

    // The listener closes at once: fresh connections are refused while the run is still going.
    await waitFor(
      'new connections to be refused',
      10_000,
      async () => ((await tryConnect(port)) === 'ECONNREFUSED' ? true : undefined),
      () => null,
      10,
    );
    assert.equal(finished, false, 'the waiting request had already finished: the refusal proves nothing (make the run bigger)');
    assert.equal(server.exitCode, null, 'the server exited before its in-flight request finished');

    const answer = await inFlight;
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'succeeded', JSON.stringify(answer.body));
    assert.equal(answer.body.featureView, 'things');
    assert.equal(answer.body.rowsIn, ROWS);
    assert.equal(answer.body.rowsOut, ROWS);
    assert.equal(answer.body.rowsRejected, 0);
    assert.equal(typeof answer.body.snapshotId, 'number');

    assert.equal(await exited, 0, server.output().slice(-3000));
    assert.match(server.output(), /shutting down: finishing in-flight work/);
  } finally {
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
  }
});
