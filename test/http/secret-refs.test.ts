import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

/**
 * Through a definitions folder applied by `tessera serve`. A secret given by reference reaches the source it is for and nothing else: `tessera serve` (its
 * pipelines in a worker thread, logging at trace) runs views whose HTTP sources send it, then every
 * API answer, every line the server logged and the registry's files are scanned for its text.
 */
const SECRET = `Bearer sk-${randomBytes(12).toString('hex')}`;
const API_KEY = `key-${randomBytes(12).toString('hex')}`;
const TS = '2026-11-29T10:00:00Z';
const received: string[] = [];
let upstream: Server;
let upstreamPort = 0;
let child: ReturnType<typeof spawnServe>;
let url = '';
const dir = tempDir();

before(async () => {
  upstream = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    received.push(`${path} ${req.headers.authorization ?? '-'} ${req.headers['x-api-key'] ?? '-'}`);
    const authorized = req.headers.authorization === SECRET && req.headers['x-api-key'] === API_KEY;
    if (path === '/observations' && authorized) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ station: 'sea', date: TS, rain: 1.5 }]));
    // To loopback on a port the allow list does not name: refused before anything is asked there.
    else if (path === '/to-loopback') res.writeHead(302, { location: 'http://127.0.0.1:1/secret' }).end();
    else if (path === '/denied') res.writeHead(403, { 'content-type': 'application/json' }).end('{"error": "no"}');
    else res.writeHead(401).end();
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${upstreamPort}`;
  const source = (name: string, route: string, tokenVar: string) => `
  - name: ${name}
    type: http
    url: ${base}${route}?from={start}&to={end}
    headers:
      Authorization: {env: ${tokenVar}}
      X-Api-Key: {env: TESSERA_TEST_API_KEY}
      X-Client: tessera-test
    timestampField: date
    retries: 0`;
  const view = (name: string, src: string) => `
  - name: ${name}
    entities: [station]
    source: ${src}
    features: [{name: rain, type: float64}]`;
  writeFiles(dir, {
    'defs/weather.yaml': `entities:
  - {name: station, joinKeys: [station], valueType: string}
sources:${source('weather_api', '/observations', 'TESSERA_TEST_TOKEN')}${source('denied_api', '/denied', 'TESSERA_TEST_TOKEN')}${source('unset_api', '/observations', 'TESSERA_TEST_UNSET')}${source('redirected_api', '/to-loopback', 'TESSERA_TEST_TOKEN')}
featureViews:${view('rain', 'weather_api')}${view('denied', 'denied_api')}${view('unset', 'unset_api')}${view('redirected', 'redirected_api')}
`,
  });
  const port = await freePort();
  child = spawnServe(['--definitions', path.join(dir, 'defs'), '--data-dir', path.join(dir, 'data'), '--port', String(port)], {
    TESSERA_LOG_LEVEL: 'trace',
    TESSERA_HTTP_SOURCE_ALLOW: `127.0.0.1:${upstreamPort}`,
    TESSERA_TEST_TOKEN: SECRET,
    TESSERA_TEST_API_KEY: API_KEY,
    TESSERA_RUN_ATTEMPTS: '1',
  });
  url = `http://127.0.0.1:${port}`;
  await waitFor('the server', 60_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(child));
});
after(async () => {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

const leaks = (text: string) => [SECRET, SECRET.slice(7), API_KEY].filter((s) => text.includes(s));

test('a secret by reference is sent to its source, and appears in no answer, no log line and no registry file', { timeout: 120_000 }, async () => {
  const runs: Record<string, { status: string; reason?: string; error?: string }> = {};
  for (const view of ['rain', 'denied', 'unset', 'redirected']) {
    const res = await requestJson(`${url}/api/v1/feature-views/${view}/materialize?wait=true`, 'POST', {}, 60_000);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    runs[view] = res.body;
  }
  // The secret did its job: the source got it and answered.
  assert.equal(runs.rain.status, 'succeeded', JSON.stringify(runs.rain));
  assert.ok(received.some((r) => r === `/observations ${SECRET} ${API_KEY}`));
  assert.equal(runs.denied.status, 'failed');
  assert.match(runs.denied.error ?? '', /answered HTTP 403/);
  // An unset variable fails the run by name, before any request.
  assert.equal(runs.unset.status, 'failed');
  assert.equal(runs.unset.reason, 'source_refused');
  assert.match(runs.unset.error ?? '', /header 'Authorization' refers to the environment variable TESSERA_TEST_UNSET, which is not set/);
  assert.equal(received.filter((r) => r.startsWith('/observations')).length, 1);
  // A redirect from the allowed source to loopback elsewhere fails the run (in the pipeline thread of a
  // server whose definitions folder defined it).
  assert.equal(runs.redirected.status, 'failed');
  assert.equal(runs.redirected.reason, 'source_refused');
  assert.match(runs.redirected.error ?? '', /redirected to http:\/\/127\.0\.0\.1:1\/secret, which: 127\.0\.0\.1 is a loopback address/);

  const online = await requestJson(`${url}/get-online-features`, 'POST', { features: ['rain:rain'], entities: { station: ['sea'] } });
  assert.deepEqual(online.body.results[1].values, [1.5]);

  // Every answer that could hold a definition, a run or an error.
  const answers: string[] = [JSON.stringify(online.body), JSON.stringify(runs)];
  const gets = [
    '/health',
    '/api/v1/sources',
    '/api/v1/sources/weather_api',
    '/api/v1/sources/unset_api',
    '/api/v1/feature-views',
    '/api/v1/feature-views/rain',
    '/api/v1/feature-views/rain/versions/1',
    '/api/v1/feature-views/denied/versions/1',
    '/api/v1/runs',
    '/api/v1/apply-history',
    '/api/v1/entities',
    '/api/v1/openapi.json',
    '/api/v1/schema',
  ];
  for (const route of gets) {
    const res = await requestJson(`${url}${route}`);
    assert.equal(res.status, 200, route);
    answers.push(JSON.stringify(res.body));
  }
  for (const run of (await requestJson(`${url}/api/v1/runs`)).body.runs as { id: number }[]) answers.push(JSON.stringify((await requestJson(`${url}/api/v1/runs/${run.id}`)).body));
  const sources = (await requestJson(`${url}/api/v1/sources/weather_api`)).body;
  assert.deepEqual(sources.headers, { Authorization: { env: 'TESSERA_TEST_TOKEN' }, 'X-Api-Key': { env: 'TESSERA_TEST_API_KEY' }, 'X-Client': 'tessera-test' });
  answers.forEach((text, i) => assert.deepEqual(leaks(text), [], `answer ${i}`));

  // Every log line (the pipeline thread's included: its runs were logged).
  const lines = child.output().split('\n');
  assert.ok(lines.some((l) => l.includes('"run started"')) && lines.some((l) => l.includes('snapshot committed')), 'the scanned log covers the runs');
  lines.forEach((line, i) => assert.deepEqual(leaks(line), [], `log line ${i}: ${line.slice(0, 200)}`));

  // The registry holds the references, not the values.
  for (const file of fs.readdirSync(path.join(dir, 'data'))) {
    const full = path.join(dir, 'data', file);
    if (fs.statSync(full).isFile()) assert.deepEqual(leaks(fs.readFileSync(full).toString('latin1')), [], file);
  }
});
