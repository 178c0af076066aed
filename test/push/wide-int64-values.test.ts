import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { openFeatureStore } from '../../server/sdk/embedded.js';
import { connect } from '../../server/sdk/remote.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { PUSH_STORES, forgetStorePrefixes } from './push-stores.js';
import { ABOVE, MAX, MIN, postText } from '../support/wide-int64.js';

// int64 feature values beyond 2^53 through /push and /write-to-online-store, read back exactly over
// HTTP and through the in-process and HTTP SDKs (as BigInts there). The values: test/support/wide-int64.ts.

const bundle: BundleInput = {
  entities: [{ name: 'account', joinKeys: ['account_id'], valueType: 'int64' }],
  sources: [{ name: 'balances', type: 'push' }],
  featureViews: [
    {
      name: 'bal',
      entities: ['account'],
      source: 'balances',
      features: [
        { name: 'balance', type: 'int64' },
        { name: 'rate', type: 'float64' },
      ],
    },
  ],
};

after(forgetStorePrefixes);

for (const store of PUSH_STORES) {
  test(`${store.name}: int64 values beyond 2^53 pushed online are answered exactly (HTTP, in-process and HTTP SDK)`, { skip: store.skip }, async () => {
    const overrides = store.overrides();
    const s = await pipelineServer({}, bundle, overrides);
    try {
      const ts = '"2026-11-29T10:00:00Z"';
      // A JSON integer, decimal text, and a value within 2^53 in the same column.
      let res = await postText(
        `${s.url}/push`,
        `{"push_source_name":"balances","df":{"account_id":[1,2,3],"event_timestamp":[${ts},${ts},${ts}],"balance":[${MAX},"${MIN}",42],"rate":[0.5,1.5,2.5]}}`,
      );
      assert.equal(res.status, 200, res.text);
      res = await postText(`${s.url}/write-to-online-store`, `{"feature_view_name":"bal","df":{"account_id":[${ABOVE}],"event_timestamp":[${ts}],"balance":[${ABOVE}],"rate":[null]}}`);
      assert.equal(res.status, 200, res.text);
      // Beyond int64 is refused, naming the cell.
      res = await postText(`${s.url}/push`, `{"push_source_name":"balances","df":{"account_id":[5],"event_timestamp":[${ts}],"balance":[9223372036854775808],"rate":[1]}}`);
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, /df\.balance\[0\]/);

      res = await postText(`${s.url}/get-online-features`, `{"features":["bal:balance","bal:rate"],"entities":{"account_id":[1,2,3,${ABOVE},5]}}`);
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, new RegExp(`"values":\\[${MAX},${MIN},42,${ABOVE},null\\]`), res.text);
      // The one-row fast path.
      res = await postText(`${s.url}/get-online-features`, `{"features":["bal:balance"],"entities":{"account_id":[${ABOVE}]}}`);
      assert.match(res.text, new RegExp(`"values":\\[${ABOVE}\\]`), res.text);

      const sdk = await openFeatureStore({ dataDir: s.dataDir, clock: s.services.clock, onlineUrl: (overrides as { onlineUrl?: string }).onlineUrl });
      try {
        const answer = await sdk.getOnlineFeatures({ features: ['bal:balance'], entities: { account_id: [1, 2, 3, 9007199254740993n] } });
        // BigInt beyond 2^53, number within it.
        assert.deepEqual(answer.results[1].values, [BigInt(MAX), BigInt(MIN), 42, BigInt(ABOVE)]);
      } finally {
        await sdk.close();
      }
      // The HTTP SDK: a BigInt key sent exactly, the answer's wide integers back as BigInts, floats as numbers.
      const remote = connect(s.url);
      try {
        const answer = await remote.getOnlineFeatures({ features: ['bal:balance', 'bal:rate'], entities: { account_id: [1, 2, 3, 9007199254740993n] } });
        assert.deepEqual(answer.results[0].values, [1, 2, 3, BigInt(ABOVE)]);
        assert.deepEqual(answer.results[1].values, [BigInt(MAX), BigInt(MIN), 42, BigInt(ABOVE)]);
        assert.deepEqual(answer.results[2].values, [0.5, 1.5, 2.5, null]);
      } finally {
        await remote.close();
      }
    } finally {
      await s.close();
    }
  });
}

test('an integer beyond the float64 range as a float64 value is a 400 naming the cell, not a null stored', async () => {
  const s = await pipelineServer({}, bundle);
  try {
    const ts = '"2026-11-29T10:00:00Z"';
    // 400 digits: the int64-aware reader kept it exact (a BigInt), and Number() of it is Infinity,
    // which the push answered 200 for and stored as null. 1e400 written as a float was already a 400.
    const huge = '1'.repeat(400);
    for (const [route, head] of [
      ['/push', '"push_source_name":"balances"'],
      ['/write-to-online-store', '"feature_view_name":"bal"'],
    ]) {
      for (const value of [huge, `-${huge}`]) {
        const res = await postText(`${s.url}${route}`, `{${head},"df":{"account_id":[7],"event_timestamp":[${ts}],"balance":[1],"rate":[${value}]}}`);
        assert.equal(res.status, 400, res.text);
        const body = JSON.parse(res.text);
        assert.deepEqual(
          body.errors.map((e: { path: string }) => e.path),
          ['df.rate[0]'],
        );
        assert.equal(body.errors[0].message, `${value.slice(0, 77)}... is not a float64`);
      }
    }
    // 2^64 is within the float64 range: stored, rounded as any float.
    const ok = await postText(`${s.url}/push`, `{"push_source_name":"balances","df":{"account_id":[8],"event_timestamp":[${ts}],"balance":[1],"rate":[18446744073709551616]}}`);
    assert.equal(ok.status, 200, ok.text);
    const read = await postText(`${s.url}/get-online-features`, '{"features":["bal:rate"],"entities":{"account_id":[7,8]}}');
    assert.match(read.text, /"values":\[null,18446744073709552000(\.0)?\]/, read.text);
    assert.match(read.text, /"statuses":\["NOT_FOUND","PRESENT"\]/, read.text);
  } finally {
    await s.close();
  }
});
