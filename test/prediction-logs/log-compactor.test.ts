import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LogCompactor, SWEEP_FLOOR_MS } from '../../server/prediction-logs/log-compactor.js';
import { PredictionLogService } from '../../server/prediction-logs/prediction-log-service.js';
import { parseRetention } from '../../server/prediction-logs/retention.js';
import { duckRows } from '../support/duckdb.js';
import { T0, testServices } from '../support/services.js';

const DAY = 86_400_000;

test('compaction merges a day’s small files up to the target, keeps every row newest first, expires days past retention, and deletes replaced files after the grace period', async () => {
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
  const retention = parseRetention('30,keep=90');
  assert.notEqual(typeof retention, 'string');
  const compactor = new LogCompactor({
    store: services.registry.predictionLogs,
    files: services.files,
    engine: services.pipelineDuckdb,
    clock,
    logger: services.logger,
    targetRows: 8,
    retention: retention as Exclude<typeof retention, string>,
    graceMs: 60_000,
  });
  try {
    const sent: { id: string; model: string; at: number }[] = [];
    for (const model of ['churn', 'keep']) {
      for (const day of [-40, -1, 0]) {
        for (let batch = 0; batch < 5; batch++) {
          const at = T0 + day * DAY - 3_600_000 + batch * 60_000;
          clock.set(at);
          const res = await logs.append({
            model,
            modelVersion: '1',
            predictions: [0, 1, 2].map((i) => ({ entity: { id: `${day}-${batch}-${i}` }, features: {}, featureVersions: {}, prediction: i, status: 'ok' as const })),
          });
          for (const id of res.predictionIds) sent.push({ id, model, at });
          await logs.publish(); // one file per batch: the shape compaction is for
        }
      }
    }
    const files = async (model: string) => (await services.registry.predictionLogs.files(model)).map((f) => [f.date, f.rows]);
    assert.equal((await files('churn')).length, 15);
    const readIds = async (model: string) => (await logs.read({ model, limit: 1000 })).predictions.map((p) => p.id);
    const newestFirst = (model: string, keep: (at: number) => boolean) =>
      sent
        .filter((s) => s.model === model && keep(s.at))
        .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
        .map((s) => s.id);
    assert.deepEqual(
      await readIds('churn'),
      newestFirst('churn', () => true),
    );

    clock.set(T0);
    const pass = await compactor.runOnce();
    // Per model and closed day, five files of 3 rows (newest first) pack into groups of at most 8 rows:
    // 2 + 2 + 1, so 4 files become 2 and the oldest stays. Today (day 0) is still being written: its 5
    // files are fewer than a full group of 8 and stay. churn's day -40 is past 30 days: its 5 files go.
    // Merged: 4 files x 3 closed model-days (churn -1; keep -40 and -1).
    assert.deepEqual(pass, { merged: 12, written: 6, expired: 5, removed: 0, failed: 0 });
    assert.deepEqual(await files('churn'), [
      ['2026-11-29', 3],
      ['2026-11-29', 3],
      ['2026-11-29', 3],
      ['2026-11-29', 3],
      ['2026-11-29', 3],
      ['2026-11-28', 6],
      ['2026-11-28', 6],
      ['2026-11-28', 3],
    ]);
    assert.deepEqual(
      await readIds('churn'),
      newestFirst('churn', (at) => at > T0 - 30 * DAY),
      'every row but the expired day, once, in order',
    );
    assert.deepEqual(
      await readIds('keep'),
      newestFirst('keep', () => true),
      'keep has 90 days',
    );
    assert.equal((await files('keep')).length, 5 + 3 + 3);
    for (const f of await services.registry.predictionLogs.files('churn')) {
      const times = (await duckRows(`SELECT epoch_ms(logged_at) AS t FROM read_parquet('${services.files.locate(f.path)}')`)).map((r) => Number(r.t));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        `${f.path} is newest first`,
      );
    }

    // The replaced files stay for the grace period (a read may be using them), then go.
    const folder = services.files.locate('offline/logs/predictions');
    const onDisk = () => (fs.readdirSync(folder, { recursive: true }) as string[]).filter((f) => f.endsWith('.parquet')).length;
    assert.equal(onDisk(), 30 + 6, 'the 30 published and the 6 merged');
    clock.set(Date.now() + 61_000);
    const later = await compactor.runOnce();
    // A week later day 0 is closed too: its 5 files per model become 3 (4 files into 2 merged ones), so
    // the registry lists churn 3 + 3 and keep 3 + 3 + 3; the other 40 - 15 files on disk go.
    assert.deepEqual({ merged: later.merged, written: later.written, removed: later.removed }, { merged: 8, written: 4, removed: 40 - 15 });
    assert.equal(onDisk(), 15);
    assert.deepEqual(
      await readIds('churn'),
      newestFirst('churn', (at) => at > T0 - 30 * DAY),
    );
    assert.deepEqual(
      await readIds('keep'),
      newestFirst('keep', () => true),
    );
  } finally {
    await logs.close();
    await services.close();
  }
});

test('the sweep never deletes a just-published file the registry does not list yet, even with no grace; a failing merge skips its group and the pass goes on', async () => {
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
  const compactor = new LogCompactor({
    store: services.registry.predictionLogs,
    files: services.files,
    engine: services.pipelineDuckdb,
    clock,
    logger: services.logger,
    targetRows: 8,
    retention: { defaultDays: null, models: {} },
    graceMs: 0,
  });
  try {
    for (const model of ['a', 'b']) {
      for (let batch = 0; batch < 5; batch++) {
        clock.set(T0 - DAY + batch * 60_000);
        await logs.append({
          model,
          modelVersion: '1',
          predictions: [0, 1, 2].map((i) => ({ entity: { id: `${batch}-${i}` }, features: {}, featureVersions: {}, prediction: i, status: 'ok' as const })),
        });
        await logs.publish();
      }
    }
    const listed = async (model: string) => (await services.registry.predictionLogs.files(model)).sort((x, y) => y.maxLoggedAt - x.maxLoggedAt);
    // A publisher between its rename and its record: the file is in place, the registry does not list it yet.
    const first = (await listed('a'))[0]!;
    const inFlight = first.path.replace(/[^/]+$/, 'in-flight.parquet');
    fs.copyFileSync(services.files.locate(first.path), services.files.locate(inFlight));
    // A listed file lost from disk: the merge of its group (the newest two of a's five) cannot read it.
    fs.rmSync(services.files.locate(first.path));

    clock.set(Date.now());
    const pass = await compactor.runOnce();
    // Five files of 3 rows pack 2 + 2 + 1 into groups of at most 8 rows; the closed day merges each pair.
    // a's newest pair fails and stays; its second pair and b's two pairs merge.
    assert.deepEqual(pass, { merged: 6, written: 3, expired: 0, removed: 0, failed: 1 });
    assert.ok(fs.existsSync(services.files.locate(inFlight)), 'a file younger than the floor stays though nothing lists it');
    assert.deepEqual(
      (await listed('a')).map((f) => f.rows),
      [3, 3, 6, 3],
      "a's failed pair is still listed as it was",
    );
    assert.deepEqual(
      (await listed('b')).map((f) => f.rows),
      [6, 6, 3],
    );

    clock.set(Date.now() + SWEEP_FLOOR_MS + 1_000);
    const later = await compactor.runOnce();
    assert.equal(fs.existsSync(services.files.locate(inFlight)), false, 'past the floor, an unlisted file goes');
    // Replaced by the first pass: a's 2 and b's 4 files; plus the in-flight copy. The failed pair fails again.
    assert.deepEqual({ removed: later.removed, failed: later.failed }, { removed: 2 + 4 + 1, failed: 1 });
  } finally {
    await logs.close();
    await services.close();
  }
});

test('retention: days for every model, exceptions per model; anything else says what is wrong', () => {
  assert.deepEqual(parseRetention('30,churn=90'), { defaultDays: 30, models: { churn: 90 } });
  assert.deepEqual(parseRetention('churn=7'), { defaultDays: null, models: { churn: 7 } });
  assert.deepEqual(parseRetention(''), { defaultDays: null, models: {} });
  assert.equal(parseRetention('30,churn=0'), "'churn=0' is not <days> or <model>=<days> (days >= 1)");
  assert.equal(parseRetention('a month'), "'a month' is not <days> or <model>=<days> (days >= 1)");
});
