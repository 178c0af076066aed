// `any`: response bodies are asserted field by field.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { exitCodeOf, exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const ROWS = 2000;
const BASE = Date.parse('2026-11-01T00:00:00Z');
const record = (i: number) => `${JSON.stringify({ id: i % 1000, ts: new Date(BASE + i * 1000).toISOString(), a: (i % 97) / 7, c: `k${i % 5}` })}\n`;

/**
 * The run's source: an HTTP answer that sends half its rows, then holds until the test releases it.
 * The run cannot end before the release, whatever the machine's speed: it is mid-run by construction.
 */
async function heldSource(): Promise<{ port: number; requested: () => boolean; release: () => void; close: () => Promise<void> }> {
  let requested = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((_req, res) => {
    requested = true;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (let i = 0; i < ROWS / 2; i++) res.write(record(i));
    void released.then(() => {
      for (let i = ROWS / 2; i < ROWS; i++) res.write(record(i));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    requested: () => requested,
    release,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const definitions = (sourcePort: number) => ({
  entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
  // A long per-chunk timeout and no retries: the held answer is slow on purpose, not broken.
  sources: [{ name: 'raw', type: 'http', url: `http://127.0.0.1:${sourcePort}/rows`, format: 'jsonl', timestampField: 'ts', timeoutMs: 600_000, retries: 0 }],
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
});

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
  const source = await heldSource();
  const defs = path.join(tempDir(), 'defs');
  writeFiles(defs, { 'things.yaml': toYaml(definitions(source.port)) });
  const dataDir = path.join(tempDir(), 'data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', defs], {
    TESSERA_HTTP_SOURCE_ALLOW: `127.0.0.1:${source.port}`,
    // The in-flight request is answered once the test releases the source, however busy the machine is.
    TESSERA_SHUTDOWN_GRACE_MS: '600000',
  });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  try {
    await waitFor('the server to lead', 60_000, async () => ((await requestJson(`${url}/health`)).body.scheduler === 'this process' ? true : undefined), exitedWith(server));

    let finished = false;
    const inFlight = postAndWait(`${url}/api/v1/feature-views/things/materialize?wait=true`).finally(() => (finished = true));
    // Signal only once the run is really running and reading its (held) source.
    await waitFor(
      'the run to read its source',
      60_000,
      async () => {
        const runs = (await requestJson(`${url}/api/v1/runs?featureView=things`)).body.runs as any[];
        return runs.length === 1 && runs[0].status === 'running' && source.requested() ? true : undefined;
      },
      exitedWith(server),
      10,
    );
    server.kill('SIGTERM');

    // The listener closes at once: fresh connections are refused while the run is still going.
    await waitFor(
      'new connections to be refused',
      60_000,
      async () => ((await tryConnect(port)) === 'ECONNREFUSED' ? true : undefined),
      () => null,
      10,
    );
    assert.equal(finished, false, 'the waiting request finished while its source was held');
    assert.equal(server.exitCode, null, 'the server exited before its in-flight request finished');

    source.release();
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
    source.release();
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGKILL');
      await exited;
    }
    await source.close();
  }
});

test('serve on a port already in use exits 1 naming it, and lets go of the pipeline lease', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  const dir = tempDir();
  writeFiles(dir, { 'defs/.keep': '' });
  const dataDir = path.join(dir, 'data');
  try {
    const child = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', path.join(dir, 'defs')]);
    // Bounded in case it hangs (it did, before); the exit itself comes within a second or two.
    const code = await exitCodeOf(child);
    assert.equal(code, 1, child.output());
    assert.match(child.output(), /EADDRINUSE/);
    // Another process takes the pipelines at once: the lease was given back, not left to expire.
    const other = await freePort();
    const next = spawnServe(['--port', String(other), '--data-dir', dataDir, '--definitions', path.join(dir, 'defs')], { TESSERA_LEASE_MS: '600000' });
    try {
      await waitFor('the next server to run the pipelines', 60_000, async () => (/now runs the scheduler and pipelines/.test(next.output()) ? true : undefined), exitedWith(next));
    } finally {
      next.kill('SIGTERM');
      await new Promise((resolve) => next.once('exit', resolve));
    }
  } finally {
    taken.close();
  }
});
