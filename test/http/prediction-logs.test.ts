import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duckRows } from '../support/duckdb.js';
import { getJson, postJson, testServer } from '../support/services.js';

test('prediction logs: append batches, read them back in order, filter by status; bad input is a 4xx naming the field', async () => {
  const s = await testServer();
  try {
    const first = await postJson(`${s.url}/api/v1/prediction-logs`, {
      model: 'churn',
      modelVersion: '3',
      predictions: [
        { entity: { customer_id: 'c1' }, features: { age: 0.5, tier: 'gold' }, featureVersions: { customers: 2 }, prediction: true, probability: 0.8 },
        { entity: { customer_id: 'c9' }, features: { age: null }, prediction: null, status: 'failed', error: 'no features for c9', predictedAt: '2026-11-29T11:00:00+01:00' },
      ],
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.logged, 2);
    assert.match(first.body.file, /^logs\/predictions\/model=churn\/date=2026-11-29\/.*\.parquet$/);
    s.services.clock.set(s.services.clock.now() + 1000);
    await postJson(`${s.url}/api/v1/prediction-logs`, { model: 'churn', predictions: [{ entity: { customer_id: 'c2' }, features: { age: 0.1 }, prediction: false, probability: 0.1 }] });
    await postJson(`${s.url}/api/v1/prediction-logs`, { model: 'other', predictions: [{ entity: { id: 1 }, features: {}, prediction: 1 }] });

    const all = (await getJson(`${s.url}/api/v1/prediction-logs?model=churn`)).body.predictions;
    assert.deepEqual(
      all.map((p: { entity: { customer_id: string } }) => p.entity.customer_id),
      ['c1', 'c9', 'c2'],
    );
    assert.deepEqual(all[0], {
      model: 'churn',
      modelVersion: '3',
      loggedAt: '2026-11-29T12:00:00.000Z',
      predictedAt: '2026-11-29T12:00:00.000Z',
      entity: { customer_id: 'c1' },
      features: { age: 0.5, tier: 'gold' },
      featureVersions: { customers: 2 },
      prediction: true,
      probability: 0.8,
      status: 'ok',
      error: null,
    });
    assert.equal(all[1].predictedAt, '2026-11-29T10:00:00.000Z');
    assert.equal(all[2].modelVersion, '1');
    const failed = (await getJson(`${s.url}/api/v1/prediction-logs?model=churn&status=failed`)).body.predictions;
    assert.deepEqual(
      failed.map((p: { error: string }) => p.error),
      ['no features for c9'],
    );
    assert.equal((await getJson(`${s.url}/api/v1/prediction-logs?model=churn&limit=1`)).body.predictions[0].entity.customer_id, 'c2');
    // The files are plain Hive-partitioned Parquet: any engine reads them.
    const rows = await duckRows(`SELECT model, count(*) AS n FROM read_parquet('${s.services.config.dataDir}/logs/predictions/*/*/*.parquet') GROUP BY model ORDER BY model`);
    assert.deepEqual(rows, [
      { model: 'churn', n: 3n },
      { model: 'other', n: 1n },
    ]);

    const bad: [unknown, string][] = [
      [{ model: 'Churn!', predictions: [{ entity: {}, features: {}, prediction: 1 }] }, 'model'],
      [{ model: 'churn', predictions: [] }, 'predictions'],
      [{ model: 'churn', predictions: [{ entity: {}, features: {}, prediction: 1, probability: 2 }] }, 'predictions[0].probability'],
      [{ model: 'churn', predictions: [{ entity: {}, features: {}, prediction: 1, predictedAt: 'noon' }] }, 'predictions[0].predictedAt'],
      [{ model: 'churn', predictions: [{ features: {}, prediction: 1 }] }, 'predictions[0].entity'],
    ];
    for (const [body, path] of bad) {
      const res = await postJson(`${s.url}/api/v1/prediction-logs`, body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.errors.map((e: { path: string }) => e.path),
        [path],
      );
    }
    assert.equal((await getJson(`${s.url}/api/v1/prediction-logs`)).status, 400);
    assert.equal((await getJson(`${s.url}/api/v1/prediction-logs?model=churn`)).body.predictions.length, 3, 'rejected batches wrote nothing');
  } finally {
    await s.close();
  }
});
