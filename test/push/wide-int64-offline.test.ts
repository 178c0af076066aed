import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { compactor } from '../../server/services.js';
import { getHistoricalFeatures, getHistoricalFeaturesRemote } from '../../server/sdk/historical.js';
import { duckRows } from '../support/duckdb.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { ABOVE, AT, MAX, keyAndThird, postText } from '../support/wide-int64.js';

// int64 keys and values beyond 2^53 pushed offline: exact in the snapshot's Parquet (BIGINT), after
// compaction merges the snapshots, and in point-in-time answers (CSV and JSON). The values:
// test/support/wide-int64.ts (ABOVE and AT are the two keys a rounding store would merge).

const bundle: BundleInput = {
  entities: [{ name: 'account', joinKeys: ['account_id'], valueType: 'int64' }],
  sources: [{ name: 'balances', type: 'push' }],
  featureViews: [{ name: 'bal', entities: ['account'], source: 'balances', ttl: '30d', features: [{ name: 'balance', type: 'int64' }] }],
};

test('int64 keys and values beyond 2^53 pushed offline stay exact: snapshot, compaction, historical answers', async () => {
  const s = await pipelineServer({}, bundle, { compactionIntervalMs: 0, compactionMinSnapshots: 2, compactionRetainMs: 0 });
  try {
    const push = async (df: string) => {
      const res = await postText(`${s.url}/push`, `{"push_source_name":"bal","to":"online_and_offline","df":${df}}`.replace('"bal"', '"balances"'));
      assert.equal(res.status, 200, res.text);
    };
    // Three snapshots: one all within 2^53, one with wide keys and values (JSON integers and text), one
    // correcting a wide key's value later on.
    await push('{"account_id":[1,2],"event_timestamp":["2026-11-01T00:00:00Z","2026-11-01T00:00:00Z"],"balance":[10,20]}');
    await push(`{"account_id":[${ABOVE},"${AT}",1],"event_timestamp":["2026-11-02T00:00:00Z","2026-11-02T00:00:00Z","2026-11-02T00:00:00Z"],"balance":[${MAX},"${ABOVE}",${AT}]}`);
    await push(`{"account_id":[${ABOVE}],"event_timestamp":["2026-11-03T00:00:00Z"],"balance":[-${MAX}]}`);

    // By hand: every pushed row, ordered by event time then key.
    const expected = [
      ['1', '10', 'BIGINT', 'BIGINT'],
      ['2', '20', 'BIGINT', 'BIGINT'],
      ['1', AT, 'BIGINT', 'BIGINT'],
      [AT, ABOVE, 'BIGINT', 'BIGINT'],
      [ABOVE, MAX, 'BIGINT', 'BIGINT'],
      [ABOVE, `-${MAX}`, 'BIGINT', 'BIGINT'],
    ];
    const stored = async () =>
      (
        await duckRows(
          `SELECT CAST(account_id AS VARCHAR) AS k, CAST(balance AS VARCHAR) AS b, typeof(account_id) AS kt, typeof(balance) AS bt
           FROM read_parquet('${s.dataDir}/offline/bal/v1/*/*.parquet') ORDER BY event_timestamp, account_id`,
        )
      ).map((r) => [r.k, r.b, r.kt, r.bt]);
    assert.deepEqual(await stored(), expected);

    // Point in time, by hand: ABOVE on 11-02 12:00 sees MAX (its 11-03 row is later), on 11-04 -MAX;
    // AT sees ABOVE (never rounded into ABOVE's rows); 1 on 11-01 12:00 sees 10; MAX has no row.
    const csv = `account_id,event_timestamp
${ABOVE},2026-11-02T12:00:00Z
${ABOVE},2026-11-04T00:00:00Z
${AT},2026-11-04T00:00:00Z
1,2026-11-01T12:00:00Z
1,2026-11-04T00:00:00Z
${MAX},2026-11-04T00:00:00Z
`;
    const answered = [
      [ABOVE, MAX],
      [ABOVE, `-${MAX}`],
      [AT, ABOVE],
      ['1', '10'],
      ['1', AT],
      [MAX, ''],
    ];
    const historical = async (accept: string) => {
      const res = await postText(`${s.url}/get-historical-features?features=bal:balance`, csv, 'text/csv', accept);
      assert.equal(res.status, 200, res.text);
      return res.text;
    };
    const check = async () => {
      const csvAnswer = await historical('text/csv');
      assert.equal(csvAnswer.split('\n')[0], 'account_id,event_timestamp,balance');
      assert.deepEqual(keyAndThird(csvAnswer), answered);
      const json = await historical('application/json');
      assert.match(json, new RegExp(`\\[${ABOVE},${ABOVE},${AT},1,1,${MAX}\\]`), json);
      assert.match(json, new RegExp(`\\[${MAX},-${MAX},${ABOVE},10,${AT},null\\]`), json);
    };
    await check();
    // The SDKs, in process and over HTTP, with BigInt keys in JSON-like columns: Arrow answers, exact.
    const request = {
      features: ['bal:balance'],
      entities: { account_id: [BigInt(ABOVE), BigInt(AT), 1], event_timestamp: ['2026-11-04T00:00:00Z', '2026-11-04T00:00:00Z', '2026-11-04T00:00:00Z'] },
    };
    for (const table of [await getHistoricalFeatures(s.services.historical, request), await getHistoricalFeaturesRemote(s.url, request)]) {
      assert.deepEqual(
        table.toArray().map((r) => [r.account_id, r.balance]),
        [
          [BigInt(ABOVE), -BigInt(MAX)],
          [BigInt(AT), BigInt(ABOVE)],
          [1n, BigInt(AT)],
        ],
      );
    }
    // A JSON key beyond int64 is a 400 naming it, not a wrapped-around key.
    const beyond = await postText(
      `${s.url}/get-historical-features`,
      '{"features":["bal:balance"],"entities":{"account_id":[1,9223372036854775808],"event_timestamp":["2026-11-04T00:00:00Z","2026-11-04T00:00:00Z"]}}',
    );
    assert.equal(beyond.status, 400, beyond.text);
    assert.match(beyond.text, /entities\.account_id\[1\]/);

    // Compaction merges the three snapshots into one: the same rows, exact, and the same answers.
    const merged = await compactor(s.services, s.pipelines.holder).runOnce();
    assert.equal(merged.length, 1);
    const live = await s.services.runs.snapshots('bal', 1);
    assert.equal(live.length, 1);
    assert.equal(live[0].stats.balance.count, 6, 'statistics (of values rounded to doubles) are computed');
    assert.deepEqual(
      (
        await duckRows(
          `SELECT CAST(account_id AS VARCHAR) AS k, CAST(balance AS VARCHAR) AS b, typeof(account_id) AS kt, typeof(balance) AS bt
           FROM read_parquet('${s.dataDir}/${live[0].files[0]}') ORDER BY event_timestamp, account_id`,
        )
      ).map((r) => [r.k, r.b, r.kt, r.bt]),
      expected,
    );
    await check();

    // A saved training dataset: its data exact, its statistics of the values rounded to doubles (by hand:
    // balance is [MAX, -MAX, ABOVE, 10, AT, null], so min -2^63 and max 2^63 once rounded).
    const body = `{"name":"wide","features":["bal:balance"],"entities":{"account_id":[${ABOVE},${ABOVE},${AT},1,1,${MAX}],"event_timestamp":["2026-11-02T12:00:00Z","2026-11-04T00:00:00Z","2026-11-04T00:00:00Z","2026-11-01T12:00:00Z","2026-11-04T00:00:00Z","2026-11-04T00:00:00Z"]}}`;
    const created = await postText(`${s.url}/api/v1/training-datasets`, body);
    assert.equal(created.status, 201, created.text);
    const stats = (JSON.parse(created.text) as { statistics: Record<string, { count: number; nulls: number; min: number; max: number }> }).statistics;
    assert.deepEqual([stats.balance.count, stats.balance.nulls, stats.balance.min, stats.balance.max], [6, 1, -(2 ** 63), 2 ** 63]);
    const data = await fetch(`${s.url}/api/v1/training-datasets/wide/data`, { headers: { accept: 'text/csv' } });
    assert.equal(data.status, 200);
    assert.deepEqual(keyAndThird(await data.text()), answered);

    const rebuilt = await postText(`${s.url}/api/v1/training-datasets/wide/rebuild`, '{}');
    assert.equal(rebuilt.status, 200, rebuilt.text);
    assert.match(rebuilt.text, /"matches":true/, rebuilt.text);

    // The online store got the latest row per key, exact.
    const online = await postText(`${s.url}/get-online-features`, `{"features":["bal:balance"],"entities":{"account_id":[${ABOVE},${AT},1,2]}}`);
    assert.match(online.text, new RegExp(`"values":\\[-${MAX},${ABOVE},${AT},20\\]`), online.text);
  } finally {
    await s.close();
  }
});
