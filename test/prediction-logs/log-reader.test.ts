import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { PredictionLogService } from '../../server/prediction-logs/prediction-log-service.js';
import { T0, testServices } from '../support/services.js';

test('a read whose only candidate file spans the range but holds no row in it answers empty (DuckDB gives no columns for no rows)', async () => {
  const services = await testServices();
  const { clock } = services;
  const logs = new PredictionLogService({
    engine: services.pipelineDuckdb,
    files: services.files,
    store: services.registry.predictionLogs,
    clock,
    logger: services.logger,
    options: { journalDir: path.join(services.dir, 'journal'), publishMs: 3_600_000, dedupeIds: 10_000 },
  });
  await logs.start();
  try {
    const ids: string[] = [];
    for (const at of [T0 - 3_600_000, T0 - 60_000]) {
      clock.set(at);
      const res = await logs.append({
        model: 'gap',
        modelVersion: '1',
        predictions: [{ entity: { id: String(at) }, features: {}, featureVersions: {}, prediction: 1, status: 'ok' as const }],
      });
      ids.push(...res.predictionIds);
    }
    await logs.publish(); // one file: its rows are an hour apart
    assert.equal((await services.registry.predictionLogs.files('gap')).length, 1);
    const read = async (from: number, to: number) => (await logs.read({ model: 'gap', from, to, limit: 10 })).predictions.map((p) => p.id);
    assert.deepEqual(await read(T0 - 1_800_000, T0 - 1_200_000), [], 'the half hour between the two rows');
    assert.deepEqual(await read(T0 - 7_200_000, T0), [ids[1], ids[0]], 'both, newest first');
  } finally {
    await logs.close();
    await services.close();
  }
});
