import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson } from '../support/services.js';

// Inputs found by fuzzing the server: each once answered a 500, or worse, left the server broken.
// The test clock is 2026-11-29T12:00:00Z.
const CSV = 'driver_id,ts,rate\n1,2026-11-01T10:00:00Z,0.5\n2,2026-11-02T10:00:00Z,0.7\n';
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'src', type: 'csv', path: 'data/d.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'drv', entities: ['driver'], source: 'src', features: [{ name: 'rate', type: 'float64' }] }],
};
const HUGE = '99999999999999999999';

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'data/d.csv': CSV }, bundle);
  assert.equal((await s.materialize('drv')).status, 'succeeded');
});
after(() => s.close());

function assertProblem(res: { status: number; type: string; body: { errors: { path: string }[] } }, status: number, path: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.type, /^application\/problem\+json/);
  assert.ok(
    res.body.errors.some((e) => e.path === path),
    JSON.stringify(res.body),
  );
}

/** A raw request: bytes as given, any method and headers. */
function send(method: string, path: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; type: string; body: { errors: { path: string }[] } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, s.url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('timestamps beyond what a Date holds are not timestamps: 400, and nothing is stored', async () => {
  const runsBefore = (await getJson(`${s.url}/api/v1/runs`)).body.runs.length;
  assertProblem(await postJson(`${s.url}/api/v1/feature-views/drv/materialize?wait=true`, { start: '2026-11-20', end: HUGE }), 400, 'end');
  assertProblem(await postJson(`${s.url}/api/v1/feature-views/drv/materialize?wait=true`, { start: `-${HUGE}` }), 400, 'start');
  assertProblem(await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities: { driver_id: [1], event_timestamp: [HUGE] } }), 400, 'entities.event_timestamp[0]');
  const logged = await postJson(`${s.url}/api/v1/prediction-logs`, { model: 'm', predictions: [{ entity: { driver_id: 1 }, features: {}, prediction: 1, predictedAt: HUGE }] });
  assertProblem(logged, 400, 'predictions[0].predictedAt');
  assert.equal((await getJson(`${s.url}/api/v1/runs`)).body.runs.length, runsBefore);
  assert.equal((await getJson(`${s.url}/api/v1/runs`)).status, 200);
  assert.equal((await getJson(`${s.url}/api/v1/prediction-logs?model=m`)).status, 200);
});

test('a window ending in the future is refused: the watermark would pass rows not yet written', async () => {
  assertProblem(await postJson(`${s.url}/api/v1/feature-views/drv/materialize`, { start: '2026-11-20T00:00:00Z', end: '2026-11-30T00:00:00Z' }), 400, 'end');
  const now = await postJson(`${s.url}/api/v1/feature-views/drv/materialize?wait=true`, { start: '2026-11-20T00:00:00Z', end: '2026-11-29T12:00:00Z' });
  assert.equal(now.status, 200, JSON.stringify(now.body));
});

test('a CSV upload that is not UTF-8 is a 400, and retrieval keeps working afterwards', async () => {
  const bad = Buffer.concat([Buffer.from('driver_id,event_timestamp,lab\n1,2026-11-22,'), Buffer.from([0xfe]), Buffer.from('\n')]);
  assertProblem(await send('POST', '/get-historical-features?features=drv:rate', bad, { 'content-type': 'text/csv' }), 400, '(body)');
  const ok = await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities: { driver_id: [1], event_timestamp: ['2026-11-22T00:00:00Z'] } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.rate, [0.5]);
});

test('entity column names with control characters are a 400 naming the column', async () => {
  const res = await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities: { driver_id: [1], event_timestamp: ['2026-11-22T00:00:00Z'], 'a\u0000b': [1] } });
  assertProblem(res, 400, 'entities.a\u0000b');
  const csv = await send('POST', '/get-historical-features?features=drv:rate', 'driver_id,event_timestamp,a\u0000b\n1,2026-11-22,1\n', { 'content-type': 'text/csv' });
  assertProblem(csv, 400, '(body) header[2]');
});

test('malformed escapes in the URL and bodies that do not decompress are 400s', async () => {
  assertProblem(await getJson(`${s.url}/api/v1/entities/%ZZ`), 400, '(url)');
  assertProblem(await getJson(`${s.url}/api/v1/runs/%ZZ`), 400, '(url)');
  assertProblem(await send('POST', '/api/v1/apply', 'not gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 400, '(body)');
  assertProblem(await send('POST', '/get-online-features', 'not deflate', { 'content-type': 'application/json', 'content-encoding': 'deflate' }), 400, '(body)');
});

test('values nested too deep to print still get a 400 naming the field', async () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const online = await send('POST', '/get-online-features', `{"features":["drv:rate"],"entities":{"driver_id":[${deep}]}}`, { 'content-type': 'application/json' });
  assertProblem(online, 400, 'entities.driver_id[0]');
  const transform = await send('POST', '/api/v1/feature-views/drv/transform', `{"rows":[{"driver_id":1,"rate":${deep}}]}`, { 'content-type': 'application/json' });
  assertProblem(transform, 400, 'rows[0].rate');
});

test('run ids are decimal; unknown problem types and prototype names are 404 problems', async () => {
  assertProblem(await getJson(`${s.url}/api/v1/runs/0x1`), 404, 'id');
  assertProblem(await getJson(`${s.url}/api/v1/runs/1e0`), 404, 'id');
  assert.equal((await getJson(`${s.url}/api/v1/runs/1`)).status, 200);
  assertProblem(await getJson(`${s.url}/api/v1/runs?limit=0x10`), 400, '(query) limit');
  assert.equal((await getJson(`${s.url}/api/v1/runs?limit=10`)).status, 200);
  for (const code of ['nope', 'constructor', '__proto__', 'toString']) assertProblem(await getJson(`${s.url}/problems/${code}`), 404, '(url)');
  assert.equal((await getJson(`${s.url}/problems/validation`)).status, 200);
});

test('deleting names the field: an unknown name, or one still used', async () => {
  const missing = await send('DELETE', '/api/v1/entities/ghost', '', {});
  assertProblem(missing, 404, 'name');
  const used = await send('DELETE', '/api/v1/entities/driver', '', {});
  assertProblem(used, 409, 'name');
});

test('refit while a run of the view is queued is a 409, and makes no version', async () => {
  // No scheduler: the queued run stays queued for as long as the test looks.
  const quiet = await pipelineServer({ 'data/d.csv': CSV }, bundle, { scheduler: false });
  try {
    await quiet.pipelines.service.materialize('drv', { trigger: 'manual' });
    const versions = (await getJson(`${quiet.url}/api/v1/feature-views/drv`)).body.versions.length;
    assertProblem(await postJson(`${quiet.url}/api/v1/feature-views/drv/refit`, {}), 409, 'name');
    assert.equal((await getJson(`${quiet.url}/api/v1/feature-views/drv`)).body.versions.length, versions);
  } finally {
    await quiet.close();
  }
});

test('entity column names that are empty or differ only in case are refused, not renamed', async () => {
  const entities = { driver_id: [1], event_timestamp: ['2026-11-22T00:00:00Z'] };
  assertProblem(await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities: { ...entities, DRIVER_ID: [2] } }), 400, 'entities.DRIVER_ID');
  assertProblem(await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities: { ...entities, '': [2] } }), 400, 'entities.');
  const csv = await send('POST', '/get-historical-features?features=drv:rate', 'driver_id,event_timestamp,Driver_Id\n1,2026-11-22,1\n', { 'content-type': 'text/csv' });
  assertProblem(csv, 400, '(body) header[2]');
});

test('a JSON body that is not UTF-8 is a 400, not silently repaired', async () => {
  const body = Buffer.concat([Buffer.from('{"features":["drv:rate"],"entities":{"driver_id":[1],"x":["'), Buffer.from([0xff]), Buffer.from('"]}}')]);
  assertProblem(await send('POST', '/get-online-features', body, { 'content-type': 'application/json' }), 400, '(body)');
  assertProblem(await send('POST', '/api/v1/prediction-logs', body, { 'content-type': 'application/json' }), 400, '(body)');
});

test('definitions: a ttl beyond any date, two columns mapped onto one, a NUL in a path are 400s', async () => {
  const view = bundle.featureViews![0];
  const source = { name: 'src', type: 'csv' as const, path: 'data/d.csv', timestampField: 'ts' };
  const cases: [BundleInput, string][] = [
    [{ ...bundle, featureViews: [{ ...view, ttl: '99999999999999999999d' }] }, 'featureViews[0].ttl'],
    [{ ...bundle, sources: [{ ...source, fieldMapping: { a: 'rate', b: 'rate' } }] }, 'sources[0].fieldMapping'],
    [{ ...bundle, sources: [{ ...source, path: 'data/d\u0000.csv' }] }, 'sources[0].path'],
  ];
  for (const [b, path] of cases) assertProblem(await postJson(`${s.url}/api/v1/apply?dry_run=true`, b), 400, path);
});

test('a lone surrogate escape in a JSON or YAML body is a 400 naming the string; a pair is text', async () => {
  const json = { 'content-type': 'application/json' };
  const prediction = (entity: string, feature: string) => `{"model":"surr","predictions":[{"entity":{"k":"${entity}"},"features":{"f":"${feature}"},"prediction":1}]}`;
  assertProblem(await send('POST', '/api/v1/prediction-logs', prediction('v', '\\ud800'), json), 400, 'predictions[0].features.f');
  assertProblem(await send('POST', '/api/v1/prediction-logs', '{"model":"surr","predictions":[{"entity":{"k\\uDFFF":"v"},"features":{},"prediction":1}]}', json), 400, 'predictions[0].entity.k\udfff');
  const listed = await getJson(`${s.url}/api/v1/prediction-logs?model=surr`);
  assert.deepEqual(listed.body.predictions, []);
  // A surrogate pair is one character (an emoji): it is logged and read back as it was sent.
  const paired = await send('POST', '/api/v1/prediction-logs', prediction('\\ud83d\\ude00', 'x'), json);
  assert.equal(paired.status, 201, JSON.stringify(paired.body));
  assert.deepEqual(
    (await getJson(`${s.url}/api/v1/prediction-logs?model=surr`)).body.predictions.map((p: { entity: unknown }) => p.entity),
    [{ k: '😀' }],
  );

  assertProblem(await send('POST', '/get-online-features', '{"features":["drv:rate"],"entities":{"driver_id":["\\ud800"]}}', json), 400, 'entities.driver_id[0]');
  assertProblem(
    await send('POST', '/get-historical-features', '{"features":["drv:rate"],"entities":{"driver_id":[1],"event_timestamp":["2026-11-22T00:00:00Z"],"note":["\\udc00"]}}', json),
    400,
    'entities.note[0]',
  );
  const yaml = 'entities:\n  - name: "dr\\ud800"\n    joinKeys: [driver_id]\n    valueType: int64\n';
  assertProblem(await send('POST', '/api/v1/apply', yaml, { 'content-type': 'application/yaml' }), 400, 'entities[0].name');
});

test('a forged prediction-log cursor beyond the range of a date is a 400, not a 500', async () => {
  for (const loggedAt of ['9999999999999999', '-9999999999999999']) {
    const after = Buffer.from(`${loggedAt},0192f3a4-0000-7000-8000-000000000001`).toString('base64url');
    assertProblem(await getJson(`${s.url}/api/v1/prediction-logs?model=surr&after=${after}`), 400, '(query) after');
  }
});

test('paging ids take every safe integer; query parameters a route does not know are 400s', async () => {
  for (const url of ['/api/v1/alerts', '/api/v1/audit', '/api/v1/runs']) {
    const res = await getJson(`${s.url}${url}?before=9007199254740991`);
    assert.equal(res.status, 200, `${url}: ${JSON.stringify(res.body)}`);
    assertProblem(await getJson(`${s.url}${url}?before=9007199254740992`), 400, '(query) before');
  }
  for (const url of ['/api/v1/alerts?foo=1', '/api/v1/audit?foo=1', '/api/v1/runs?foo=1', '/api/v1/monitors/nope/results?foo=1']) {
    const res = await getJson(`${s.url}${url}`);
    assert.equal(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
    assert.match(JSON.stringify(res.body.errors), /foo/);
  }
  const runs = async () => (await getJson(`${s.url}/api/v1/runs?featureView=drv`)).body.runs.length;
  const before = await runs();
  const res = await postJson(`${s.url}/api/v1/feature-views/drv/materialize?wiat=true`, {});
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(await runs(), before, 'the refused request queued no run');
});

test('valid JSON nested past the exact-integer reader’s depth is a 400 saying so, not "not valid JSON"', async () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const body = `{"features":["drv:rate"],"entities":{"driver_id":[9007199254740993]},"request_context":{"x":${deep}}}`;
  const res = await send('POST', '/get-online-features', body, { 'content-type': 'application/json' });
  assertProblem(res, 400, '(body)');
  assert.match(JSON.stringify(res.body), /nested too deeply/);
});

test('a lone surrogate 100,000 arrays deep is found without overflowing the stack: a 400 naming its path', async () => {
  const body = `{"features":["drv:rate"],"entities":{"driver_id":[1]},"request_context":{"x":${'['.repeat(100_000)}"\\ud800"${']'.repeat(100_000)}}}`;
  const res = await send('POST', '/get-online-features', body, { 'content-type': 'application/json' });
  assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
  assertProblem(res, 400, `request_context.x${'[0]'.repeat(100_000)}`);
});
