import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { getJson, postJson, testServer } from '../support/services.js';

type Feature = NonNullable<BundleInput['featureViews']>[number]['features'][number];

function bundle(features: Feature[], validation?: Record<string, unknown>): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'stats', type: 'csv', path: 'data/*.csv', timestampField: 'ts' }],
    featureViews: [{ name: 'checked', entities: ['driver'], source: 'stats', features, ...(validation ? { validation } : {}) }],
  };
}

let s: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  s = await testServer();
});
after(() => s.close());

const cases: { title: string; bundle: BundleInput; path: string; message: RegExp }[] = [
  {
    title: 'min above max',
    bundle: bundle([{ name: 'rate', type: 'float64', expect: { min: 5, max: 1 } }]),
    path: 'featureViews[0].features[0].expect.min',
    message: /min \(5\) is greater than max \(1\)/,
  },
  {
    title: 'an invalid regex',
    bundle: bundle([{ name: 'kind', type: 'string', expect: { regex: '([a-' } }]),
    path: 'featureViews[0].features[0].expect.regex',
    message: /not a valid regular expression/,
  },
  {
    title: 'allowed values of another type',
    bundle: bundle([{ name: 'trips', type: 'int64', expect: { allowedValues: [1, 'two', 2.5] } }]),
    path: 'featureViews[0].features[0].expect.allowedValues[1]',
    message: /"two" is not a int64 value/,
  },
  {
    title: 'a range on a string feature',
    bundle: bundle([{ name: 'kind', type: 'string', expect: { max: 3 } }]),
    path: 'featureViews[0].features[0].expect.max',
    message: /applies to int64 and float64/,
  },
  {
    title: 'a regex on a numeric feature',
    bundle: bundle([{ name: 'rate', type: 'float64', expect: { regex: '^1' } }]),
    path: 'featureViews[0].features[0].expect.regex',
    message: /applies to string features/,
  },
  {
    title: 'row count bounds out of order',
    bundle: bundle([{ name: 'rate', type: 'float64' }], { rowCount: { min: 10, max: 2 } }),
    path: 'featureViews[0].validation.rowCount.min',
    message: /min \(10\) is greater than max \(2\)/,
  },
  {
    title: 'a null fraction above 1',
    bundle: bundle([{ name: 'rate', type: 'float64', expect: { maxNullFraction: 1.5 } }]),
    path: 'featureViews[0].features[0].expect.maxNullFraction',
    message: /.+/,
  },
  { title: 'an unknown policy', bundle: bundle([{ name: 'rate', type: 'float64' }], { policy: 'always' }), path: 'featureViews[0].validation.policy', message: /.+/ },
  { title: 'more than 100 failing rows', bundle: bundle([{ name: 'rate', type: 'float64' }], { failingRows: 101 }), path: 'featureViews[0].validation.failingRows', message: /.+/ },
  { title: 'an unknown expectation', bundle: bundle([{ name: 'rate', type: 'float64', expect: { unique: true } as never }]), path: 'featureViews[0].features[0].expect', message: /.+/ },
  {
    title: 'a staleAfter that is not a duration',
    bundle: { ...bundle([{ name: 'rate', type: 'float64' }]), featureViews: [{ ...bundle([{ name: 'rate', type: 'float64' }]).featureViews![0], freshness: { staleAfter: 'soon' } }] },
    path: 'featureViews[0].freshness.staleAfter',
    message: /not a duration/,
  },
];

for (const c of cases) {
  test(`apply refuses ${c.title}: 400 naming the field, nothing stored`, async () => {
    const res = await postJson(`${s.url}/api/v1/apply`, c.bundle);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.type, /application\/problem\+json/);
    const error = res.body.errors.find((e: { path: string }) => e.path === c.path);
    assert.ok(error, `no error at ${c.path}: ${JSON.stringify(res.body.errors)}`);
    assert.match(error.message, c.message);
    assert.equal((await getJson(`${s.url}/api/v1/feature-views/checked`)).status, 404);
    assert.equal((await getJson(`${s.url}/api/v1/entities/driver`)).status, 404);
  });
}
