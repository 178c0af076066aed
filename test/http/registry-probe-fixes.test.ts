// `any`: response bodies are asserted field by field.
// Defects found by probing a running server: each test first reproduced one, then proved its fix.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson } from '../support/services.js';

// The test clock is 2026-11-29T12:00:00Z. Two rows fall in the backfill window (2026-11-28, 2026-11-29]:
// the 27th's row is before it.
const CSV = `driver_id,ts,rate
1,2026-11-27T10:00:00Z,0.5
1,2026-11-28T10:00:00Z,0.25
2,2026-11-28T11:00:00Z,0.75
`;

const view = (name: string, features: { name: string; type: 'float64'; from?: string }[]) => ({ name, entities: ['driver'], source: 'stats', features });

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [view('a', [{ name: 'rate', type: 'float64' }]), view('b', [{ name: 'rate', type: 'float64' }])],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV, 'orders.csv': 'id,ts\n' }, bundle);
});
after(() => s.close());

/** Asserts a problem document: its status, type and the field paths it names, in order. */
function assertProblem(res: { status: number; type: string; body: any }, status: number, type: string, paths: string[]): { path: string; message: string }[] {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.type, /^application\/problem\+json/);
  assert.equal(res.body.type, `/problems/${type}`);
  assert.deepEqual(
    res.body.errors.map((e: { path: string }) => e.path),
    paths,
    JSON.stringify(res.body.errors),
  );
  return res.body.errors;
}

const runs = async () => {
  const res = await getJson(`${s.url}/api/v1/runs`);
  assert.equal(res.status, 200);
  return res.body.runs;
};

const apply = (body: unknown) => postJson(`${s.url}/api/v1/apply`, body);

describe("Feast's materialize endpoints queue every run or none", () => {
  let stored: any[];
  before(async () => {
    // `a` gets a version 2; `b` stays at version 1 and runs once, so it has a watermark.
    const changed = await apply({
      featureViews: [
        view('a', [
          { name: 'rate', type: 'float64' },
          { name: 'rate_copy', type: 'float64', from: 'rate' },
        ]),
      ],
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const run = await s.materialize('b');
    assert.equal(run.status, 'succeeded', run.error);
    // An incremental first run reads the whole history up to now: its watermark is the clock.
    assert.equal(run.window.end, '2026-11-29T12:00:00.000Z');
    stored = await runs();
    assert.deepEqual(
      stored.map((r) => [r.featureView, r.version, r.status]),
      [['b', 1, 'succeeded']],
    );
  });

  const window = { start_ts: '2026-11-28T00:00:00Z', end_ts: '2026-11-29T00:00:00Z' };
  const refusals: [string, string, Record<string, unknown>, number, string, string[]][] = [
    ['an unknown later view', '/materialize', { ...window, feature_views: ['a', 'nope'] }, 404, 'not_found', ['feature_views[1]']],
    ['a view listed twice', '/materialize', { ...window, feature_views: ['a', 'a'] }, 409, 'conflict', ['feature_views[1]']],
    ['a version only the first view has', '/materialize', { ...window, feature_views: ['a', 'b'], version: 'v2' }, 404, 'not_found', ['version']],
    ['a version only the first view has (incremental)', '/materialize-incremental', { end_ts: '2026-11-29T00:00:00Z', feature_views: ['a', 'b'], version: '2' }, 404, 'not_found', ['version']],
    // `a` has never run (no watermark, so any end will do); `b`'s watermark is 2026-11-29T12:00:00Z.
    ['an end before the later view’s watermark', '/materialize-incremental', { end_ts: '2020-01-01T00:00:00Z', feature_views: ['a', 'b'] }, 400, 'validation', ['end_ts']],
    ['an end after now', '/materialize', { start_ts: '2026-11-28T00:00:00Z', end_ts: '2026-11-30T00:00:00Z', feature_views: ['a', 'b'] }, 400, 'validation', ['end_ts']],
  ];
  for (const [what, path, body, status, type, paths] of refusals) {
    test(`${path}: ${what} is a ${status} naming ${paths.join(', ')}, and queues no run`, async () => {
      for (const query of ['', '?async=true']) {
        const errors = assertProblem(await postJson(`${s.url}${path}${query}`, body), status, type, paths);
        assert.ok(errors[0].message.length > 0);
        assert.deepEqual(await runs(), stored, `${path}${query} queued a run before refusing`);
      }
    });
  }

  test('the window error names the watermark it is not after', async () => {
    const res = await postJson(`${s.url}/materialize-incremental`, { end_ts: '2020-01-01T00:00:00Z', feature_views: ['a', 'b'] });
    const [error] = assertProblem(res, 400, 'validation', ['end_ts']);
    assert.match(error.message, /2026-11-29T12:00:00(\.000)?Z/);
    assert.match(res.body.detail, /'b'/);
  });

  test('an accepted request still runs every view it names, each over the window', async () => {
    const res = await postJson(`${s.url}/materialize`, { ...window, feature_views: ['a', 'b'] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.status, 'succeeded');
    assert.deepEqual(
      res.body.runs.map((r: any) => [r.featureView, r.version, r.status, r.rowsIn, r.window.start, r.window.end]),
      // A run's window is (start, end]: Feast's [start_ts, end_ts] starts 1 ms before start_ts.
      [
        ['a', 2, 'succeeded', 2, '2026-11-27T23:59:59.999Z', '2026-11-29T00:00:00.000Z'],
        ['b', 1, 'succeeded', 2, '2026-11-27T23:59:59.999Z', '2026-11-29T00:00:00.000Z'],
      ],
    );
  });
});

describe('a later view with an active run', () => {
  // No scheduler in this process: a queued run stays queued.
  let idle: Awaited<ReturnType<typeof pipelineServer>>;
  before(async () => {
    idle = await pipelineServer({ 'stats.csv': CSV }, bundle, { scheduler: false });
  });
  after(() => idle.close());

  test("is the 409 of that view's entry, and the views before it get no run", async () => {
    const queued = await postJson(`${idle.url}/api/v1/feature-views/b/materialize`, {});
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const before = (await getJson(`${idle.url}/api/v1/runs`)).body.runs;
    assert.deepEqual(
      before.map((r: any) => [r.featureView, r.status]),
      [['b', 'queued']],
    );
    const [error] = assertProblem(await postJson(`${idle.url}/materialize-incremental`, { end_ts: '2026-11-29T00:00:00Z', feature_views: ['a', 'b'] }), 409, 'conflict', ['feature_views[1]']);
    assert.equal(error.message, `run ${queued.body.runId} is queued`);
    assert.deepEqual((await getJson(`${idle.url}/api/v1/runs`)).body.runs, before);
  });
});

describe('a batch source used by a push source', () => {
  before(async () => {
    const applied = await apply({
      sources: [
        { name: 'events', type: 'csv', path: 'orders.csv', timestampField: 'ts' },
        { name: 'events_push', type: 'push', batchSource: 'events', timestampField: 'ts' },
      ],
    });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
  });

  test('changing whether it has a created timestamp, alone, is a 400 naming the field', async () => {
    const before = await getJson(`${s.url}/api/v1/sources/events`);
    const bundles: [unknown, string][] = [
      [{ sources: [{ name: 'events', type: 'csv', path: 'orders.csv', timestampField: 'ts', createdTimestampField: 'created' }] }, 'sources[0].createdTimestampField'],
      // A push source cannot be a batch source: a run could not read it.
      [{ sources: [{ name: 'events', type: 'push', timestampField: 'ts' }] }, 'sources[0].type'],
    ];
    for (const [body, path] of bundles) {
      for (const query of ['', '?dry_run=true']) {
        const [error] = assertProblem(await postJson(`${s.url}/api/v1/apply${query}`, body), 400, 'validation', [path]);
        assert.match(error.message, /push source 'events_push'/);
      }
    }
    assert.deepEqual(await getJson(`${s.url}/api/v1/sources/events`), before);
  });

  test('changing both sources together is accepted', async () => {
    const both = await apply({
      sources: [
        { name: 'events', type: 'csv', path: 'orders.csv', timestampField: 'ts', createdTimestampField: 'created' },
        { name: 'events_push', type: 'push', batchSource: 'events', timestampField: 'ts', createdTimestampField: 'created' },
      ],
    });
    assert.equal(both.status, 200, JSON.stringify(both.body));
    assert.equal((await getJson(`${s.url}/api/v1/sources/events`)).body.createdTimestampField, 'created');
  });

  test('deleting it is a 409 naming the push source, and it stays', async () => {
    const refused = await fetch(`${s.url}/api/v1/sources/events`, { method: 'DELETE' });
    const body: any = await refused.json();
    assertProblem({ status: refused.status, type: refused.headers.get('content-type') ?? '', body }, 409, 'conflict', ['name']);
    assert.equal(body.errors[0].message, "used by push source 'events_push'");
    assert.equal((await getJson(`${s.url}/api/v1/sources/events`)).status, 200);
    // Once the push source is gone, nothing uses it.
    assert.equal((await fetch(`${s.url}/api/v1/sources/events_push`, { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(`${s.url}/api/v1/sources/events`, { method: 'DELETE' })).status, 204);
  });
});

describe('keys JavaScript objects already have', () => {
  test("a join key named like an Object.prototype member still needs its type ('constructor')", async () => {
    const res = await apply('{"entities":[{"name":"pe","joinKeys":["constructor"],"valueType":{}}]}');
    const [error] = assertProblem(res, 400, 'validation', ['entities[0].valueType.constructor']);
    assert.equal(error.message, "no type given for join key 'constructor'");
    // With its type given it is an ordinary key.
    const ok = await apply('{"entities":[{"name":"pe","joinKeys":["constructor"],"valueType":{"constructor":"string"}}]}');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual((await getJson(`${s.url}/api/v1/entities/pe`)).body.joinKeys, [{ name: 'constructor', type: 'string' }]);
  });

  // Raw JSON text: an object literal's `__proto__` sets a prototype, JSON.parse makes it a key.
  const bodies: [string, string, string, string][] = [
    ['entity valueType', '{"entities":[{"name":"pk","joinKeys":["k"],"valueType":{"k":"int64","__proto__":"string"}}]}', 'entities[0].valueType.__proto__', 'entities/pk'],
    ['entity tags', '{"entities":[{"name":"pk","tags":{"team":"x","__proto__":"y"}}]}', 'entities[0].tags.__proto__', 'entities/pk'],
    [
      'source fieldMapping',
      '{"sources":[{"name":"pk","type":"csv","path":"stats.csv","timestampField":"ts","fieldMapping":{"__proto__":"rate2"}}]}',
      'sources[0].fieldMapping.__proto__',
      'sources/pk',
    ],
    ['source tags', '{"sources":[{"name":"pk","type":"push","tags":{"__proto__":"y"}}]}', 'sources[0].tags.__proto__', 'sources/pk'],
    ['http source headers', '{"sources":[{"name":"pk","type":"http","url":"http://127.0.0.1:9/x","timestampField":"ts","headers":{"__proto__":"y"}}]}', 'sources[0].headers.__proto__', 'sources/pk'],
    [
      'feature view tags',
      '{"featureViews":[{"name":"pk","entities":["driver"],"source":"stats","features":[{"name":"rate","type":"float64"}],"tags":{"__proto__":"y"}}]}',
      'featureViews[0].tags.__proto__',
      'feature-views/pk',
    ],
    ['feature service tags', '{"featureServices":[{"name":"pk","features":["a:rate"],"tags":{"__proto__":"y"}}]}', 'featureServices[0].tags.__proto__', 'feature-services/pk'],
    // Dropped, a required tag would let the permission cover resources without it.
    ['permission requiredTags', '{"permissions":[{"name":"pk","requiredTags":{"__proto__":"y"},"roles":["reader"]}]}', 'permissions[0].requiredTags.__proto__', ''],
  ];
  test('a __proto__ key in a YAML bundle is refused the same way', async () => {
    const res = await fetch(`${s.url}/api/v1/apply`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'entities:\n  - name: pk\n    tags: {__proto__: y, team: x}\n' });
    const body: any = await res.json();
    assertProblem({ status: res.status, type: res.headers.get('content-type') ?? '', body }, 400, 'validation', ['entities[0].tags.__proto__']);
  });

  test('a __proto__ key nested 100,000 deep is found without overflowing the stack', async () => {
    const depth = 100_000;
    const res = await apply(`{"entities":[{"name":"pk","tags":{"a":${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}}}]}`);
    const [error] = assertProblem(res, 400, 'validation', [`entities[0].tags.a${'[0]'.repeat(depth)}.__proto__`]);
    assert.match(error.message, /__proto__/);
  });

  for (const [what, body, path, stored] of bodies) {
    test(`a __proto__ key in ${what} is a 400 naming it, not dropped`, async () => {
      const [error] = assertProblem(await apply(body), 400, 'validation', [path]);
      assert.match(error.message, /__proto__/);
      if (stored) assert.equal((await getJson(`${s.url}/api/v1/${stored}`)).status, 404);
    });
  }
});
