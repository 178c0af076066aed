import assert from 'node:assert/strict';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { TesseraError } from '../../server/errors.js';
import { type Connector, type HttpAccess, type Resolver, httpAccess } from '../../server/sources/http-access.js';
import { parseAllowList } from '../../server/sources/http-allow.js';
import { type HttpSource, httpReader } from '../../server/sources/http.js';
import { col, readAll, request } from './helpers.js';

/**
 * What HTTP sources may not reach, tried against real servers on 127.0.0.1 that count every request
 * they get: a refused source must not have sent one. Addresses other than 127.0.0.1 come from a test
 * resolver, and a test connector turns any connection into one to 127.0.0.1, recording the address it
 * was asked for: no test traffic leaves this machine's loopback.
 */
const records = [{ id: 1, at: '2026-01-01T00:00:00Z' }];
const body = JSON.stringify(records);
let server: Server;
let other: Server;
let base = '';
let otherBase = '';
let port = 0;
const hits: string[] = [];
const seenHeaders: Record<string, IncomingMessage['headers']> = {};

function route(req: IncomingMessage, res: ServerResponse, origin: 'main' | 'other'): void {
  const url = new URL(req.url ?? '/', 'http://x');
  hits.push(`${origin}${url.pathname}`);
  seenHeaders[`${origin}${url.pathname}`] = req.headers;
  const redirect = (to: string): void => void res.writeHead(302, { location: to }).end();
  switch (url.pathname) {
    case '/public/records':
    case '/records':
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    case '/secret':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ id: 666, at: '2026-01-01T00:00:00Z' }]));
      return;
    case '/public/to-secret':
      redirect(`${base}/secret`);
      return;
    case '/public/to-relative':
      redirect('records');
      return;
    case '/public/loop':
      redirect('/public/loop');
      return;
    case '/public/to-other':
      redirect(`${otherBase}/records`);
      return;
    case '/public/to-file':
      redirect('file:///etc/passwd');
      return;
    case '/public/to-metadata':
      redirect('http://169.254.169.254/latest/meta-data/');
      return;
    case '/public/big':
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ id: i, at: '2026-01-01T00:00:00Z' }))));
      return;
    case '/public/big-chunked': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      for (let i = 0; i < 500; i++) res.write(`${i ? ',' : ''}{"id": ${i}, "at": "2026-01-01T00:00:00Z"}`);
      res.end(']');
      return;
    }
    case '/public/gzip':
    case '/public/gzip-bomb': {
      const n = url.pathname.endsWith('bomb') ? 50_000 : 1;
      const text = JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i + 1, at: '2026-01-01T00:00:00Z', pad: 'x'.repeat(50) })));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(text));
      return;
    }
    case '/public/needs-token':
      if (req.headers.authorization === 'Bearer s3cret-value') res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      else res.writeHead(401).end();
      return;
    default:
      res.writeHead(404).end();
  }
}

before(async () => {
  server = createServer((req, res) => route(req, res, 'main'));
  other = createServer((req, res) => route(req, res, 'other'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
after(async () => {
  for (const s of [server, other]) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});
beforeEach(() => void (hits.length = 0));

const columns = [col('id', 'int64', true), col('at', 'timestamp', true)];
const req = () => request(columns, { timestampColumn: 'at' });
const noSleep = async () => {};

function source(url: string, extra: Partial<HttpSource> = {}): HttpSource {
  return { name: 'api', type: 'http', url, format: 'json', timeoutMs: 2000, retries: 2, timestampField: 'at', ...extra };
}
function read(url: string, access: HttpAccess, extra: Partial<HttpSource> = {}, env: Record<string, string> = {}) {
  return readAll(httpReader(source(url, extra), { baseDir: '.', http: access, env, sleep: noSleep }), req());
}
const refused = (re: RegExp) => (e: unknown) => e instanceof TesseraError && e.code === 'source_refused' && re.test(e.message);

/** A connector that records the address it is asked for and connects to the test server instead. */
function recordingConnector(): { connect: Connector; targets: string[] } {
  const targets: string[] = [];
  return {
    targets,
    connect: (target) => {
      targets.push(`${target.address}:${target.port}`);
      return net.connect({ host: '127.0.0.1', port });
    },
  };
}
function tableResolver(table: Record<string, string[][]>): { resolve: Resolver; calls: string[] } {
  const calls: string[] = [];
  const answers = new Map(Object.entries(table).map(([k, v]) => [k, [...v]]));
  return {
    calls,
    resolve: async (host) => {
      calls.push(host);
      const queue = answers.get(host);
      if (!queue || queue.length === 0) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
      const next = queue.length > 1 ? queue.shift()! : queue[0];
      return next.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
    },
  };
}

describe('HTTP sources refuse what is not allowed, sending nothing', () => {
  it('127.0.0.1 without an allow list', async () => {
    await assert.rejects(read(`${base}/records`, httpAccess()), refused(/127\.0\.0\.1 is a loopback address/));
    assert.deepEqual(hits, []);
  });

  it('[::1], 169.254.169.254 (cloud metadata), 0.0.0.0, a private address: no connection is even attempted', async () => {
    const { connect, targets } = recordingConnector();
    for (const [url, why] of [
      ['http://[::1]:9/x', /loopback/],
      ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', /link-local/],
      ['http://[::ffff:169.254.169.254]/latest/meta-data/', /link-local/],
      ['http://0.0.0.0:9/', /unspecified/],
      ['http://10.1.2.3/', /private/],
      ['http://[fd00:ec2::254]/latest/meta-data/', /private/],
    ] as const) {
      await assert.rejects(read(url, httpAccess({ connect })), refused(why), url);
    }
    assert.deepEqual(targets, []);
    assert.deepEqual(hits, []);
  });

  it('a name that resolves to loopback (or to a public and a loopback address)', async () => {
    const dns = tableResolver({ 'evil.example': [['127.0.0.1']], 'mixed.example': [['93.184.216.34', '127.0.0.1']], 'v6.example': [['::1']] });
    const { connect, targets } = recordingConnector();
    for (const host of ['evil.example', 'mixed.example', 'v6.example']) {
      await assert.rejects(read(`http://${host}:${port}/records`, httpAccess({ resolve: dns.resolve, connect })), refused(new RegExp(`${host.replace('.', '\\.')} resolves to .*loopback`)), host);
    }
    assert.deepEqual(targets, []);
    assert.deepEqual(hits, []);
  });

  it('a redirect from an allowed URL to loopback, to cloud metadata, or to another scheme', async () => {
    const access = httpAccess({ allow: parseAllowList([`${base}/public/`]) });
    await assert.rejects(read(`${base}/public/to-secret`, access), refused(new RegExp(`redirected to ${base}/secret, which: 127\\.0\\.0\\.1 is a loopback address`)));
    await assert.rejects(read(`${base}/public/to-metadata`, access), refused(/redirected to http:\/\/169\.254\.169\.254\/latest\/meta-data\/, which: 169\.254\.169\.254 is a link-local/));
    await assert.rejects(read(`${base}/public/to-file`, access), refused(/only http and https/));
    assert.deepEqual(hits, ['main/public/to-secret', 'main/public/to-metadata', 'main/public/to-file']);
  });
});

describe('HTTP sources read what is allowed', () => {
  it('an allowed host, URL prefix or address, and redirects within what is allowed', async () => {
    for (const entry of ['127.0.0.1', `127.0.0.1:${port}`, '127.0.0.0/8', `${base}/public/`]) {
      const { rows } = await read(`${base}/public/records`, httpAccess({ allow: parseAllowList([entry]) }));
      assert.deepEqual(rows, [{ id: 1, at: Date.parse('2026-01-01T00:00:00Z') }], entry);
    }
    // A name only the test resolver knows (.invalid never resolves in DNS), allowed by name: node:http
    // connects through the pinned lookup, to the address resolved and checked once.
    const dns = tableResolver({ 'feeds.invalid': [['127.0.0.1']] });
    const named = await read(`http://feeds.invalid:${port}/records`, httpAccess({ allow: parseAllowList(['feeds.invalid']), resolve: dns.resolve }));
    assert.equal(named.rows.length, 1);
    assert.deepEqual(dns.calls, ['feeds.invalid']);
    const access = httpAccess({ allow: parseAllowList([`${base}/public/`]) });
    const { rows } = await read(`${base}/public/to-relative`, access);
    assert.equal(rows.length, 1);
    assert.deepEqual(hits.slice(-2), ['main/public/to-relative', 'main/public/records']);
  });

  it('a public name connects to the address that was checked, resolved once per attempt (no second lookup to rebind)', async () => {
    // The first answer is public, every later one is loopback: a client that resolved again would connect there.
    const dns = tableResolver({ 'weather.example': [['93.184.216.34'], ['127.0.0.1']] });
    const { connect, targets } = recordingConnector();
    const { rows } = await read(`http://weather.example:${port}/records`, httpAccess({ resolve: dns.resolve, connect }));
    assert.equal(rows.length, 1);
    assert.deepEqual(targets, [`93.184.216.34:${port}`]);
    assert.deepEqual(dns.calls, ['weather.example']);
    // The next read asks DNS again, gets loopback, and is refused before connecting.
    await assert.rejects(read(`http://weather.example:${port}/records`, httpAccess({ resolve: dns.resolve, connect })), refused(/resolves to 127\.0\.0\.1/));
    assert.deepEqual(targets, [`93.184.216.34:${port}`]);
  });

  it('follows at most maxRedirects redirects', async () => {
    const access = httpAccess({ allow: parseAllowList(['127.0.0.1']), maxRedirects: 3 });
    await assert.rejects(read(`${base}/public/loop`, access), (e: unknown) => e instanceof TesseraError && /more than 3 redirects/.test(e.message));
    assert.equal(hits.length, 4);
  });

  it("sends the source's headers to its own origin only", async () => {
    const access = httpAccess({ allow: parseAllowList(['127.0.0.1']) });
    await read(`${base}/public/to-other`, access, { headers: { 'X-Team': 'pricing', Authorization: { env: 'TOKEN' } } }, { TOKEN: 'Bearer s3cret-value' });
    assert.equal(seenHeaders['main/public/to-other']['x-team'], 'pricing');
    assert.equal(seenHeaders['main/public/to-other'].authorization, 'Bearer s3cret-value');
    assert.equal(seenHeaders['other/records']['x-team'], undefined);
    assert.equal(seenHeaders['other/records'].authorization, undefined);
  });

  it('decompresses gzip answers', async () => {
    const { rows } = await read(`${base}/public/gzip`, httpAccess({ allow: parseAllowList(['127.0.0.1']) }));
    assert.deepEqual(
      rows.map((r) => r.id),
      [1],
    );
  });
});

describe('HTTP answers are capped', () => {
  const small = httpAccess({ allow: parseAllowList(['127.0.0.1']), maxBytes: 1000 });
  const capped = refused(/larger than 1000 bytes, the most an HTTP source may read \(TESSERA_HTTP_SOURCE_MAX_BYTES\)/);

  it('by their declared length, their streamed length and their decompressed length; not retried', async () => {
    await assert.rejects(read(`${base}/public/big`, small), capped);
    await assert.rejects(read(`${base}/public/big-chunked`, small), capped);
    await assert.rejects(read(`${base}/public/gzip-bomb`, small), capped);
    assert.deepEqual(hits, ['main/public/big', 'main/public/big-chunked', 'main/public/gzip-bomb']);
    // Under the cap, the same answer reads whole.
    const { rows } = await read(`${base}/public/big`, httpAccess({ allow: parseAllowList(['127.0.0.1']), maxBytes: 100_000 }));
    assert.equal(rows.length, 500);
  });
});

describe('secret headers', () => {
  const access = httpAccess({ allow: parseAllowList(['127.0.0.1']) });

  it('are read from the environment when the read starts', async () => {
    const { rows } = await read(`${base}/public/needs-token`, access, { headers: { Authorization: { env: 'WEATHER_API_TOKEN' } } }, { WEATHER_API_TOKEN: 'Bearer s3cret-value' });
    assert.equal(rows.length, 1);
  });

  it('fail the read naming the variable (never a value) when it is not set, before any request', async () => {
    await assert.rejects(
      read(`${base}/public/needs-token`, access, { headers: { Authorization: { env: 'WEATHER_API_TOKEN' } } }, { OTHER: 'Bearer s3cret-value' }),
      (e: unknown) => refused(/header 'Authorization' refers to the environment variable WEATHER_API_TOKEN, which is not set/)(e) && !(e as Error).message.includes('s3cret'),
    );
    assert.deepEqual(hits, []);
  });
});
