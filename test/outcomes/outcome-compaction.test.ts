import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utcDate } from '../../server/domain/time.js';
import { OutcomeCompactor } from '../../server/outcomes/outcome-compactor.js';
import { outcomeFolder } from '../../server/outcomes/outcome-store.js';
import { duckRows } from '../support/duckdb.js';
import { testServices } from '../support/services.js';

const DAY = 86_400_000;
const GRACE = 1000;

test('outcome compaction merges each closed day into one Parquet file, answers stay the same, retention drops old days, merged batches go after the grace period', async () => {
  // Real time: the grace period is measured against the files' modification times.
  const services = await testServices({ predictionLogRetention: '30' });
  const { clock } = services;
  const base = Date.now();
  // Events go just after the start of their UTC day, so that "today's" are today's at any hour the test
  // runs (an hour before now would be yesterday's just after midnight).
  const dayStart = base - (base % DAY);
  clock.set(base);
  const compactor = new OutcomeCompactor({
    store: services.outcomeStore,
    files: services.files,
    engine: services.pipelineDuckdb,
    clock,
    logger: services.logger,
    retention: { defaultDays: 30, models: {} },
    graceMs: GRACE,
  });
  try {
    // Per day (40 days ago, 2 days ago, yesterday, today): 4 predictions, then 3 batches of outcomes,
    // the third correcting the first outcome of the day; yesterday's also corrects a prediction of the day before.
    const latest = new Map<string, { probability: number; label: number; day: number }>();
    const ids: Record<number, string[]> = {};
    for (const day of [-40, -2, -1, 0]) {
      clock.set(dayStart + day * DAY + 100);
      const probabilities = [0.9, 0.6, 0.4, 0.2];
      const logged = await services.predictionLog.append({
        model: 'rain',
        modelVersion: '1',
        predictions: probabilities.map((p, i) => ({ entity: { id: `${day}-${i}` }, features: {}, featureVersions: {}, prediction: p >= 0.5 ? 1 : 0, probability: p, status: 'ok' as const })),
      });
      ids[day] = logged.predictionIds;
      const batches: [string, number][][] = [
        [
          [ids[day][0], 1],
          [ids[day][1], 0],
        ],
        [
          [ids[day][2], 1],
          [ids[day][3], 0],
        ],
        [[ids[day][0], 0], ...(day === -1 ? [[ids[-2][1], 1] as [string, number]] : [])],
      ];
      for (const [k, batch] of batches.entries()) {
        clock.set(dayStart + day * DAY + 1000 + k * 1000);
        await services.outcomes.record({ model: 'rain', outcomes: batch.map(([predictionId, value]) => ({ predictionId, value })) });
        for (const [id, label] of batch) {
          const at = Object.entries(ids).find(([, list]) => list.includes(id))!;
          latest.set(id, { probability: probabilities[ids[Number(at[0])].indexOf(id)], label, day: Number(at[0]) });
        }
      }
    }

    // What the reads must answer: the latest label per prediction, outcomes received in the last 30 days only.
    // A prediction of day -40 has only outcomes received that day: all of them are past the retention.
    const expected = () => {
      const kept = [...latest.values()].filter((o) => o.day !== -40);
      const accuracy = kept.filter((o) => (o.probability >= 0.5 ? 1 : 0) === o.label).length / kept.length;
      const logLoss = -kept.reduce((s, o) => s + (o.label === 1 ? Math.log(o.probability) : Math.log(1 - o.probability)), 0) / kept.length;
      return { count: kept.length, accuracy, logLoss };
    };
    const read = async () => {
      const r = await services.outcomes.performance({ model: 'rain', bucket: 'day', threshold: 0.5 });
      return { count: r.overall.count, accuracy: r.overall.accuracy!, logLoss: r.overall.logLoss!, buckets: r.buckets };
    };
    const check = async (when: string) => {
      const got = await read();
      const want = expected();
      assert.equal(got.count, want.count, when);
      assert.ok(Math.abs(got.accuracy - want.accuracy) < 1e-12 && Math.abs(got.logLoss - want.logLoss) < 1e-12, `${when}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
      return got.buckets;
    };
    const listing = async () => {
      const files = await services.files.list(outcomeFolder('rain'));
      const byDay: Record<string, string[]> = {};
      for (const f of files) {
        const m = /date=([\d-]+)\/(compact-.*\.parquet|.*\.jsonl)$/.exec(f);
        if (m) byDay[m[1]] = [...(byDay[m[1]] ?? []), m[2].startsWith('compact-') ? 'compact' : 'batch'];
      }
      return byDay;
    };
    const date = (day: number) => utcDate(dayStart + day * DAY + 1000);

    clock.set(base + 2000);
    const before = await check('before compaction');
    assert.deepEqual(await listing(), {
      [date(-40)]: ['batch', 'batch', 'batch'],
      [date(-2)]: ['batch', 'batch', 'batch'],
      [date(-1)]: ['batch', 'batch', 'batch'],
      [date(0)]: ['batch', 'batch', 'batch'],
    });

    // First pass: the closed days (-2, -1) are merged, today's batches stay, day -40 is deleted.
    assert.deepEqual(await compactor.runOnce(), { merged: 6, written: 2, expired: 3, removed: 0, failed: 0 });
    assert.deepEqual(await listing(), {
      [date(-2)]: ['batch', 'batch', 'batch', 'compact'],
      [date(-1)]: ['batch', 'batch', 'batch', 'compact'],
      [date(0)]: ['batch', 'batch', 'batch'],
    });
    assert.deepEqual(await check('after merging'), before);
    // Each compact file holds its day's latest outcome per prediction: 4 predictions a day, plus yesterday's correction.
    for (const [day, rows] of [
      [-2, 4],
      [-1, 5],
    ] as const) {
      const file = (await services.files.list(outcomeFolder('rain', date(day)))).find((f) => f.endsWith('.parquet'))!;
      const [{ n, ids: distinct }] = await duckRows(`SELECT count(*)::INTEGER AS n, count(DISTINCT prediction_id)::INTEGER AS ids FROM read_parquet('${services.files.locate(file)}')`);
      assert.deepEqual([n, distinct], [rows, rows], `day ${day}`);
    }

    // Once the grace period has passed, the merged batches go; the answers still do not change.
    clock.set(Date.now() + GRACE);
    assert.deepEqual(await compactor.runOnce(), { merged: 0, written: 0, expired: 0, removed: 6, failed: 0 });
    assert.deepEqual(await listing(), { [date(-2)]: ['compact'], [date(-1)]: ['compact'], [date(0)]: ['batch', 'batch', 'batch'] });
    assert.deepEqual(await check('after the merged batches are deleted'), before);
    assert.deepEqual(await services.outcomeStore.models(), ['rain']);
  } finally {
    await services.close();
  }
});
