import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { deadSegments, journalOwner } from '../../server/prediction-logs/journal-replay.js';
import { testServices } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';
import { openPredictionLog } from './open-log.js';

test('a segment of this pid is dead only when made before this process started; another pid, when its process is gone', () => {
  const dir = tempDir();
  const started = Date.parse('2026-12-07T12:00:00Z');
  const mine = journalOwner(started + 5_000);
  const sibling = journalOwner(started + 1_000); // the pipeline thread's services, in this process
  const earlier = journalOwner(started - 60_000); // a process that had this pid before (a restarted container)
  const gone = `999999-${(started - 1).toString(36)}abcdef`;
  const running = `1-${(started - 1).toString(36)}abcdef`;
  for (const owner of [mine, sibling, earlier, gone, running]) fs.writeFileSync(path.join(dir, `${owner}-000001.ndjson`), '');
  const dead = deadSegments(dir, mine, (pid) => pid === 1, started).map((f) => path.basename(f));
  assert.deepEqual(dead.sort(), [`${earlier}-000001.ndjson`, `${gone}-000001.ndjson`].sort());
});

test("a second prediction log in the same process (the pipeline thread's) leaves the live journal alone: every acknowledged prediction stays", async () => {
  const services = await testServices();
  const journalDir = path.join(services.dir, 'shared-journal');
  const open = () => openPredictionLog(services, journalDir);
  const batch = (prefix: string) => ({
    model: 'm',
    modelVersion: '1',
    predictions: Array.from({ length: 5 }, (_, i) => ({ entity: { id: `${prefix}${i}` }, features: {}, featureVersions: {}, prediction: i, status: 'ok' as const })),
  });
  const server = open();
  await server.start();
  try {
    await server.append(batch('a'));
    // The pipeline thread opens its own services while the server's segment is open and growing.
    const worker = open();
    await worker.start();
    await worker.close();
    await server.append(batch('b'));
    const ids = async () => (await server.read({ model: 'm', limit: 100 })).predictions.map((p) => String(p.entity.id)).sort();
    const want = ['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4'];
    assert.deepEqual(await ids(), want);
    await server.publish();
    assert.deepEqual(await ids(), want, 'published whole');
  } finally {
    await server.close();
    await services.close();
  }
});
