import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TesseraError } from '../../server/errors.js';
import { expandUrl, httpReader } from '../../server/sources/http.js';
import type { HttpSource } from '../../server/sources/http.js';
import { httpAccess } from '../../server/sources/http-access.js';
import { parseAllowList } from '../../server/sources/http-allow.js';
import type { SourceContext } from '../../server/sources/source.js';
import { freePort } from '../support/spawn-server.js';
import { col, ms, readAll, rejectSummary, request } from './helpers.js';

const T = ms('2026-01-01T00:00:00Z');
const records = (n: number, from = 0): object[] => Array.from({ length: n }, (_, i) => ({ id: from + i, at: new Date(T + (from + i) * 1000).toISOString(), v: (from + i) / 2 }));

let server: Server;
let base = '';
const hits = new Map<string, number>();
const queries: URLSearchParams[] = [];

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
const json =
  (body: unknown, status = 200): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
const routes: Record<string, Handler> = {
  '/records': json(records(3)),
  '/many': json(records(25)),
  '/nested': json({ data: { items: records(2), next: null } }),
  '/lines': (_req, res) => res.end(`${JSON.stringify(records(1)[0])}\n\nnot json\n${JSON.stringify(records(1, 1)[0])}`),
  '/flaky': (req, res, hit) => (hit === 1 ? json({ error: 'busy' }, 503)(req, res, hit) : json(records(1))(req, res, hit)),
  '/down': json({ error: 'down' }, 500),
  '/missing': json({ error: 'no such thing' }, 404),
  '/slow': () => undefined, // never answers
  '/object': json({ items: 'not an array' }),
  '/garbage': (_req, res) => res.end('<html>'),
  '/headers': (req, res) => json(req.headers['x-api-key'] === 'k1' ? records(1) : [])(req, res, 0),
  // Half an answer, then the rest only once the test has seen rows: a reader that waited for the whole
  // body would never see any.
  '/half-json': (_req, res) => {
    const all = records(6);
    res.write(`{"meta": {"n": 6}, "data": {"rows": ${JSON.stringify(all).slice(0, -1).split('},{').slice(0, 3).join('},{')}},`);
    void release.promise.then(() => res.end(`${JSON.stringify(all.slice(3)).slice(1)}}}`));
  },
  '/half-lines': (_req, res) => {
    const all = records(6).map((r) => JSON.stringify(r));
    res.write(`${all.slice(0, 3).join('\n')}\n${all[3].slice(0, 5)}`);
    void release.promise.then(() => res.end(`${all[3].slice(5)}\n${all.slice(4).join('\n')}\n`));
  },
  '/cut': (_req, res) => {
    res.write(`${JSON.stringify(records(2)).slice(0, -1)},`);
    setTimeout(() => res.destroy(), 20);
  },
  '/stall': (_req, res) => res.write(`${JSON.stringify(records(2)).slice(0, -1)},`),
  '/empty-array': json({ data: { rows: [] } }),
  '/cut-array': (_req, res) => res.end(`[${JSON.stringify(records(1)[0])}`),
  '/cut-record': (_req, res) => res.end(`[${JSON.stringify(records(1)[0]).slice(0, -3)}`),
  '/cut-nested': (_req, res) => res.end(`{"data": {"rows": [${JSON.stringify(records(1)[0])}`),
  '/nothing': (_req, res) => res.end(''),
};
/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
let release = deferred();

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const hit = (hits.get(url.pathname) ?? 0) + 1;
    hits.set(url.pathname, hit);
    queries.push(url.searchParams);
    (routes[url.pathname] ?? json({ error: 'route' }, 404))(req, res, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits.clear();
  queries.length = 0;
});

const sleeps: number[] = [];
// The test server listens on 127.0.0.1, which HTTP sources may reach only when the allow list says so.
const ctx: SourceContext = { baseDir: '.', http: httpAccess({ allow: parseAllowList(['127.0.0.1']) }), sleep: async (msToWait) => void sleeps.push(msToWait) };
beforeEach(() => void (sleeps.length = 0));

function http(pathAndQuery: string, extra: Partial<HttpSource> = {}, context = ctx): ReturnType<typeof httpReader> {
  return httpReader({ name: 'api', type: 'http', url: `${base}${pathAndQuery}`, format: 'json', timeoutMs: 2000, retries: 3, timestampField: 'at', ...extra }, context);
}

const columns = [col('id', 'int64', true), col('at', 'timestamp', true), col('v', 'float64')];
const req = (overrides = {}) => request(columns, { timestampColumn: 'at', ...overrides });

describe('http source', () => {
  it('GETs a JSON array, with the range in the URL as RFC 3339', async () => {
    const { rows } = await readAll(http('/records?from={start}&to={end}'), req({ range: { start: T, end: T + 2000 } }));
    assert.deepEqual(rows, [
      { id: 1, at: T + 1000, v: 0.5 },
      { id: 2, at: T + 2000, v: 1 },
    ]);
    assert.equal(queries[0].get('from'), '2026-01-01T00:00:00.000Z');
    assert.equal(queries[0].get('to'), '2026-01-01T00:00:02.000Z');
    assert.equal(expandUrl('http://x/?s={start}&e={end}', { start: null, end: T }), 'http://x/?s=&e=2026-01-01T00%3A00%3A00.000Z');
  });

  it('finds records at a nested recordsPath and sends the configured headers', async () => {
    const { rows } = await readAll(http('/nested', { recordsPath: 'data.items' }), req());
    assert.deepEqual(
      rows.map((r) => r.id),
      [0, 1],
    );
    const withKey = await readAll(http('/headers', { headers: { 'x-api-key': 'k1' } }), req());
    assert.deepEqual(
      withKey.rows.map((r) => r.id),
      [0],
    );
  });

  it('reads JSONL answers, rejecting bad lines with the URL and record number', async () => {
    const { rows, rejects } = await readAll(
      http('/lines', { format: 'jsonl', fieldMapping: { v: 'value' } }),
      request([col('id', 'int64', true), col('at', 'timestamp', true), col('value', 'float64')], { timestampColumn: 'at' }),
    );
    assert.deepEqual(rows, [
      { id: 0, at: T, value: 0 },
      { id: 1, at: T + 1000, value: 0.5 },
    ]);
    assert.deepEqual(rejects.map(rejectSummary), [{ reason: 'invalid_json', column: '', location: `GET ${base}/lines record 3`, value: 'not json' }]);
  });

  it('cuts one answer into batches of batchSize', async () => {
    const { batches, rows } = await readAll(http('/many'), req({ batchSize: 10 }));
    assert.deepEqual(
      batches.map((b) => b.numRows),
      [10, 10, 5],
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      records(25).map((_, i) => i),
    );
  });

  it('retries a 5xx with backoff, then succeeds', async () => {
    const { rows } = await readAll(http('/flaky'), req());
    assert.deepEqual(
      rows.map((r) => r.id),
      [0],
    );
    assert.equal(hits.get('/flaky'), 2);
    assert.deepEqual(sleeps, [200]);
  });

  it('gives up after the last retry, naming URL, attempts and cause', async () => {
    await assert.rejects(
      readAll(http('/down', { retries: 2 }), req()),
      (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes(`GET ${base}/down failed after 3 attempts`) && e.message.includes('HTTP 500'),
    );
    assert.equal(hits.get('/down'), 3);
    assert.deepEqual(sleeps, [200, 400]);
  });

  it('does not retry a 4xx', async () => {
    await assert.rejects(
      readAll(http('/missing'), req()),
      (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes(`${base}/missing`) && e.message.includes('404'),
    );
    assert.equal(hits.get('/missing'), 1);
    assert.deepEqual(sleeps, []);
  });

  it('times out each attempt', async () => {
    const started = Date.now();
    await assert.rejects(readAll(http('/slow', { timeoutMs: 100, retries: 1 }), req()), /failed after 2 attempts; last error: timed out after 100 ms/);
    assert.equal(hits.get('/slow'), 2);
    assert.deepEqual(sleeps, [200]);
    assert.ok(Date.now() - started < 1500);
  });

  it('retries network errors', async () => {
    const closed = await freePort();
    const reader = httpReader({ name: 'api', type: 'http', url: `http://127.0.0.1:${closed}/records`, format: 'json', timeoutMs: 2000, retries: 1, timestampField: 'at' }, ctx);
    await assert.rejects(readAll(reader, req()), /failed after 2 attempts; last error: connect ECONNREFUSED 127\.0\.0\.1/);
    assert.deepEqual(sleeps, [200]);
  });

  it('streams: rows come out before the answer ends, for JSON at a recordsPath and for JSON Lines', { timeout: 10_000 }, async () => {
    for (const [path, extra] of [
      ['/half-json', { recordsPath: 'data.rows' }],
      ['/half-lines', { format: 'jsonl' as const }],
    ] as const) {
      release = deferred();
      const ids: number[] = [];
      for await (const { batch } of http(path, extra).read(req({ batchSize: 2 }))) {
        for (let i = 0; i < batch.numRows; i++) ids.push(Number(batch.getChild('id')!.get(i)));
        release.resolve(); // only now does the server send the rest
      }
      assert.deepEqual(ids, [0, 1, 2, 3, 4, 5], path);
    }
  });

  it('an answer cut or stalled mid-body is a source error naming the URL; an empty array is no rows', async () => {
    await assert.rejects(readAll(http('/cut'), req()), (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes(`GET ${base}/cut`));
    await assert.rejects(readAll(http('/stall', { timeoutMs: 150 }), req()), /reading the answer failed: no data for 150 ms/);
    const { rows } = await readAll(http('/empty-array', { recordsPath: 'data.rows' }), req());
    assert.deepEqual(rows, []);
    // An answer that ends before its last bracket closed was cut: no rows from it are taken as all there is.
    for (const path of ['/cut-array', '/cut-record']) await assert.rejects(readAll(http(path), req()), /the answer ended before its JSON was complete/, path);
    await assert.rejects(readAll(http('/cut-nested', { recordsPath: 'data.rows' }), req()), /the answer ended before its JSON was complete/);
    await assert.rejects(readAll(http('/nothing'), req()), /the answer is empty/);
  });

  it('reports answers that are not JSON or hold no array', async () => {
    await assert.rejects(readAll(http('/garbage'), req()), /did not answer JSON/);
    await assert.rejects(readAll(http('/object', { recordsPath: 'items' }), req()), /'items' is not an array/);
    await assert.rejects(readAll(http('/nested', { recordsPath: 'data.rows' }), req()), /has no 'data\.rows'/);
    await assert.rejects(readAll(http('/nested'), req()), /not an array \(set recordsPath/);
    await assert.rejects(readAll(http('/nested', { recordsPath: 'data.items.0' }), req()), /'data\.items\.0' is not an array/);
    await assert.rejects(readAll(http('/nested', { recordsPath: 'nope' }), req()), /has no 'nope'/);
  });
});
