import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { API_ROUTES } from '../../server/http/openapi/api-routes.js';
import { createLogger } from '../../server/logger.js';
import { driverStatsCsv, driverStatsRows } from '../../server/sample-data/driver-stats.js';
import { repositoryFiles } from '../../server/scaffold/templates.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { T0 } from '../support/services.js';

// Identities: who is allowed is written by hand per route below, from the permissions here.
const PERMISSIONS = [
  { name: 'readers', roles: ['reader'], actions: ['DESCRIBE', 'READ'] },
  { name: 'writers', roles: ['writer'], actions: ['ALL'] },
  { name: 'pricing', roles: ['pricing'], requiredTags: { team: 'pricing' }, actions: ['DESCRIBE', 'READ_ONLINE'] },
  { name: 'pushers', roles: ['pusher'], types: ['feature_view'], namePatterns: ['driver_push.*'], actions: ['WRITE_ONLINE'] },
];
const ROLE_KEYS = ['reader', 'writer', 'admin', 'pricing', 'pusher'] as const;
type Who = (typeof ROLE_KEYS)[number] | 'none' | 'expired' | 'revoked' | 'forged';
const ALL: Who[] = [...ROLE_KEYS, 'none', 'expired', 'revoked', 'forged'];

const R: Who[] = ['reader', 'writer', 'admin'];
const W: Who[] = ['writer', 'admin'];
const A: Who[] = ['admin'];
const OPEN: Who[] = ALL;

const entities = { driver_id: [1001, 1002], event_timestamp: ['2026-11-29T10:30:00Z', '2026-11-29T11:30:00Z'] };
const df = { driver_id: [1001], event_timestamp: ['2026-11-29T10:00:00Z'], created: [null], conv_rate: [0.5] };

/** Every route: one request, and who may make it (a method and path template as the document lists it). */
const TABLE: { route: string; url: string; body?: unknown; allowed: Who[] }[] = [
  { route: 'get /health', url: '/health', allowed: OPEN },
  { route: 'get /problems/:code', url: '/problems/forbidden', allowed: OPEN },
  { route: 'post /api/v1/apply', url: '/api/v1/apply?dry_run=true', body: { entities: [{ name: 'driver', joinKeys: ['driver_id'] }] }, allowed: W },
  { route: 'get /api/v1/apply-history', url: '/api/v1/apply-history', allowed: R },
  { route: 'get /api/v1/schema', url: '/api/v1/schema', allowed: OPEN },
  { route: 'get /api/v1/entities', url: '/api/v1/entities', allowed: R },
  { route: 'get /api/v1/entities/:name', url: '/api/v1/entities/driver', allowed: R },
  { route: 'delete /api/v1/entities/:name', url: '/api/v1/entities/nope', allowed: W },
  { route: 'get /api/v1/sources', url: '/api/v1/sources', allowed: R },
  { route: 'get /api/v1/sources/:name', url: '/api/v1/sources/driver_stats', allowed: R },
  { route: 'delete /api/v1/sources/:name', url: '/api/v1/sources/nope', allowed: W },
  { route: 'get /api/v1/feature-views', url: '/api/v1/feature-views', allowed: R },
  // driver_hourly_stats carries team: pricing, so the tag-restricted role may describe it (not the list).
  { route: 'get /api/v1/feature-views/:name', url: '/api/v1/feature-views/driver_hourly_stats', allowed: [...R, 'pricing'] },
  { route: 'delete /api/v1/feature-views/:name', url: '/api/v1/feature-views/nope', allowed: W },
  { route: 'get /api/v1/feature-services', url: '/api/v1/feature-services', allowed: R },
  { route: 'get /api/v1/feature-services/:name', url: '/api/v1/feature-services/driver_model', allowed: R },
  { route: 'delete /api/v1/feature-services/:name', url: '/api/v1/feature-services/nope', allowed: W },
  { route: 'get /api/v1/alert-rules', url: '/api/v1/alert-rules', allowed: R },
  { route: 'get /api/v1/alert-rules/:name', url: '/api/v1/alert-rules/nope', allowed: R },
  { route: 'delete /api/v1/alert-rules/:name', url: '/api/v1/alert-rules/nope', allowed: W },
  { route: 'get /api/v1/webhooks', url: '/api/v1/webhooks', allowed: R },
  { route: 'get /api/v1/webhooks/:name', url: '/api/v1/webhooks/nope', allowed: R },
  { route: 'delete /api/v1/webhooks/:name', url: '/api/v1/webhooks/nope', allowed: W },
  { route: 'get /api/v1/feature-views/:name/versions/:version', url: '/api/v1/feature-views/driver_hourly_stats/versions/1', allowed: [...R, 'pricing'] },
  { route: 'post /api/v1/feature-views/:name/materialize', url: '/api/v1/feature-views/nope/materialize', body: {}, allowed: W },
  { route: 'post /api/v1/feature-views/:name/refit', url: '/api/v1/feature-views/nope/refit', allowed: W },
  { route: 'get /api/v1/runs', url: '/api/v1/runs', allowed: R },
  { route: 'get /api/v1/runs/:id', url: '/api/v1/runs/1', allowed: R },
  { route: 'post /materialize', url: '/materialize', body: { start_ts: '2026-11-28T00:00:00', end_ts: '2026-11-29T00:00:00', feature_views: ['driver_pushed'] }, allowed: W },
  { route: 'post /materialize-incremental', url: '/materialize-incremental', body: { end_ts: '2026-11-29T06:00:00Z', feature_views: ['driver_pushed'] }, allowed: W },
  { route: 'post /get-online-features', url: '/get-online-features', body: { features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] } }, allowed: [...R, 'pricing'] },
  { route: 'post /push', url: '/push', body: { push_source_name: 'driver_push', df, to: 'online' }, allowed: [...W, 'pusher'] },
  { route: 'post /write-to-online-store', url: '/write-to-online-store', body: { feature_view_name: 'driver_pushed', df }, allowed: [...W, 'pusher'] },
  {
    route: 'post /api/v1/feature-views/:name/transform',
    url: '/api/v1/feature-views/driver_hourly_stats/transform',
    body: { rows: [{ driver_id: 1001, conv_rate: null, acc_rate: 0.5, avg_daily_trips: 3, car_type: 'suv' }] },
    allowed: [...R, 'pricing'],
  },
  { route: 'post /get-historical-features', url: '/get-historical-features', body: { features: ['driver_hourly_stats:conv_rate'], entities }, allowed: R },
  { route: 'post /api/v1/training-datasets', url: '/api/v1/training-datasets', body: { name: 'roles_set', features: ['driver_hourly_stats:conv_rate'], entities }, allowed: W },
  { route: 'get /api/v1/training-datasets', url: '/api/v1/training-datasets', allowed: R },
  { route: 'get /api/v1/training-datasets/:name', url: '/api/v1/training-datasets/kept', allowed: R },
  { route: 'get /api/v1/training-datasets/:name/data', url: '/api/v1/training-datasets/kept/data', allowed: R },
  { route: 'post /api/v1/training-datasets/:name/rebuild', url: '/api/v1/training-datasets/kept/rebuild', allowed: W },
  { route: 'delete /api/v1/training-datasets/:name', url: '/api/v1/training-datasets/nope', allowed: W },
  {
    route: 'post /api/v1/prediction-logs',
    url: '/api/v1/prediction-logs',
    body: { model: 'm1', predictions: [{ entity: { driver_id: 1001 }, features: { conv_rate: 0.5 }, prediction: 1 }] },
    allowed: W,
  },
  { route: 'get /api/v1/prediction-logs', url: '/api/v1/prediction-logs?model=m1', allowed: R },
  { route: 'post /api/v1/skew', url: '/api/v1/skew', body: { featureService: 'driver_model' }, allowed: R },
  { route: 'post /api/v1/drift', url: '/api/v1/drift', body: { featureView: 'driver_hourly_stats', reference: { snapshots: [1] }, detection: {} }, allowed: R },
  { route: 'get /api/v1/runs/:id/validation', url: '/api/v1/runs/1/validation', allowed: R },
  { route: 'get /api/v1/freshness', url: '/api/v1/freshness', allowed: R },
  { route: 'get /api/v1/alerts', url: '/api/v1/alerts', allowed: R },
  { route: 'post /api/v1/alerts/evaluate', url: '/api/v1/alerts/evaluate', allowed: W },
  { route: 'get /api/v1/monitors/:name/results', url: '/api/v1/monitors/nope/results', allowed: R },
  { route: 'post /api/v1/monitors/:name/run', url: '/api/v1/monitors/nope/run', allowed: W },
  {
    route: 'post /api/v1/outcomes',
    url: '/api/v1/outcomes',
    body: { model: 'm1', outcomes: [{ predictionId: 'nope', label: 1 }] },
    allowed: W,
  },
  { route: 'get /api/v1/models/:name/performance', url: '/api/v1/models/m1/performance', allowed: R },
  { route: 'get /metrics', url: '/metrics', allowed: R },
  { route: 'get /api/v1/openapi.json', url: '/api/v1/openapi.json', allowed: OPEN },
  { route: 'post /api/v1/keys', url: '/api/v1/keys', body: { name: 'made in the table', roles: ['reader'] }, allowed: A },
  { route: 'get /api/v1/keys', url: '/api/v1/keys', allowed: A },
  { route: 'delete /api/v1/keys/:id', url: '/api/v1/keys/000000000000', allowed: A },
  { route: 'get /api/v1/audit', url: '/api/v1/audit', allowed: A },
];

let s: Awaited<ReturnType<typeof pipelineServer>>;
const tokens = new Map<Who, string>();
const logLines: string[] = [];

before(async () => {
  const logs = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const bundle = parseYaml(repositoryFiles('x')['feature-definitions/drivers.yaml']);
  bundle.sources.push({ name: 'driver_push', type: 'push', createdTimestampField: 'created' });
  bundle.featureViews.push({ name: 'driver_pushed', entities: ['driver'], source: 'driver_push', features: [{ name: 'conv_rate', type: 'float64' }] });
  bundle.featureViews[0].tags = { team: 'pricing' };
  bundle.permissions = PERMISSIONS;
  s = await pipelineServer({ 'data/driver_stats.csv': driverStatsCsv(driverStatsRows(T0)) }, bundle, { logLevel: 'debug' }, { logger: createLogger('debug', logs) });
  await s.materialize('driver_hourly_stats');
  const kept = await fetch(`${s.url}/api/v1/training-datasets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'kept', features: ['driver_hourly_stats:conv_rate'], entities }),
  });
  assert.equal(kept.status, 201);
  // The first key turns authentication on.
  for (const role of ROLE_KEYS) tokens.set(role, (await s.services.keys.create({ name: role, roles: [role], expiresAt: null, createdBy: 'test' })).token);
  tokens.set('expired', (await s.services.keys.create({ name: 'expired', roles: ['admin'], expiresAt: T0 + 1_000, createdBy: 'test' })).token);
  const revoked = await s.services.keys.create({ name: 'revoked', roles: ['admin'], expiresAt: null, createdBy: 'test' });
  await s.services.keys.revoke(revoked.key.id);
  tokens.set('revoked', revoked.token);
  // Well-formed, with the id of a real key and another secret.
  const admin = tokens.get('admin')!;
  tokens.set('forged', `${admin.slice(0, 17)}${'A'.repeat(43)}`);
  s.services.clock.set(T0 + 60_000);
});
after(() => s?.close());

/** What a refused request must not change. */
async function state() {
  const catalog = await s.services.catalog.refresh();
  return {
    revision: catalog.revision,
    runs: (await s.services.runs.list({ limit: 1000 })).length,
    keys: (await s.services.keys.list()).map((k) => `${k.id}:${k.revokedAt}`),
    datasets: (await s.services.registry.datasets.list()).length,
  };
}

async function send(row: (typeof TABLE)[number], who: Who) {
  const method = row.route.split(' ')[0].toUpperCase();
  const headers: Record<string, string> = row.body === undefined ? {} : { 'content-type': 'application/json' };
  const token = tokens.get(who);
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${s.url}${row.url}`, { method, headers, body: row.body === undefined ? undefined : JSON.stringify(row.body) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', wwwAuthenticate: res.headers.get('www-authenticate'), text: await res.text() };
}

/**
 * Routes that declare no auth are admin-only: they join the table as such, called with `nope` for
 * each path parameter (what they answer an admin does not matter here, only that nobody else gets in).
 */
for (const r of API_ROUTES) {
  const route = `${r.method} ${r.path}`;
  if (r.auth === undefined && !TABLE.some((row) => row.route === route)) {
    TABLE.push({ route, url: r.path.replace(/:[a-z]+/gi, 'nope'), body: r.method === 'get' ? undefined : {}, allowed: A });
  }
}

test('the table covers every route of the OpenAPI document, and each declared route is in it by hand', () => {
  const documented = API_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
  assert.deepEqual(TABLE.map((r) => r.route).sort(), documented);
});

test('every route x every identity: allowed ones get through, others get 401 or 403 and change nothing', { timeout: 300_000 }, async () => {
  for (const row of TABLE) {
    for (const who of ALL) {
      const allowed = row.allowed.includes(who);
      const before = allowed ? null : await state();
      const res = await send(row, who);
      const what = `${row.route} as ${who}: ${res.status} ${res.text.slice(0, 300)}`;
      if (allowed) {
        assert.ok(res.status !== 401 && res.status !== 403 && res.status !== 429 && res.status < 500, what);
        continue;
      }
      const unauthenticated = ['none', 'expired', 'revoked', 'forged'].includes(who);
      assert.equal(res.status, unauthenticated ? 401 : 403, what);
      assert.match(res.type, /^application\/problem\+json/, what);
      const problem = JSON.parse(res.text);
      if (unauthenticated) assert.match(res.wwwAuthenticate ?? '', /^Bearer realm="tessera"/, what);
      else assert.match(problem.detail, /no permission grants (CREATE|DESCRIBE|UPDATE|DELETE|READ_ONLINE|READ_OFFLINE|WRITE_ONLINE|WRITE_OFFLINE|admin) on /, what);
      assert.deepEqual(await state(), before, `${what}: a refused request changed the state`);
    }
  }
});

test('a path in other letter case is the same route to the gate as to express: without credentials, 401 and nothing changed', { timeout: 300_000 }, async () => {
  // Express routes /API/V1/KEYS as /api/v1/keys; the gate once matched paths case-sensitively, so such
  // a request skipped authentication and reached the handler (the key list was answered to anyone).
  for (const row of TABLE) {
    if (row.allowed.includes('none')) continue;
    const [pathPart, query] = row.url.split('?');
    for (const url of [pathPart.toUpperCase(), pathPart.replace(/\/([a-z])/g, (_, c: string) => `/${c.toUpperCase()}`)]) {
      const before = await state();
      const res = await send({ ...row, url: query === undefined ? url : `${url}?${query}` }, 'none');
      const what = `${row.route} as ${url}: ${res.status} ${res.text.slice(0, 300)}`;
      assert.equal(res.status, 401, what);
      assert.deepEqual(await state(), before, `${what}: a refused request changed the state`);
    }
  }
});

test("apply: monitors are resources permissions cover; setting permissions is an admin's; the audit log names the permissions set", async () => {
  const apply = (who: Who, body: unknown) => send({ route: 'post /api/v1/apply', url: '/api/v1/apply', body, allowed: [] }, who);
  // Readers may describe and read, not create: a monitor in a bundle is a CREATE like any definition.
  for (const who of ['reader', 'pricing', 'pusher'] as const) {
    const res = await apply(who, { monitors: [{ name: 'watch_conv' }] });
    assert.equal(res.status, 403, `${who}: ${res.text}`);
    assert.match(JSON.parse(res.text).detail, /no permission grants CREATE on monitor 'watch_conv'/);
  }
  // A writer gets past the gate (the monitor itself is incomplete: 400 naming its fields).
  const writer = await apply('writer', { monitors: [{ name: 'watch_conv' }] });
  assert.equal(writer.status, 400, writer.text);
  assert.match(JSON.parse(writer.text).errors[0].path, /^monitors\[0\]\./);

  // Writers hold every action on every type, project included: granting is still not theirs.
  const before = await state();
  const refused = await apply('writer', { permissions: [{ name: 'mine', roles: ['writer', 'reader'], actions: ['ALL'] }] });
  assert.equal(refused.status, 403, refused.text);
  assert.match(JSON.parse(refused.text).detail, /no permission grants admin on project 'permissions'/);
  assert.deepEqual(await state(), before);

  const applied = await apply('admin', { permissions: PERMISSIONS });
  assert.equal(applied.status, 200, applied.text);
  await s.services.gate.audit.flush();
  const entries = await s.services.registry.auth.audit({ limit: 10_000 });
  const entry = entries.find((e) => e.action === 'POST /api/v1/apply' && e.outcome === 'ok' && e.actor.endsWith('(admin)'));
  assert.equal(entry?.detail, 'created=0 updated=0 permissions=4 (readers, writers, pricing, pushers)');
});

test('the audit log holds the refusals and the mutating calls, with who and what; no key secret or token text appears in any log line or audit entry', async () => {
  await s.services.gate.audit.flush();
  const entries = await s.services.registry.auth.audit({ limit: 10_000 });
  assert.ok(entries.some((e) => e.outcome === 'unauthenticated' && e.actor === 'unauthenticated' && e.status === 401));
  assert.ok(entries.some((e) => e.outcome === 'denied' && e.actor.endsWith('(reader)') && e.action === 'WRITE_ONLINE' && e.resource === "feature_view 'driver_pushed'"));
  const push = entries.find((e) => e.action === 'POST /push' && e.outcome === 'ok' && e.actor.endsWith('(pusher)'));
  assert.equal(push?.detail, 'rows=1');
  assert.ok(entries.some((e) => e.action === 'POST /api/v1/keys' && e.outcome === 'ok' && /^key=[0-9a-f]{12} roles=reader$/.test(e.detail ?? '')));
  assert.ok(!entries.some((e) => e.action === 'POST /get-online-features' && e.outcome === 'ok'), 'reads are not audited');

  const secrets = [...tokens.values()].flatMap((t) => [t, t.slice(17)]);
  const texts = [...logLines, ...entries.map((e) => JSON.stringify(e))];
  assert.ok(logLines.length > 100, `the server logged (${logLines.length} lines)`);
  for (const secret of secrets) for (const line of texts) assert.ok(!line.includes(secret), `a secret appears in: ${line.slice(0, 200)}`);
});

test('a key with an expiry after year 9999, a name with control characters or a role twice is a 400 naming the field; nothing is created', async () => {
  const before = await state();
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'far', roles: ['reader'], expiresAt: 8.64e15 + 1 }, 'expiresAt'],
    // 8.64e15 was taken and shown as '+275760-09-13T00:00:00.000Z'.
    [{ name: 'far', roles: ['reader'], expiresAt: 8.64e15 }, 'expiresAt'],
    [{ name: 'far', roles: ['reader'], expiresAt: 253_402_300_800_000 }, 'expiresAt'],
    [{ name: 'far', roles: ['reader'], expiresAt: Number.MAX_SAFE_INTEGER }, 'expiresAt'],
    [{ name: 'ctl\u0000\n', roles: ['reader'] }, 'name'],
    [{ name: 'two', roles: ['reader', 'reader'] }, 'roles'],
    [{ name: 'bell', roles: ['read\u0007er'] }, 'roles[0]'],
  ];
  for (const [body, field] of cases) {
    const res = await fetch(`${s.url}/api/v1/keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get('admin')}` }, body: JSON.stringify(body) });
    const problem = (await res.json()) as { errors: { path: string }[] };
    assert.equal(res.status, 400, JSON.stringify(problem));
    assert.deepEqual(
      problem.errors.map((e) => e.path),
      [field],
      JSON.stringify(body),
    );
  }
  assert.deepEqual(await state(), before);
});
