import assert from 'node:assert/strict';
import fs from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type Resolver, systemResolver } from '../../server/sources/http-access.js';
import { getJson, postJson, testServer } from '../support/services.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

/**
 * The attack of issue "sources that cannot be turned against the server", through `POST /api/v1/apply`:
 * each way a definition could reach what the server must not read is refused with a 400 naming the
 * field, stores nothing and reads nothing. Then what apply cannot see (a file swapped for a link, DNS
 * that changes, a redirect) fails the run, and what is allowed still works.
 */
const TS = '2026-11-29T10:00:00Z';
const dir = tempDir();
const defs = path.join(dir, 'defs');
const shared = path.join(dir, 'shared');
const secret = path.join(dir, 'secret');
writeFiles(dir, {
  'secret/creds.csv': `driver_id,ts,v\n1,${TS},hunter2\n`,
  'secret/creds.jsonl': `{"driver_id": 1, "ts": "${TS}", "v": "hunter2"}\n`,
  'shared/allowed.csv': `driver_id,ts,v\n7,${TS},shared-ok\n`,
  'defs/data/ok.csv': `driver_id,ts,v\n5,${TS},defs-ok\n`,
  'defs/data/swap.csv': `driver_id,ts,v\n6,${TS},before-swap\n`,
});
for (const [file, table] of [
  [path.join(secret, 'secret.db'), 'hunter2'],
  [path.join(defs, 'data', 'ok.db'), 'fine'],
] as const) {
  const db = new Database(file);
  db.exec(`CREATE TABLE t (driver_id INTEGER, ts TEXT, v TEXT); INSERT INTO t VALUES (1, '${TS}', '${table}')`);
  db.close();
}
fs.symlinkSync(path.join(secret, 'creds.csv'), path.join(defs, 'data', 'link.csv'));
fs.symlinkSync(secret, path.join(defs, 'linked'));

const hits: string[] = [];
let target: Server;
let port = 0;
function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  hits.push(url.pathname);
  if (url.pathname === '/public/records') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ driver_id: 8, ts: TS, v: 'http-ok' }]));
  else if (url.pathname === '/public/to-secret') res.writeHead(302, { location: '/secret' }).end();
  else if (url.pathname === '/secret') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ driver_id: 1, ts: TS, v: 'hunter2' }]));
  else res.writeHead(404).end();
}

/** Test names first (one changes its answer between apply and run: DNS rebinding), then the system's (localhost). */
const rebinding = ['93.184.216.34', '127.0.0.1'];
const resolve: Resolver = async (host) => {
  if (host === 'evil.example') return [{ address: '127.0.0.1', family: 4 }];
  if (host === 'feeds.example') return [{ address: rebinding.length > 1 ? rebinding.shift()! : rebinding[0], family: 4 }];
  return systemResolver(host);
};
/** Every connection goes to 127.0.0.1, recording where it was meant to go: nothing leaves this machine. */
const connectedTo: string[] = [];

let server: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  target = createServer(route);
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  port = (target.address() as AddressInfo).port;
  server = await testServer(
    { definitions: defs, sourceRoots: [shared], httpSourceAllow: [`http://127.0.0.1:${port}/public/`], runAttempts: 1 },
    {
      sources: {
        resolve,
        connect: (t) => {
          connectedTo.push(t.address);
          return net.connect({ host: '127.0.0.1', port });
        },
      },
    },
  );
});
after(async () => {
  await server.close();
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
});

const entity = { name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' };
/** A source read by one view with one string feature, `v`. */
function bundle(name: string, source: Record<string, unknown>) {
  return {
    entities: [entity],
    sources: [{ name, timestampField: 'ts', ...source }],
    featureViews: [{ name: `${name}_view`, entities: ['driver'], source: name, features: [{ name: 'v', type: 'string' }] }],
  };
}

async function online(view: string, ids: number[]) {
  const res = await postJson(`${server.url}/get-online-features`, { features: [`${view}:v`], entities: { driver_id: ids } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return { values: res.body.results[1].values, statuses: res.body.results[1].statuses, text: JSON.stringify(res.body) };
}

describe('POST /api/v1/apply refuses every way out, storing and reading nothing', () => {
  const escapes: [string, Record<string, unknown>, string][] = [
    ['an absolute path outside the roots', { type: 'csv', path: path.join(secret, 'creds.csv') }, 'path'],
    ['a ../ escape', { type: 'csv', path: '../secret/creds.csv' }, 'path'],
    ['a symbolic link out of the root', { type: 'csv', path: 'data/link.csv' }, 'path'],
    ['a glob out of the root', { type: 'jsonl', path: '../secret/*.jsonl' }, 'path'],
    ['a glob through a link out of the root', { type: 'parquet', path: 'linked/**/*.parquet' }, 'path'],
    ['a SQLite database outside the roots', { type: 'sqlite', database: path.join(secret, 'secret.db'), query: 'SELECT * FROM t' }, 'database'],
    ['ATTACH in a SQLite query', { type: 'sqlite', database: 'data/ok.db', query: `ATTACH '${path.join(secret, 'secret.db')}' AS s` }, 'query'],
    ['ATTACH after a SELECT', { type: 'sqlite', database: 'data/ok.db', query: `SELECT * FROM t; ATTACH '${path.join(secret, 'secret.db')}' AS s` }, 'query'],
    ['load_extension in a SQLite query', { type: 'sqlite', database: 'data/ok.db', query: "SELECT load_extension('/tmp/evil.so'), * FROM t" }, 'query'],
    ['a write statement', { type: 'sqlite', database: 'data/ok.db', query: 'DELETE FROM t RETURNING *' }, 'query'],
    ['a write statement behind WITH', { type: 'sqlite', database: 'data/ok.db', query: 'WITH x AS (SELECT 1) UPDATE t SET v = 1' }, 'query'],
    ['a pragma that writes', { type: 'sqlite', database: 'data/ok.db', query: 'PRAGMA user_version = 9' }, 'query'],
    ['HTTP to 127.0.0.1 (not in the allow list)', { type: 'http', url: `http://127.0.0.1:${'PORT'}/secret` }, 'url'],
    ['HTTP to [::1]', { type: 'http', url: 'http://[::1]:PORT/secret' }, 'url'],
    ['HTTP to 169.254.169.254', { type: 'http', url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' }, 'url'],
    ['HTTP to a name resolving to loopback (test resolver)', { type: 'http', url: 'http://evil.example:PORT/secret' }, 'url'],
    ['HTTP to localhost (the system resolver)', { type: 'http', url: 'http://localhost:PORT/secret' }, 'url'],
    ['credentials in the URL', { type: 'http', url: 'http://user:hunter2@feeds.example/x' }, 'url'],
    ['a credential header in clear', { type: 'http', url: 'https://api.example.com/x', headers: { Authorization: 'Bearer hunter2' } }, 'headers.Authorization'],
  ];

  for (const [what, source, field] of escapes) {
    it(what, async () => {
      const withPort = JSON.parse(JSON.stringify(source).replaceAll('PORT', String(port)));
      const res = await postJson(`${server.url}/api/v1/apply`, bundle('escape', withPort));
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.type, /application\/problem\+json/);
      const error = res.body.errors.find((e: { path: string }) => e.path === `sources[0].${field}`);
      assert.ok(error, `expected an error at sources[0].${field}: ${JSON.stringify(res.body.errors)}`);
      assert.ok(!JSON.stringify(res.body).includes('hunter2'), 'the answer repeats nothing secret');
      assert.deepEqual((await getJson(`${server.url}/api/v1/sources`)).body.sources, []);
      assert.deepEqual(hits, []);
      assert.deepEqual(connectedTo, []);
    });
  }
});

describe('runs check again, and what is allowed still works', () => {
  it('reads inside the definitions folder, another root, and an allowed URL prefix', async () => {
    for (const [name, source] of [
      ['in_defs', { type: 'csv', path: 'data/ok.csv' }],
      ['in_shared', { type: 'csv', path: path.join(shared, 'allowed.csv') }],
      ['in_sqlite', { type: 'sqlite', database: 'data/ok.db', query: "SELECT driver_id, ts, v || '-sqlite' AS v FROM t" }],
      ['over_http', { type: 'http', url: `http://127.0.0.1:${port}/public/records` }],
    ] as const) {
      const applied = await postJson(`${server.url}/api/v1/apply`, bundle(name, source));
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      const run = await postJson(`${server.url}/api/v1/feature-views/${name}_view/materialize?wait=true`, {});
      assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
    }
    assert.deepEqual((await online('in_defs_view', [5])).values, ['defs-ok']);
    assert.deepEqual((await online('in_shared_view', [7])).values, ['shared-ok']);
    assert.deepEqual((await online('in_sqlite_view', [1])).values, ['fine-sqlite']);
    assert.deepEqual((await online('over_http_view', [8])).values, ['http-ok']);
    assert.deepEqual(hits, ['/public/records']);
    assert.deepEqual(connectedTo, ['127.0.0.1']);
    hits.length = 0;
    connectedTo.length = 0;
  });

  it('a file replaced by a link out of the root after apply: the run fails saying why, nothing read', async () => {
    const applied = await postJson(`${server.url}/api/v1/apply`, bundle('swapped', { type: 'csv', path: 'data/swap.csv' }));
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    fs.rmSync(path.join(defs, 'data', 'swap.csv'));
    fs.symlinkSync(path.join(secret, 'creds.csv'), path.join(defs, 'data', 'swap.csv'));
    const run = (await postJson(`${server.url}/api/v1/feature-views/swapped_view/materialize?wait=true`, {})).body;
    assert.equal(run.status, 'failed');
    assert.equal(run.reason, 'source_refused');
    assert.match(run.error, /'data\/swap\.csv' leads outside the allowed folders through a symbolic link/);
    assert.equal(run.rowsIn, 0);
    const read = await online('swapped_view', [1, 6]);
    assert.deepEqual(read.statuses, ['NOT_FOUND', 'NOT_FOUND']);
    assert.ok(!read.text.includes('hunter2'));
  });

  it('a name that resolved to a public address at apply and to loopback at run time: refused before connecting', async () => {
    const applied = await postJson(`${server.url}/api/v1/apply`, bundle('rebound', { type: 'http', url: `http://feeds.example:${port}/secret` }));
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    const run = (await postJson(`${server.url}/api/v1/feature-views/rebound_view/materialize?wait=true`, {})).body;
    assert.equal(run.status, 'failed');
    assert.equal(run.reason, 'source_refused');
    assert.match(run.error, /feeds\.example resolves to 127\.0\.0\.1, a loopback address/);
    assert.deepEqual(connectedTo, []);
    assert.deepEqual(hits, []);
  });

  it('a redirect from an allowed URL to loopback: the run fails, the redirect target is never asked', async () => {
    const applied = await postJson(`${server.url}/api/v1/apply`, bundle('redirected', { type: 'http', url: `http://127.0.0.1:${port}/public/to-secret` }));
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    const run = (await postJson(`${server.url}/api/v1/feature-views/redirected_view/materialize?wait=true`, {})).body;
    assert.equal(run.status, 'failed');
    assert.equal(run.reason, 'source_refused');
    assert.match(run.error, /redirected to http:\/\/127\.0\.0\.1:\d+\/secret, which: 127\.0\.0\.1 is a loopback address/);
    assert.deepEqual(hits, ['/public/to-secret']);
    assert.deepEqual((await online('redirected_view', [1])).statuses, ['NOT_FOUND']);
  });
});
