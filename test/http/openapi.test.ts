// `any`: answers and schemas are walked as plain JSON.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { API_ROUTES } from '../../server/http/openapi/api-routes.js';
import { openApiPath } from '../../server/http/openapi/document.js';
import { tesseraOpenApi } from '../../server/http/openapi/tessera-openapi.js';
import { packageRoot } from '../../server/paths.js';
import { driverStatsCsv, driverStatsRows } from '../../server/sample-data/driver-stats.js';
import { repositoryFiles } from '../../server/scaffold/templates.js';
import { onlineRequestSchema } from '../../server/serving/online-request.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { T0 } from '../support/services.js';

// ajv-formats is CommonJS with a default export; under NodeNext the function sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const document = tesseraOpenApi() as any;

test('docs/openapi.json is the document the code builds (run `npm run schema` after a change)', () => {
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(packageRoot(), 'docs', 'openapi.json'), 'utf8')), document);
});

test('the document is valid OpenAPI 3.1', async () => {
  const result = await new Validator().validate(structuredClone(document));
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  assert.equal(document.openapi, '3.1.0');
});

let s: Awaited<ReturnType<typeof pipelineServer>>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, 'openapi.json');
const seen = new Set<string>();

before(async () => {
  const bundle = parseYaml(repositoryFiles('x')['feature-definitions/drivers.yaml']);
  s = await pipelineServer({ 'data/driver_stats.csv': driverStatsCsv(driverStatsRows(T0)) }, bundle);
});
after(() => s.close());

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The documented operation whose path template matches `url`. */
function operation(method: string, url: string): { template: string; op: any } {
  const pathname = new URL(url, 'http://x').pathname;
  for (const [template, item] of Object.entries(document.paths as Record<string, any>)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(pathname) && item[method]) return { template, op: item[method] };
  }
  throw new Error(`${method.toUpperCase()} ${pathname} is not in the OpenAPI document`);
}

function check(schemaPointer: string, value: unknown, what: string): void {
  const validate = ajv.getSchema(`openapi.json#/${schemaPointer}`) ?? ajv.compile({ $ref: `openapi.json#/${schemaPointer}` });
  assert.ok(validate(value), `${what}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}\n${JSON.stringify(value).slice(0, 600)}`);
}

/**
 * Sends a request, checks its JSON body against the documented request body, and its answer against
 * the documented answer for that status and content type. Returns the answer.
 */
async function call(method: 'get' | 'post' | 'delete', route: string, options: { body?: unknown; raw?: string; type?: string; accept?: string; token?: string } = {}) {
  const { template, op } = operation(method, route);
  const type = options.type ?? 'application/json';
  if (options.body !== undefined) check(pointer('paths', template, method, 'requestBody', 'content', type, 'schema'), options.body, `request ${method} ${route}`);
  const res = await fetch(`${s.url}${route}`, {
    method: method.toUpperCase(),
    headers: {
      ...(options.body !== undefined || options.raw ? { 'content-type': type } : {}),
      ...(options.accept ? { accept: options.accept } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : options.raw,
  });
  const status = String(res.status);
  const answerType = (res.headers.get('content-type') ?? '').split(';')[0];
  const documented = op.responses[status];
  assert.ok(documented, `${method.toUpperCase()} ${template} answered ${status}, which the document does not list`);
  const text = await res.text();
  seen.add(`${method} ${template} ${status}`);
  if (status === '204') return { status: res.status, body: null };
  assert.ok(documented.content?.[answerType], `${method.toUpperCase()} ${template} ${status}: content type ${answerType} is not documented`);
  const body = answerType.endsWith('json') ? JSON.parse(text) : text;
  if (answerType.endsWith('json')) check(pointer('paths', template, method, 'responses', status, 'content', answerType, 'schema'), body, `answer ${method} ${route} ${status}`);
  return { status: res.status, body };
}

test('every route the server serves is in the document, and every documented route is served', () => {
  const served = new Set<string>();
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) for (const m of Object.keys(layer.route.methods)) served.add(`${m} ${openApiPath(layer.route.path)}`);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((s.http.app as any).router.stack);
  const documented = new Set(API_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`));
  assert.deepEqual(
    [...served].filter((r) => !documented.has(r)),
    [],
    'served but not documented',
  );
  assert.deepEqual(
    [...documented].filter((r) => !served.has(r)),
    [],
    'documented but not served',
  );
});

test('real requests and answers of the running server match the document', async () => {
  const bundle = parseYaml(repositoryFiles('x')['feature-definitions/drivers.yaml']);
  assert.equal((await call('get', '/health')).status, 200);
  assert.equal((await call('get', '/problems/not_found')).status, 200);
  assert.equal((await call('get', '/problems/nope')).status, 404);
  assert.equal((await call('get', '/api/v1/openapi.json')).body.openapi, '3.1.0');
  assert.match((await call('get', '/metrics')).body, /^# HELP tessera_/m);
  assert.equal((await call('get', '/api/v1/schema')).status, 200);

  assert.equal((await call('post', '/api/v1/apply?dry_run=true', { body: bundle })).body.dryRun, true);
  assert.equal((await call('post', '/api/v1/apply', { body: bundle })).status, 200);
  assert.equal((await call('post', '/api/v1/apply?dry_run=maybe', { body: bundle })).status, 400);
  assert.equal((await call('post', '/api/v1/apply?dryrun=true', { body: bundle })).status, 400, 'a misspelt flag is refused, not ignored');
  assert.equal((await call('post', '/api/v1/apply', { raw: 'entities: [', type: 'application/yaml' })).status, 400);
  assert.equal((await call('get', '/api/v1/apply-history')).status, 200);

  const run = await call('post', '/api/v1/feature-views/driver_hourly_stats/materialize?wait=true', { body: {} });
  assert.equal(run.body.status, 'succeeded');
  const queued = await call('post', '/api/v1/feature-views/driver_hourly_stats/materialize', { body: { start: '2026-11-28T00:00:00Z', end: '2026-11-29T00:00:00Z' } });
  assert.equal(queued.status, 202);
  await s.services.runs.get(queued.body.runId);
  assert.equal((await call('post', '/api/v1/feature-views/driver_hourly_stats/materialize', { body: { start: 'soon' } })).status, 400);
  assert.equal((await call('post', '/api/v1/feature-views/nope/materialize', { body: {} })).status, 404);
  assert.equal((await call('get', '/api/v1/runs?featureView=driver_hourly_stats&limit=5')).status, 200);
  assert.equal((await call('get', '/api/v1/runs?limit=0x10')).status, 400);
  assert.equal((await call('get', `/api/v1/runs/${run.body.id}`)).body.id, run.body.id);
  assert.equal((await call('get', '/api/v1/runs/999999')).status, 404);
  assert.deepEqual((await call('get', `/api/v1/runs/${run.body.id}/validation`)).body.expectations, []);
  assert.equal((await call('get', '/api/v1/runs/999999/validation')).status, 404);
  assert.equal((await call('get', '/api/v1/freshness')).body.views[0].featureView, 'driver_hourly_stats');

  for (const kind of ['entities', 'sources', 'feature-views', 'feature-services']) assert.equal((await call('get', `/api/v1/${kind}`)).status, 200);
  assert.equal((await call('get', '/api/v1/entities/driver')).status, 200);
  assert.equal((await call('get', '/api/v1/sources/driver_stats')).status, 200);
  assert.equal((await call('get', '/api/v1/feature-views/driver_hourly_stats')).body.latestVersion, 1);
  assert.equal((await call('get', '/api/v1/feature-services/driver_model')).status, 200);
  assert.equal((await call('get', '/api/v1/entities/nobody')).status, 404);
  const version = await call('get', '/api/v1/feature-views/driver_hourly_stats/versions/1');
  assert.ok(version.body.snapshots.length >= 1);
  assert.equal((await call('get', '/api/v1/feature-views/driver_hourly_stats/versions/x')).status, 400);

  const online = { feature_service: 'driver_model', entities: { driver_id: [1001, 1010, 4242] } };
  const answer = await call('post', '/get-online-features', { body: online });
  assert.deepEqual(answer.body.results[1].statuses, ['PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND']);
  assert.equal((await call('post', '/get-online-features', { raw: '{"entities": {}}' })).status, 400);
  const transformed = await call('post', '/api/v1/feature-views/driver_hourly_stats/transform', {
    body: { rows: [{ driver_id: 1001, conv_rate: null, acc_rate: 0.5, avg_daily_trips: 3, car_type: 'suv' }] },
  });
  assert.equal(transformed.status, 200, JSON.stringify(transformed.body));
  const pushBundle = {
    sources: [{ name: 'driver_push', type: 'push', createdTimestampField: 'created' }],
    featureViews: [{ name: 'driver_pushed', entities: ['driver'], source: 'driver_push', features: [{ name: 'conv_rate', type: 'float64' }] }],
  };
  assert.equal((await call('post', '/api/v1/apply', { body: pushBundle })).status, 200);
  const df = { driver_id: [1001], event_timestamp: ['2026-11-29T10:00:00Z'], created: [null], conv_rate: [0.5] };
  assert.equal((await call('post', '/push', { body: { push_source_name: 'driver_push', df, to: 'online_and_offline' } })).status, 200);
  assert.equal((await call('post', '/push', { body: { push_source_name: 'nope', df } })).status, 422);
  assert.equal((await call('post', '/write-to-online-store', { body: { feature_view_name: 'driver_pushed', df } })).status, 200);
  assert.equal((await call('post', '/write-to-online-store', { body: { feature_view_name: 'driver_pushed', df: { driver_id: 1 } } })).status, 400);

  const entities = { driver_id: [1001, 1002], event_timestamp: ['2026-11-29T10:30:00Z', '2026-11-29T11:30:00Z'], label: [1, 0] };
  const historical = await call('post', '/get-historical-features', { body: { feature_service: 'driver_model', entities } });
  assert.deepEqual(historical.body.driver_id, [1001, 1002]);
  const csv = await call('post', '/get-historical-features', { body: { features: ['driver_hourly_stats:conv_rate'], entities }, accept: 'text/csv' });
  assert.match(csv.body, /^driver_id,event_timestamp,label,conv_rate\n/);
  const upload = await call('post', '/get-historical-features?features=driver_hourly_stats:conv_rate', { raw: 'driver_id,event_timestamp\n1001,2026-11-29T10:30:00Z\n', type: 'text/csv' });
  assert.deepEqual(upload.body.driver_id, [1001]);
  assert.equal((await call('post', '/get-historical-features?colour=red', { raw: 'driver_id,event_timestamp\n', type: 'text/csv' })).status, 400);

  assert.equal((await call('post', '/api/v1/training-datasets', { body: { name: 'openapi_set', feature_service: 'driver_model', entities } })).status, 201);
  assert.equal((await call('get', '/api/v1/training-datasets')).status, 200);
  assert.equal((await call('get', '/api/v1/training-datasets/openapi_set')).body.rows, 2);
  assert.deepEqual((await call('get', '/api/v1/training-datasets/openapi_set/data')).body.driver_id, [1001, 1002]);
  assert.equal((await call('post', '/api/v1/training-datasets/openapi_set/rebuild')).body.matches, true);
  assert.equal((await call('delete', '/api/v1/training-datasets/openapi_set')).status, 204);
  assert.equal((await call('get', '/api/v1/training-datasets/openapi_set')).status, 404);

  const log = { model: 'm1', predictions: [{ entity: { driver_id: 1001 }, features: { conv_rate: 0.5 }, prediction: 1, probability: 0.7 }] };
  assert.equal((await call('post', '/api/v1/prediction-logs', { body: log })).status, 201);
  const logged = await call('get', '/api/v1/prediction-logs?model=m1');
  assert.equal(logged.body.predictions.length, 1);
  const outcome = { model: 'm1', outcomes: [{ predictionId: logged.body.predictions[0].id, value: 1 }] };
  assert.equal((await call('post', '/api/v1/outcomes', { body: outcome })).status, 201);
  assert.equal((await call('get', '/api/v1/models/m1/performance?bucket=day')).body.overall.accuracy, 1);
  // driver_model does not log: there is nothing to compare, a 400 naming it.
  const skew = await call('post', '/api/v1/skew', { body: { featureService: 'driver_model' } });
  assert.equal(skew.status, 400, JSON.stringify(skew.body));
  assert.equal(skew.body.errors[0].path, 'featureService');
  // A service that logs but has served nothing yet compares no rows.
  const loggedService = { featureServices: [{ name: 'logged_model', features: ['driver_hourly_stats:conv_rate'], logging: { sampleRate: 1 } }] };
  assert.equal((await call('post', '/api/v1/apply', { body: loggedService })).status, 200);
  assert.equal((await call('post', '/api/v1/skew', { body: { featureService: 'logged_model' } })).body.rows, 0);
  const drift = await call('post', '/api/v1/drift', { body: { featureView: 'driver_hourly_stats', reference: { snapshots: [version.body.snapshots[0].id] }, detection: {} } });
  assert.equal(drift.status, 200, JSON.stringify(drift.body));
  // PSI at threshold 0 drifts every feature: the drift alert below fires on this monitor's result.
  const monitor = {
    name: 'openapi_drift',
    featureView: 'driver_hourly_stats',
    reference: { snapshots: [version.body.snapshots[0].id] },
    detection: {},
    schedule: '0 * * * *',
    method: 'psi',
    driftShare: 0,
  };
  assert.equal((await call('post', '/api/v1/apply', { body: { monitors: [monitor] } })).status, 200);
  assert.equal((await call('post', '/api/v1/monitors/openapi_drift/run')).status, 201);
  assert.equal((await call('get', '/api/v1/monitors/openapi_drift/results?limit=5')).body.results.length, 1);

  // Alerts (docs/alerts.md): a webhook and two rules; drift's provider reads the monitor's latest result.
  const alerting = {
    webhooks: [{ name: 'ops', url: 'http://127.0.0.1:9/hook', maxAttempts: 1 }],
    alerts: [
      { name: 'runs_failing', kind: 'run_failures' },
      { name: 'drifting', kind: 'drift', webhooks: ['ops'], retrain: true },
    ],
  };
  assert.equal((await call('post', '/api/v1/apply', { body: alerting })).status, 200);
  assert.deepEqual(
    (await call('get', '/api/v1/alert-rules')).body.alertRules.map((r: any) => r.name),
    ['drifting', 'runs_failing'],
  );
  assert.equal((await call('get', '/api/v1/alert-rules/drifting')).body.retrain, true);
  assert.equal((await call('get', '/api/v1/webhooks')).body.webhooks[0].url, 'http://127.0.0.1:9/hook');
  assert.equal((await call('get', '/api/v1/webhooks/ops')).body.maxAttempts, 1);
  const evaluation = await call('post', '/api/v1/alerts/evaluate');
  assert.deepEqual(
    evaluation.body.fired.map((a: any) => [a.rule, a.subject]),
    [['drifting', 'openapi_drift']],
  );
  assert.equal((await call('get', '/api/v1/alerts?status=open&rule=drifting')).body.alerts[0].subject, 'openapi_drift');
  assert.equal((await call('get', '/api/v1/alerts?status=closed')).status, 400);
  assert.equal((await call('delete', '/api/v1/webhooks/ops')).status, 409);
  assert.equal((await call('delete', '/api/v1/alert-rules/drifting')).status, 204);
  assert.equal((await call('delete', '/api/v1/webhooks/ops')).status, 204);

  // Feast's materialize bodies (docs/reference/feature-servers/python-feature-server.md), on the push view (its runs read nothing).
  const feastRun = await call('post', '/materialize', { body: { start_ts: '2026-11-28T00:00:00', end_ts: '2026-11-29T00:00:00', feature_views: ['driver_pushed'] } });
  assert.equal(feastRun.body.status, 'succeeded', JSON.stringify(feastRun.body));
  assert.equal((await call('post', '/materialize', { body: { feature_views: ['driver_pushed'] } })).status, 400);
  const incremental = await call('post', '/materialize-incremental?async=true', { body: { end_ts: '2026-11-29T06:00:00Z', feature_views: ['driver_pushed'] } });
  assert.equal(incremental.status, 202);
  await s.services.runs.get(incremental.body.runs[0].id);
  assert.equal((await call('post', '/api/v1/feature-views/driver_hourly_stats/refit')).status, 201);
  assert.equal((await call('delete', '/api/v1/feature-services/driver_model')).status, 204);
  assert.equal((await call('delete', '/api/v1/entities/driver')).status, 409);

  // Keys and the audit log last: the first key turns authentication on.
  const created = await call('post', '/api/v1/keys', { body: { name: 'openapi admin', roles: ['admin'] } });
  assert.equal(created.status, 201);
  const token = created.body.token as string;
  assert.equal((await call('get', '/api/v1/keys')).status, 401);
  assert.equal((await call('get', '/api/v1/keys', { token })).body.keys.length, 1);
  const reader = await call('post', '/api/v1/keys', { body: { name: 'reader', roles: ['reader'] }, token });
  assert.equal((await call('get', '/api/v1/keys', { token: reader.body.token })).status, 403);
  assert.equal((await call('delete', `/api/v1/keys/${reader.body.key.id}`, { token })).status, 204);
  assert.equal((await call('delete', '/api/v1/keys/000000000000', { token })).status, 404);
  assert.ok((await call('get', '/api/v1/audit?limit=5', { token })).body.entries.length > 0);
  assert.equal((await call('get', '/api/v1/audit?limit=0', { token })).status, 400);

  // Every operation was exercised at least once (problem answers aside).
  const ok = new Set([...seen].filter((k) => /\s[23]\d\d$/.test(k)).map((k) => k.replace(/\s\d+$/, '')));
  const missing = API_ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`).filter((r) => !ok.has(r));
  assert.deepEqual(
    missing.filter((r) => !/^(delete \/api\/v1\/(entities|sources|feature-views)\/\{name\})$/.test(r)),
    [],
  );
});

test("the online request's schema (documented) and its hand-written parser (the hot path) agree", async () => {
  const { parseOnlineRequest } = await import('../../server/serving/online-request.js');
  const values = [
    undefined,
    null,
    1,
    'x',
    true,
    [],
    ['a'],
    [1],
    {},
    { driver_id: [] },
    { driver_id: [], b: [] },
    { driver_id: [], b: [1] },
    { driver_id: [1] },
    { driver_id: [1], b: [2] },
    { driver_id: [1], b: [2, 3] },
    { driver_id: 1 },
  ];
  let cases = 0;
  for (const features of values)
    for (const service of [undefined, 'svc', 3])
      for (const entities of values)
        for (const full of [undefined, true, 'yes']) {
          const body: Record<string, unknown> = {};
          if (features !== undefined) body.features = features;
          if (service !== undefined) body.feature_service = service;
          if (entities !== undefined) body.entities = entities;
          if (full !== undefined) body.full_feature_names = full;
          const bySchema = onlineRequestSchema.safeParse(body).success;
          let byHand = true;
          try {
            parseOnlineRequest(body, 1000);
          } catch {
            byHand = false;
          }
          assert.equal(byHand, bySchema, JSON.stringify(body));
          cases++;
        }
  for (const extra of [{ other: 1 }, { features: ['v:a'], entities: { k: [1] }, unknown: true }]) {
    assert.equal(onlineRequestSchema.safeParse(extra).success, false);
    assert.throws(() => parseOnlineRequest(extra, 1000));
  }
  assert.ok(cases > 1000);
});
