import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { arrowRows, csvRows, parquetRows } from '../http/historical-client.js';
import { HAND_FILES, handBundle } from '../offline/fixture.js';
import { pipelineServer } from '../support/pipeline-fixture.js';

// Dataset requests the probes found mishandled, with auth on (the audit log is one of them).

let s: Awaited<ReturnType<typeof pipelineServer>>;
let token = '';
before(async () => {
  s = await pipelineServer(HAND_FILES, handBundle());
  assert.equal((await s.materialize('driver_stats')).status, 'succeeded');
  token = (await s.services.keys.create({ name: 'admin', roles: ['admin'], expiresAt: null, createdBy: 'test' })).token;
});
after(() => s.close());

const ENTITIES = { driver_id: [1, 2], event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T10:00:00Z'] };
const FEATURES = ['driver_stats:rate'];

async function call(method: string, path: string, options: { json?: unknown; accept?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.accept) headers.accept = options.accept;
  const res = await fetch(`${s.url}${path}`, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes, json: () => JSON.parse(Buffer.from(bytes).toString('utf8')) };
}

test('the audit entry of a dataset created from a JSON body names the dataset and the views it read', async () => {
  const created = await call('POST', '/api/v1/training-datasets', { json: { name: 'audited', features: FEATURES, entities: ENTITIES } });
  assert.equal(created.status, 201, Buffer.from(created.bytes).toString());
  const entries = (await call('GET', '/api/v1/audit')).json().entries as { action: string; resource: string; status: number }[];
  const entry = entries.find((e) => e.action === 'POST /api/v1/training-datasets');
  assert.deepEqual(entry && { resource: entry.resource, status: entry.status }, { resource: "training_dataset 'audited', feature_view 'driver_stats'", status: 201 });
});

test('a query string beside a JSON body may only repeat it: a different name is a 400, and nothing is saved', async () => {
  const body = { name: 'from_body', features: FEATURES, entities: ENTITIES };
  const cases: [string, string, RegExp][] = [
    ['?name=from_query', '(query) name', /differs from the JSON body's name \("from_body"\)/],
    ['?description=d', '(query) description', /does not set it/],
    ['?features=driver_stats:trips', '(query) features', /differs/],
    ['?full_feature_names=true', '(query) full_feature_names', /differs/],
    ['?colour=red', '(query) colour', /unknown field/],
  ];
  for (const [query, path, message] of cases) {
    const res = await call('POST', `/api/v1/training-datasets${query}`, { json: body });
    assert.equal(res.status, 400, `${query}: ${Buffer.from(res.bytes).toString()}`);
    const problem = res.json();
    assert.equal(problem.errors[0].path, path, query);
    assert.match(problem.errors[0].message, message, query);
  }
  assert.equal((await call('GET', '/api/v1/training-datasets/from_body')).status, 404, 'no refused request saved the dataset');
  assert.equal((await call('GET', '/api/v1/training-datasets/from_query')).status, 404);
  // The same value in both places is no disagreement.
  const same = await call('POST', '/api/v1/training-datasets?name=from_body&features=driver_stats:rate&full_feature_names=false', { json: body });
  assert.equal(same.status, 201, Buffer.from(same.bytes).toString());
  assert.equal(same.json().name, 'from_body');
});

test('retrieval reads its JSON body the same way: a query parameter that disagrees is a 400', async () => {
  const res = await call('POST', '/get-historical-features?features=driver_stats:trips', { json: { features: FEATURES, entities: ENTITIES } });
  assert.equal(res.status, 400);
  assert.equal(res.json().errors[0].path, '(query) features');
});

test('the upload types answer too: Arrow file format for application/vnd.apache.arrow.file, Parquet for application/x-parquet', async () => {
  assert.equal((await call('POST', '/api/v1/training-datasets', { json: { name: 'formats', features: FEATURES, entities: ENTITIES } })).status, 201);
  const expected = (await call('GET', '/api/v1/training-datasets/formats/data')).json();
  for (const url of ['/api/v1/training-datasets/formats/data', null]) {
    const fetchAs = (accept: string) => (url ? call('GET', url, { accept }) : call('POST', '/get-historical-features', { json: { features: FEATURES, entities: ENTITIES }, accept }));
    const file = await fetchAs('application/vnd.apache.arrow.file');
    assert.equal(file.status, 200, Buffer.from(file.bytes).toString());
    assert.equal(file.type, 'application/vnd.apache.arrow.file');
    // The file format: magic at both ends (a stream has none), a footer a file reader seeks to.
    assert.equal(Buffer.from(file.bytes.subarray(0, 6)).toString(), 'ARROW1');
    assert.equal(Buffer.from(file.bytes.subarray(-6)).toString(), 'ARROW1');
    assert.deepEqual(
      arrowRows(file.bytes).rows.map((r) => r.rate),
      expected.rate,
    );
    const parquet = await fetchAs('application/x-parquet');
    assert.equal(parquet.status, 200);
    assert.equal(parquet.type, 'application/vnd.apache.parquet');
    assert.deepEqual(
      parquetRows(parquet.bytes).rows.map((r) => r.rate),
      expected.rate,
    );
  }
  const refused = await call('GET', '/api/v1/training-datasets/formats/data', { accept: 'application/xml' });
  assert.equal(refused.status, 406);
  assert.match(refused.json().errors[0].message, /application\/vnd\.apache\.arrow\.file/);
});

test('?format= picks the answer format over Accept; an unknown one is a 400 naming the formats', async () => {
  assert.equal((await call('POST', '/api/v1/training-datasets', { json: { name: 'by_query', features: FEATURES, entities: ENTITIES } })).status, 201);
  const data = '/api/v1/training-datasets/by_query/data';
  const bad = await call('GET', `${data}?format=xyz`);
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json().errors, [{ path: '(query) format', message: "'xyz' is not a format: one of json, csv, arrow, arrow_file, parquet" }]);
  assert.equal((await call('GET', `${data}?colour=red`)).status, 400, 'an unknown parameter is no longer ignored');
  const csv = await call('GET', `${data}?format=csv`, { accept: 'application/json' });
  assert.equal(csv.status, 200);
  assert.equal(csv.type, 'text/csv; charset=utf-8');
  assert.deepEqual(csvRows(csv.bytes).columns, ['driver_id', 'event_timestamp', 'rate']);
  // A browser's Accept (text/html first) does not matter with ?format=.
  const parquet = await call('GET', `${data}?format=parquet`, { accept: 'text/html' });
  assert.equal(parquet.type, 'application/vnd.apache.parquet');
});
