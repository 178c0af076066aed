import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { testServices } from '../support/services.js';
import { openPredictionLog } from './open-log.js';

/** Pids no process runs, so their segments are a dead writer's, replayed at start. */
function deadPids(n: number): number[] {
  const out: number[] = [];
  for (let pid = 999_990; out.length < n; pid--) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') out.push(pid);
    }
  }
  return out.sort((a, b) => a - b);
}

test('a segment DuckDB cannot read (a lone surrogate an older version journaled) does not hold back the segments after it', async () => {
  const services = await testServices();
  const service = (journalDir: string) => openPredictionLog(services, journalDir);
  try {
    // A journal line as this version writes it, to copy.
    const first = service(path.join(services.dir, 'journal-a'));
    await first.start();
    await first.append({ model: 'm', modelVersion: '1', predictions: [{ entity: { id: 'a' }, features: {}, featureVersions: {}, prediction: 1, status: 'ok' }] });
    const [written] = fs.readdirSync(path.join(services.dir, 'journal-a'));
    const template = JSON.parse(fs.readFileSync(path.join(services.dir, 'journal-a', written), 'utf8').split('\n')[0]);
    await first.close();

    // Two dead writers' segments: the first holds a line DuckDB's JSON reader refuses.
    const dir = path.join(services.dir, 'journal-b');
    fs.mkdirSync(dir);
    const line = (id: string, entity: string, error: string | null = null) => `${JSON.stringify({ ...template, id, entity: JSON.stringify({ id: entity }), error })}\n`;
    const [poisonPid, goodPid] = deadPids(2);
    fs.writeFileSync(path.join(dir, `${poisonPid}-old-000001.ndjson`), line('0192f3a4-0000-7000-8000-000000000001', 'poison', '\ud800'));
    fs.writeFileSync(path.join(dir, `${goodPid}-old-000001.ndjson`), line('0192f3a4-0000-7000-8000-000000000002', 'good'));

    const second = service(dir);
    await second.start();
    await second.publish();
    assert.deepEqual(fs.readdirSync(dir), [`${poisonPid}-old-000001.ndjson`], 'the good segment was published and removed; the other waits');
    const read = await second.read({ model: 'm', limit: 10 });
    assert.deepEqual(
      read.predictions.map((p) => p.entity).sort((x, y) => String(x.id).localeCompare(String(y.id))),
      [{ id: 'a' }, { id: 'good' }, { id: 'poison' }],
    );
    await second.close();
  } finally {
    await services.close();
  }
});
