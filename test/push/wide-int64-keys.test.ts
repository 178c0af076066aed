import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { PUSH_STORES, forgetStorePrefixes } from './push-stores.js';
import { ABOVE, AT, MAX, postText } from '../support/wide-int64.js';

// int64 join keys beyond 2^53 (Feast keeps them exact: its protobuf Value carries int64_val). The values:
// test/support/wide-int64.ts (ABOVE and AT are the two entities a rounding store would mix up).

const bundle: BundleInput = {
  entities: [
    { name: 'account', joinKeys: ['account_id'], valueType: 'int64' },
    { name: 'city', joinKeys: ['city'], valueType: 'string' },
  ],
  sources: [
    { name: 'scores', type: 'push' },
    { name: 'visits', type: 'push' },
  ],
  featureViews: [
    { name: 'score', entities: ['account'], source: 'scores', features: [{ name: 'score', type: 'float64' }] },
    { name: 'visit', entities: ['account', 'city'], source: 'visits', features: [{ name: 'n', type: 'int64' }] },
  ],
};

after(forgetStorePrefixes);

for (const store of PUSH_STORES) {
  test(`${store.name}: int64 keys up to 2^63-1 are exact through /push, /write-to-online-store and /get-online-features`, { skip: store.skip }, async () => {
    const s = await pipelineServer({}, bundle, store.overrides());
    try {
      const ts = '"2026-11-29T10:00:00Z"';
      let res = await postText(`${s.url}/push`, `{"push_source_name":"scores","df":{"account_id":[${MAX},${ABOVE},${AT}],"event_timestamp":[${ts},${ts},${ts}],"score":[1.5,2.5,3.5]}}`);
      assert.equal(res.status, 200, res.text);
      // Keys as decimal text are int64 too (what a client that cannot write such numbers sends).
      res = await postText(
        `${s.url}/write-to-online-store`,
        `{"feature_view_name":"visit","df":{"account_id":["${MAX}",${ABOVE}],"city":["Paris","Paris"],"event_timestamp":[${ts},${ts}],"n":[7,8]}}`,
      );
      assert.equal(res.status, 200, res.text);

      // The three keys read back their own rows; 2^53 + 2 was never written.
      res = await postText(`${s.url}/get-online-features`, `{"features":["score:score"],"entities":{"account_id":[${AT},${MAX},9007199254740994,${ABOVE}]}}`);
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, new RegExp(`"values":\\[${AT},${MAX},9007199254740994,${ABOVE}\\]`), 'the keys are echoed as exact integers');
      assert.match(res.text, /"values":\[3\.5,1\.5,null,2\.5\]/);
      assert.match(res.text, /"statuses":\["PRESENT","PRESENT","NOT_FOUND","PRESENT"\]/);

      // The one-row fast path, and a composite key (account, city).
      res = await postText(`${s.url}/get-online-features`, `{"features":["score:score"],"entities":{"account_id":[${ABOVE}]}}`);
      assert.match(res.text, /"values":\[2\.5\]/);
      res = await postText(`${s.url}/get-online-features`, `{"features":["visit:n"],"entities":{"account_id":[${MAX},${ABOVE},${AT}],"city":["Paris","Paris","Paris"]}}`);
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /"values":\[7,8,null\]/);
    } finally {
      await s.close();
    }
  });

  test(`${store.name}: a key beyond int64 is a 400 naming the field and writes nothing`, { skip: store.skip }, async () => {
    const s = await pipelineServer({}, bundle, store.overrides());
    try {
      let res = await postText(`${s.url}/get-online-features`, '{"features":["score:score"],"entities":{"account_id":[9223372036854775808]}}');
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, /entities\.account_id\[0\]/);
      res = await postText(
        `${s.url}/push`,
        '{"push_source_name":"scores","df":{"account_id":[1,9223372036854775808],"event_timestamp":["2026-11-29T10:00:00Z","2026-11-29T10:00:00Z"],"score":[1,2]}}',
      );
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, /df\.account_id\[1\]/);
      // Nothing of the refused push reached the online store (row 1 of it).
      res = await postText(`${s.url}/get-online-features`, `{"features":["score:score"],"entities":{"account_id":[1]}}`);
      assert.match(res.text, /"statuses":\["NOT_FOUND"\]/);
    } finally {
      await s.close();
    }
  });
}
