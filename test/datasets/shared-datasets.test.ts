import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HAND_FILES, handBundle } from '../offline/fixture.js';
import { parquetRows, postJsonTo } from '../http/historical-client.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { POSTGRES_SKIP, createTestDatabase } from '../support/postgres.js';
import { testServices } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * Two processes of one deployment (each its own data dir, one PostgreSQL registry, one offline root):
 * a dataset one builds, the other finds in the registry and reads, rebuilds and deletes, since its
 * files are in the shared root and not in the builder's data dir.
 */
test('a dataset saved by one process is read, rebuilt and removed by another with a different data dir', { skip: POSTGRES_SKIP ?? false }, async () => {
  const database = await createTestDatabase();
  const offlineDir = tempDir();
  const a = await pipelineServer(HAND_FILES, handBundle(), { registryUrl: database.url, offlineDir });
  let b: Awaited<ReturnType<typeof testServices>> | null = null;
  try {
    for (const view of ['driver_stats', 'rider_stats']) assert.equal((await a.materialize(view)).status, 'succeeded');
    const entities = { driver_id: [1, 2], event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T10:00:00Z'] };
    const created = await postJsonTo(`${a.url}/api/v1/training-datasets`, { name: 'shared_v1', features: ['driver_stats:rate'], entities });
    assert.equal(created.status, 201, Buffer.from(created.bytes).toString());
    const saved = created.json();
    // In the build's own folder under the name's (test/datasets/build-race.test.ts says why).
    assert.match(saved.data.file, /^offline\/_datasets\/shared_v1\/build-[0-9a-z]+-[0-9a-f]{8}\/data\.parquet$/);
    const relative = saved.data.file.slice('offline/'.length);
    assert.ok(fs.existsSync(path.join(offlineDir, relative)), 'in the shared root');
    assert.ok(!fs.existsSync(path.join(a.dataDir, 'datasets')), "nothing in the builder's data dir");

    b = await testServices({ registryUrl: database.url, offlineDir });
    assert.notEqual(b.config.dataDir, a.dataDir);
    const data = await b.datasets.data('shared_v1');
    assert.equal(data.file, path.join(offlineDir, relative));
    assert.equal(sha256(data.file), saved.data.sha256);
    // The fixture's rates, by hand (test/offline/fixture.ts): driver 1 at 11:00 -> 0.3, driver 2 at 10:00 -> 5.
    assert.deepEqual(
      parquetRows(fs.readFileSync(data.file)).rows.map((r) => r.rate),
      [0.3, 5],
    );
    const rebuilt = await b.datasets.rebuild('shared_v1');
    assert.deepEqual([rebuilt.matches, rebuilt.rows, rebuilt.differingRows], [true, 2, 0]);

    await b.datasets.remove('shared_v1');
    assert.ok(!fs.existsSync(path.join(offlineDir, '_datasets/shared_v1')), 'its files are gone from the shared root');
    assert.deepEqual(await a.services.datasets.list(), []);
  } finally {
    await b?.close();
    await a.close();
    await database.drop();
  }
});
