import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { duckRows } from '../support/duckdb.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { ABOVE, AT, MAX, postText } from '../support/wide-int64.js';

// int64 keys and values beyond 2^53 from a source, exact end to end (Feast keeps int64 exact). The values:
// test/support/wide-int64.ts (ABOVE and AT are the two rows a rounding reader would merge).

// Two files, read as separate batches: one all within 2^53, one with wide values, so a run mixes both.
const SMALL = `account_id,ts,balance,plain
1,2026-11-01T00:00:00Z,10,1
2,2026-11-01T00:00:00Z,20,2
`;
const WIDE = `account_id,ts,balance,plain
${ABOVE},2026-11-02T00:00:00Z,${MAX},3
${AT},2026-11-02T00:00:00Z,${ABOVE},4
${MAX},2026-11-02T00:00:00Z,-${MAX},5
1,2026-11-03T00:00:00Z,${AT},6
`;

const bundle: BundleInput = {
  entities: [{ name: 'account', joinKeys: ['account_id'], valueType: 'int64' }],
  sources: [{ name: 'balances', type: 'csv', path: 'data/*.csv', timestampField: 'ts' }],
  featureViews: [
    {
      name: 'bal',
      entities: ['account'],
      source: 'balances',
      features: [
        { name: 'balance', type: 'int64' },
        { name: 'plain', type: 'int64' },
      ],
    },
  ],
};

test('int64 keys and values beyond 2^53 go source -> Parquet -> online keys and values exactly', async () => {
  const s = await pipelineServer({ 'data/a.csv': SMALL, 'data/b.csv': WIDE }, bundle);
  try {
    const run = await s.materialize('bal');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsRejected, 0);
    assert.equal(run.rowsOut, 6);
    const rows = await duckRows(
      `SELECT CAST(account_id AS VARCHAR) AS k, CAST(balance AS VARCHAR) AS b, plain, typeof(account_id) AS kt, typeof(balance) AS bt
       FROM read_parquet('${s.dataDir}/offline/bal/v1/*/*.parquet') ORDER BY event_timestamp, account_id`,
    );
    assert.deepEqual(
      rows.map((r) => [r.k, r.b, Number(r.plain), r.kt, r.bt]),
      [
        ['1', '10', 1, 'BIGINT', 'BIGINT'],
        ['2', '20', 2, 'BIGINT', 'BIGINT'],
        [AT, ABOVE, 4, 'BIGINT', 'BIGINT'],
        [ABOVE, MAX, 3, 'BIGINT', 'BIGINT'],
        [MAX, `-${MAX}`, 5, 'BIGINT', 'BIGINT'],
        ['1', AT, 6, 'BIGINT', 'BIGINT'],
      ],
    );

    const res = await postText(`${s.url}/get-online-features`, `{"features":["bal:balance","bal:plain"],"entities":{"account_id":[${AT},${ABOVE},${MAX},1,2]}}`);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /"values":\[4,3,5,6,2\]/, res.text);
    // The latest balance per key, exact: ts 11-02 rows for AT, ABOVE, MAX; key 1's ts 11-03 row; key 2's only row.
    assert.match(res.text, new RegExp(`"values":\\[${ABOVE},${MAX},-${MAX},${AT},20\\]`), res.text);
  } finally {
    await s.close();
  }
});
