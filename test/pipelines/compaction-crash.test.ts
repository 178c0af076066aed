import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { recoverInterrupted } from '../../server/pipelines/recovery.js';
import { scriptArgs } from '../support/node-child.js';
import { VIEWS, answers, compactionServer } from './compaction-fixture.js';

/** Resolves once `file` exists (the child writes it when it has stopped where the test wants it). */
async function appears(file: string, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  while (!fs.existsSync(file)) {
    if (gone) throw new Error('the compaction process ended before it wrote a file');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('kill -9 in the middle of a compaction loses nothing and shows nothing twice; the next leader cleans up and compacts', async () => {
  // The server's periodic recovery (every leaseMs) would adopt the child's run, whose holder holds no
  // runner lease, as soon as it ticks while the test looks: it runs once an hour here.
  const s = await compactionServer(16, { leaseMs: 3_600_000 });
  try {
    const { runs, files, clock, logger } = s.services;
    const before = await answers(s);
    const live = async () => Object.fromEntries(await Promise.all(VIEWS.map(async (v) => [v, (await runs.snapshots(v, 1)).map((x) => x.id)])));
    const snapshotsBefore = await live();

    const marker = path.join(s.dataDir, 'compaction-marker');
    const child = spawn(process.execPath, [...scriptArgs(import.meta.url, './compaction-child.ts'), s.dataDir, s.defs, marker], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await appears(marker, exited);
    // The merged snapshot's first file is in place; the registry has not committed it: kill there.
    child.kill('SIGKILL');
    await exited;
    const written = fs.readFileSync(marker, 'utf8');
    assert.ok(fs.existsSync(files.locate(written)), 'the killed compaction had written a file');
    const [running] = (await runs.list({ status: 'running', limit: 10 })).filter((r) => r.trigger === 'compaction');
    assert.equal(running.holder, 'compaction-child');
    assert.ok(written.startsWith(`offline/${running.featureView}/v1/run=${running.id}/`));

    // Nothing lost, nothing twice: the same snapshots, the same answers, every row once.
    assert.deepEqual(await live(), snapshotsBefore);
    assert.deepEqual(await answers(s), before);

    // The next lease holder marks the compaction interrupted and removes what it wrote.
    const interrupted = await recoverInterrupted(runs, files, s.pipelines.holder, clock, logger);
    assert.ok(interrupted.includes(running.id));
    assert.deepEqual([(await runs.get(running.id))!.status, (await runs.get(running.id))!.reason], ['failed', 'interrupted']);
    assert.equal(fs.existsSync(files.locate(written)), false);
    assert.deepEqual(await answers(s), before);

    // Compaction runs again and completes; still the same answers.
    assert.equal((await s.compactor().runOnce()).length, 2);
    for (const view of VIEWS) assert.equal((await runs.snapshots(view, 1)).length, 1);
    assert.deepEqual(await answers(s), before);
  } finally {
    await s.close();
  }
});
