import assert from 'node:assert/strict';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';

// The fast path (node:http) and the express route must give the same answers. Express still serves
// requests the fast path passes on: compressed bodies, and the path with a trailing slash.
const CSV = `driver_id,ts,rate,kind
1,2026-11-29T10:00:00Z,0.5,a
2,2026-11-29T11:00:00Z,,b
`;
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [
    {
      name: 'drv',
      entities: ['driver'],
      source: 'stats',
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
      ],
    },
  ],
};
const LIMIT = 4096;

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle, { bodyLimit: LIMIT });
  await s.materialize('drv');
});
after(() => s.close());

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so the test controls framing (chunked or not) and encoding. */
function send(path: string, body: Buffer | Buffer[], headers: Record<string, string> = {}): Promise<Reply> {
  const url = new URL(path, s.url);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    for (const part of Array.isArray(body) ? body : [body]) req.write(part);
    req.end();
  });
}

const bodies: (string | object)[] = [
  { features: ['drv:rate', 'drv:kind'], entities: { driver_id: [1, 2, 3] } },
  { features: ['drv:rate'], entities: { driver_id: [2] }, full_feature_names: true },
  { features: ['drv:rate', 'drv:kind'], entities: { driver_id: [] } },
  { features: ['drv:rate'], entities: { driver_id: [] }, full_feature_names: true },
  { features: ['drv:nope'], entities: { driver_id: [1] } },
  { features: ['drv:rate'], entities: { driver_id: ['x'] } },
  { features: ['drv:rate'] },
  '{"features": [',
  '',
  '[1]',
];

test('the fast path and the express route answer alike, byte for byte', async () => {
  for (const body of bodies) {
    const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const fast = await send('/get-online-features', raw);
    const viaExpress = await send('/get-online-features', gzipSync(raw), { 'content-encoding': 'gzip' });
    assert.equal(fast.status, viaExpress.status, `${raw}`);
    assert.equal(fast.headers['content-type'], viaExpress.headers['content-type'], `${raw}`);
    assert.equal(fast.body, viaExpress.body, `${raw}`);
  }
  const ok = JSON.parse((await send('/get-online-features?x=1', Buffer.from(JSON.stringify(bodies[0])))).body);
  assert.deepEqual(ok.metadata.feature_names, ['driver_id', 'rate', 'kind__a', 'kind__b']);
  assert.deepEqual(ok.results[1].values, [0.5, null, null]);
  assert.deepEqual(ok.results[1].statuses, ['PRESENT', 'NULL_VALUE', 'NOT_FOUND']);
  assert.deepEqual(ok.results[2].values, [1, 0, null]);
});

test('a body over the limit is a 413, whether its length is declared or it comes in chunks', async () => {
  const big = Buffer.from(JSON.stringify({ features: ['drv:rate'], entities: { driver_id: new Array(3000).fill(1) } }));
  assert.ok(big.length > LIMIT);
  const declared = await send('/get-online-features', big);
  assert.equal(declared.status, 413);
  assert.equal(declared.headers['content-type'], 'application/problem+json; charset=utf-8');
  assert.equal(JSON.parse(declared.body).errors[0].path, '(body)');
  const parts = [big.subarray(0, 3000), big.subarray(3000)];
  const chunked = await send('/get-online-features', parts, { 'transfer-encoding': 'chunked' });
  assert.equal(chunked.status, 413);
  // The server still answers afterwards.
  assert.equal((await send('/get-online-features', Buffer.from(JSON.stringify(bodies[0])))).status, 200);
});

test('a body under the limit in several chunks is read whole', async () => {
  const raw = Buffer.from(JSON.stringify(bodies[0]));
  const res = await send('/get-online-features', [raw.subarray(0, 10), raw.subarray(10, 30), raw.subarray(30)], { 'transfer-encoding': 'chunked' });
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(res.body).results[1].values, [0.5, null, null]);
});

test('wrong content type is a 415; request ids are echoed or made; other methods go on to a 405', async () => {
  const wrong = await send('/get-online-features', Buffer.from('{}'), { 'content-type': 'application/xml' });
  assert.equal(wrong.status, 415);
  assert.equal(JSON.parse(wrong.body).errors[0].path, '(header) content-type');
  const mine = await send('/get-online-features', Buffer.from(JSON.stringify(bodies[0])), { 'x-request-id': 'abc-1' });
  assert.equal(mine.headers['x-request-id'], 'abc-1');
  const made = await send('/get-online-features', Buffer.from(JSON.stringify(bodies[0])));
  assert.match(String(made.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-z]+$/);
  const get = await fetch(`${s.url}/get-online-features`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  assert.match(get.headers.get('content-type') ?? '', /problem\+json/);
});
