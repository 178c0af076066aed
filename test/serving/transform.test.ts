import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { duckRows } from '../support/duckdb.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

// Every transform kind, fitted on the first run.
const FIRST = `id,ts,x,n,c,flag,y
1,2026-11-01T00:00:00Z,1.5,3,red,true,10
2,2026-11-01T00:00:00Z,,7,blue,,
3,2026-11-01T00:00:00Z,4,,red,false,30
1,2026-11-02T00:00:00Z,2.5,3,green,true,
2,2026-11-02T00:00:00Z,-0.5,9,,false,50
`;
// Raw rows of a second run: nulls, unseen categories, ffill from the first run's last values.
const NEXT = [
  { id: 1, ts: '2026-11-03T00:00:00Z', x: null, n: 5, c: 'purple', flag: null, y: null },
  { id: 2, ts: '2026-11-03T00:00:00Z', x: 8, n: null, c: 'blue', flag: true, y: null },
  { id: 3, ts: '2026-11-03T00:00:00Z', x: '0.25', n: '11', c: null, flag: 'false', y: 70 },
  { id: 4, ts: '2026-11-03T00:00:00Z', x: 100, n: 1, c: 'red', flag: true, y: null },
];

const features = [
  { name: 'x_mean', from: 'x', type: 'float64', transforms: [{ impute: { strategy: 'mean' } }] },
  { name: 'x_std', from: 'x', type: 'float64', transforms: [{ impute: { strategy: 'median' } }, { scale: { method: 'standard' } }] },
  { name: 'n_minmax', from: 'n', type: 'int64', transforms: [{ impute: { strategy: 'mode' } }, { scale: { method: 'minmax' } }] },
  { name: 'x_robust', from: 'x', type: 'float64', transforms: [{ impute: { strategy: 'constant', value: 7 } }, { scale: { method: 'robust' } }] },
  { name: 'x_maxabs', from: 'x', type: 'float64', transforms: [{ scale: { method: 'maxabs' } }] },
  { name: 'n_log', from: 'n', type: 'int64', transforms: [{ impute: { strategy: 'constant', value: 0 } }, { scale: { method: 'log1p' } }] },
  { name: 'c_onehot', from: 'c', type: 'string', transforms: [{ encode: { method: 'onehot', maxCategories: 2, unknown: 'other' } }] },
  { name: 'c_ordinal', from: 'c', type: 'string', transforms: [{ encode: { method: 'ordinal' } }] },
  { name: 'c_hash', from: 'c', type: 'string', transforms: [{ encode: { method: 'hash', buckets: 8 } }] },
  { name: 'c_freq', from: 'c', type: 'string', transforms: [{ impute: { strategy: 'constant', value: 'none' } }, { encode: { method: 'frequency' } }] },
  { name: 'flag', type: 'bool', transforms: [{ impute: { strategy: 'mode' } }] },
  { name: 'y_ffill', from: 'y', type: 'float64', transforms: [{ impute: { strategy: 'ffill', fallback: 'median' } }] },
] as const;

const bundle: BundleInput = {
  entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
  sources: [{ name: 'raw', type: 'csv', path: 'raw.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'kinds', entities: ['thing'], source: 'raw', features: structuredClone(features) as never }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'raw.csv': FIRST }, bundle);
  const run = await s.materialize('kinds');
  assert.equal(run.status, 'succeeded', run.error);
});
after(() => s.close());

test('/transform returns exactly what the next pipeline run writes for the same raw values, for every transform kind', async () => {
  const answer = await postJson(`${s.url}/api/v1/feature-views/kinds/transform`, { rows: NEXT });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.version, 1);
  const csv = `${NEXT.map((r) => [r.id, r.ts, r.x, r.n, r.c, r.flag, r.y].map((v) => (v === null ? '' : String(v))).join(',')).join('\n')}\n`;
  fs.appendFileSync(s.file('raw.csv'), csv);
  const run = await s.materialize('kinds', { start: '2026-11-02T12:00:00Z', end: '2026-11-04T00:00:00Z' });
  assert.equal(run.status, 'succeeded', run.error);
  assert.equal(run.rowsOut, 4);
  const written = await duckRows(`SELECT * EXCLUDE (id, event_timestamp) FROM read_parquet('${s.dataDir}/offline/kinds/v1/run=${run.id}/*.parquet', hive_partitioning = false) ORDER BY id`);
  assert.deepEqual(answer.body.columns, Object.keys(written[0]));
  written.forEach((row, i) => {
    for (const [name, value] of Object.entries(row)) {
      const expected = typeof value === 'bigint' ? Number(value) : value;
      assert.deepEqual(answer.body.rows[i][name], expected, `row ${i} ${name}`);
    }
  });
  // Spot checks by hand: ffill carries each entity's last value of the first run (id 1: 10 on
  // 2026-11-01; id 2: 50), and an entity never seen falls back to the fitted median of [10, 30, 50].
  assert.deepEqual(
    answer.body.rows.map((r: Record<string, unknown>) => r.y_ffill),
    [10, 50, 70, 30],
  );
  // Unseen 'purple' and the null of row 3 land in neither one-hot column; 'purple' lights `other`.
  assert.deepEqual(
    answer.body.rows.map((r: Record<string, unknown>) => [r.c_onehot__red, r.c_onehot__blue, r.c_onehot__other]),
    [
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 0],
      [1, 0, 0],
    ],
  );
  assert.deepEqual(
    answer.body.rows.map((r: Record<string, unknown>) => r.c_ordinal),
    [-1, 1, null, 0],
  );
  // The numeric steps, by hand from FIRST's fit rows and docs/transforms.md (population std, numpy's
  // linear quantiles, frequency = count / non-null fit rows). NEXT's x is [null, 8, 0.25, 100], n [5, null, 11, 1].
  // x_std: x imputed with the median of [-0.5, 1.5, 2.5, 4] = 2 -> [1.5, 2, 4, 2.5, -0.5]: mean 1.9, variance 10.7 / 5.
  const sd = Math.sqrt(10.7 / 5);
  const byHand: Record<string, (number | null)[]> = {
    // mean of [1.5, 4, 2.5, -0.5] = 1.875
    x_mean: [1.875, 8, 0.25, 100],
    x_std: [(2 - 1.9) / sd, (8 - 1.9) / sd, (0.25 - 1.9) / sd, (100 - 1.9) / sd],
    // n imputed with the mode of [3, 7, 3, 9] = 3: min 3, max 9.
    n_minmax: [(5 - 3) / 6, 0, (11 - 3) / 6, (1 - 3) / 6],
    // x imputed with 7 -> sorted [-0.5, 1.5, 2.5, 4, 7]: median 2.5, q25 1.5, q75 4, IQR 2.5.
    x_robust: [(7 - 2.5) / 2.5, (8 - 2.5) / 2.5, (0.25 - 2.5) / 2.5, (100 - 2.5) / 2.5],
    // max |x| of the fit rows = 4; null stays null.
    x_maxabs: [null, 2, 0.0625, 25],
    n_log: [Math.log1p(5), 0, Math.log1p(11), Math.log1p(1)],
    // c imputed with 'none' -> [red, blue, red, green, none]: red 2/5, the others 1/5; 'purple' unseen: 0.
    c_freq: [0, 0.2, 0.2, 0.4],
  };
  for (const [name, values] of Object.entries(byHand)) {
    answer.body.rows.forEach((r: Record<string, number | null>, i: number) => {
      const want = values[i];
      if (want === null) assert.equal(r[name], null, `row ${i} ${name}`);
      else assert.ok(typeof r[name] === 'number' && Math.abs(r[name] - want) <= 1e-12 * Math.max(1, Math.abs(want)), `row ${i} ${name}: ${r[name]}, by hand ${want}`);
    });
  }
  // flag's fit rows hold two true and two false: the mode tie goes to the smaller value, false.
  assert.deepEqual(
    answer.body.rows.map((r: Record<string, unknown>) => r.flag),
    [false, true, false, true],
  );
});

test('/transform of the fit rows equals the first run, column by column (except ffill, which depends on run order)', async () => {
  const raw = FIRST.trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [id, ts, x, n, c, flag, y] = line.split(',');
      return { id: Number(id), ts, x, n, c, flag, y };
    });
  const answer = await postJson(`${s.url}/api/v1/feature-views/kinds/transform`, { rows: raw, version: 1 });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const written = await duckRows(
    `SELECT * EXCLUDE (id, event_timestamp) FROM read_parquet('${s.dataDir}/offline/kinds/v1/*/*.parquet', hive_partitioning = false)
     WHERE event_timestamp < TIMESTAMPTZ '2026-11-03 00:00:00+00' ORDER BY event_timestamp, id`,
  );
  const order = raw.map((r, i) => [r.ts, r.id, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  order.forEach(([, , i], k) => {
    for (const [name, value] of Object.entries(written[k])) {
      if (name === 'y_ffill') continue;
      assert.deepEqual(answer.body.rows[i][name], typeof value === 'bigint' ? Number(value) : value, `row ${i} ${name}`);
    }
  });
});

test('/transform bad input: 4xx naming the field', async () => {
  const cases: [string, unknown, number, string][] = [
    ['kinds', { rows: [{ id: 1, x: 'abc' }] }, 400, 'rows[0].x'],
    ['kinds', { rows: [{ id: 1, n: 1.5 }] }, 400, 'rows[0].n'],
    ['kinds', { rows: [{ x: 1 }] }, 400, 'rows[0].id'],
    ['kinds', { rows: [{ id: 1.5 }] }, 400, 'rows[0].id'],
    ['kinds', { rows: [{ id: {} }] }, 400, 'rows[0].id'],
    ['kinds', { rows: [{ id: '9223372036854775808' }] }, 400, 'rows[0].id'],
    ['kinds', { rows: [] }, 400, 'rows'],
    ['kinds', { rows: 'x' }, 400, 'rows'],
    ['kinds', { rows: [{ id: 1 }], version: 9 }, 404, 'version'],
    ['nope', { rows: [{ id: 1 }] }, 404, 'name'],
  ];
  for (const [view, body, status, path] of cases) {
    const res = await postJson(`${s.url}/api/v1/feature-views/${view}/transform`, body);
    assert.equal(res.status, status, JSON.stringify(res.body));
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === path),
      `${JSON.stringify(body)}: ${JSON.stringify(res.body.errors)}`,
    );
  }
  const bad = await postJson(`${s.url}/api/v1/feature-views/kinds/transform`, { rows: [{ id: 1.5 }] });
  assert.deepEqual(bad.body.errors, [{ path: 'rows[0].id', message: 'expected a 64-bit integer (a JSON integer, or its digits as a string), got 1.5' }]);
  // An int64 key beyond 2^53, as a JSON number or as text, is a key like any other: an unseen one
  // gets the same answer as another unseen key.
  const raw = (id: string) =>
    fetch(`${s.url}/api/v1/feature-views/kinds/transform`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"rows":[{"id":${id},"x":2.5,"n":3,"c":"a"}]}` }).then(
      async (r) => ({ status: r.status, body: await r.json() }),
    );
  const unseen = await raw('424242');
  assert.equal(unseen.status, 200, JSON.stringify(unseen.body));
  for (const wide of ['9007199254740993', '"9007199254740993"', '-9223372036854775808']) assert.deepEqual(await raw(wide), unseen, wide);
  // Ids 2, 1, 2: rows of one entity are grouped for ffill, and the error still names the row as sent.
  const log = await postJson(`${s.url}/api/v1/feature-views/kinds/transform`, {
    rows: [
      { id: 2, n: 1 },
      { id: 1, n: 2 },
      { id: 2, n: -5 },
    ],
  });
  assert.equal(log.status, 422, 'log1p of -5 is a transform error');
  assert.match(log.body.detail, /n_log/);
  assert.deepEqual(log.body.errors, [{ path: 'rows[2].n', message: 'log1p needs values greater than -1, but found -5' }]);
});
