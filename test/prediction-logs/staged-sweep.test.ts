import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { createLogger } from '../../server/logger.js';
import { OutcomeCompactor } from '../../server/outcomes/outcome-compactor.js';
import { OutcomeStore } from '../../server/outcomes/outcome-store.js';
import { LogCompactor } from '../../server/prediction-logs/log-compactor.js';
import { STAGED_FLOOR_MS } from '../../server/prediction-logs/staged-sweep.js';
import { testServices } from '../support/services.js';
import { stagedFile } from '../support/staged-file.js';

const MINUTE = 60_000;

test("the log compaction pass deletes staging files left by dead writers, never a recent one (a live writer's), and only in the logs' folders", async () => {
  const services = await testServices();
  const { clock, files } = services;
  const retention = { defaultDays: null, models: {} };
  const compactor = (graceMs: number) =>
    new LogCompactor({ store: services.registry.predictionLogs, files, engine: services.pipelineDuckdb, clock, logger: createLogger('silent'), targetRows: 8, retention, graceMs });
  const outcomes = new OutcomeCompactor({ store: new OutcomeStore(files), files, engine: services.pipelineDuckdb, clock, logger: createLogger('silent'), retention, graceMs: 0 });
  try {
    const now = Date.now();
    clock.set(now);
    const staged = (relPath: string, ageMs: number) => stagedFile(files, relPath, now, ageMs);
    const day = 'offline/logs/predictions/model=churn/date=2026-12-01';
    const deadPublisher = await staged(`${day}/123-abc-000001.parquet`, 11 * MINUTE);
    const deadMerge = await staged(`${day}/compact-1-aa.parquet`, 3 * 60 * MINUTE);
    const writing = await staged(`${day}/456-def-000002.parquet`, 0);
    const stalled = await staged(`${day}/789-fed-000003.parquet`, 9 * MINUTE);
    const deadOutcome = await staged('offline/logs/outcomes/model=churn/date=2026-12-01/000000000000001-000000000001-aabbccddeeff.jsonl', 11 * MINUTE);
    const liveOutcome = await staged('offline/logs/outcomes/model=churn/date=2026-12-01/000000000000002-000000000002-aabbccddeeff.jsonl', MINUTE);
    // Feature logging's folder is not the prediction log's to sweep.
    const featureLog = await staged('offline/logs/feature_services/service=s/date=2026-12-01/x.parquet', 60 * MINUTE);
    const published = `${day}/123-abc-000009.parquet`;
    fs.writeFileSync(files.locate(published), 'not staged');

    // With no grace at all (the benchmark's setting) the floor still keeps files written in the last ten minutes.
    const pass = await compactor(0).runOnce();
    assert.equal(pass.removed, 2, JSON.stringify(pass));
    assert.equal(fs.existsSync(deadPublisher), false, 'a publisher that died 11 minutes ago left it');
    assert.equal(fs.existsSync(deadMerge), false, 'a merge that died 3 hours ago left it');
    assert.equal(fs.existsSync(writing), true, 'being written now');
    assert.equal(fs.existsSync(stalled), true, '9 minutes is inside the floor');
    assert.equal(fs.existsSync(featureLog), true);
    assert.equal((await outcomes.runOnce()).removed, 1);
    assert.equal(fs.existsSync(deadOutcome), false);
    assert.equal(fs.existsSync(liveOutcome), true);

    // A grace period longer than the floor is honoured: at 12 minutes the stalled file stays, at 61 it goes.
    clock.set(now + 3 * MINUTE);
    assert.equal((await compactor(60 * MINUTE).runOnce()).removed, 0);
    assert.equal(fs.existsSync(stalled), true);
    clock.set(now + 52 * MINUTE);
    assert.equal((await compactor(60 * MINUTE).runOnce()).removed, 1, 'the stalled file, 61 minutes old');
    assert.deepEqual([fs.existsSync(stalled), fs.existsSync(writing), fs.existsSync(files.locate(published))], [false, true, true], 'the file written at the start is 52 minutes old');
    assert.ok(STAGED_FLOOR_MS === 10 * MINUTE, 'the figures above assume a ten-minute floor');
  } finally {
    await services.close();
  }
});
