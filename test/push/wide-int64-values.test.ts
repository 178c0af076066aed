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
