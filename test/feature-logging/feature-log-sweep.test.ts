import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { FeatureLogSweep } from '../../server/feature-logging/feature-log-sweep.js';
import { logCompactionLoop } from '../../server/services.js';
import { testServices } from '../support/services.js';
import { stagedFile } from '../support/staged-file.js';

const MINUTE = 60_000;

test('the log compaction pass removes staging files a dead writer left in the feature log, never a recent one or a published file', async () => {
  const services = await testServices();
  const { clock, files } = services;
  try {
    const now = Date.now();
    clock.set(now);
    const staged = (relPath: string, ageMs: number) => stagedFile(files, relPath, now, ageMs);
    const day = 'offline/logs/feature_services/service=s/date=2026-12-01';
    const dead = await staged(`${day}/a.parquet`, 11 * MINUTE);
    const writing = await staged(`${day}/b.parquet`, 0);
    const published = `${day}/c.parquet`;
    fs.writeFileSync(files.locate(published), 'PAR1 whole');
    // Outside the feature log: not this sweep's (the prediction log's pass handles its own folder).
    const elsewhere = await staged('offline/logs/predictions/model=m/date=2026-12-01/x.parquet', 11 * MINUTE);

    const sweep = new FeatureLogSweep({ files, clock, graceMs: 0 });
    assert.equal(await sweep.runOnce(), 1);
    assert.deepEqual([fs.existsSync(dead), fs.existsSync(writing), fs.existsSync(files.locate(published)), fs.existsSync(elsewhere)], [false, true, true, true]);

    // The loop the scheduler lease holder runs carries the sweep, with the configured grace period
    // (TESSERA_COMPACTION_RETAIN_MS, an hour by default): one pass of it removes a file dead for two.
    assert.equal(services.config.compactionRetainMs, 60 * MINUTE);
    const again = await staged(`${day}/d.parquet`, 120 * MINUTE);
    const loop = logCompactionLoop(services, 'me') as unknown as { runPass(): Promise<void> };
    await loop.runPass();
    assert.equal(fs.existsSync(again), false);
    assert.equal(fs.existsSync(writing), true);
  } finally {
    await services.close();
  }
});
