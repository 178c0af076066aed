import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { TesseraError } from '../../server/errors.js';
import { connect, openFeatureStore } from '../../server/sdk/index.js';
import { type PredictionBatchInput, PredictionLogger } from '../../server/sdk/prediction-logger.js';
import { waitFor } from '../support/spawn-server.js';
import { getJson, testServer } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const prediction = (i: number) => ({ entity: { customer_id: `c${i}` }, features: { i }, prediction: i % 2 === 0 });

test('logPrediction returns at once; batches go per model and version, at most maxBatch, on flush', async () => {
  const sent: PredictionBatchInput[] = [];
  const logger = new PredictionLogger(
    async (batch) => {
      sent.push(batch);
    },
    { flushMs: 3_600_000, maxBatch: 4 },
  );
  const ids = [0, 1, 2, 3, 4, 5, 6].map((i) => logger.log({ model: i < 5 ? 'a' : 'b', modelVersion: i === 6 ? '2' : '1', ...prediction(i) }));
  assert.equal(new Set(ids).size, 7);
  // Four of model a filled a batch: it went without waiting for the interval.
  await waitFor(
    'the full batch',
    5000,
    async () => (sent.length === 1 ? true : undefined),
    () => null,
    5,
  );
  await logger.flush();
  assert.deepEqual(
    sent.map((b) => [b.model, b.modelVersion, b.predictions.map((p) => p.id)]),
    [
      ['a', '1', ids.slice(0, 4)],
      ['a', '1', [ids[4]]],
      ['b', '1', [ids[5]]],
      ['b', '2', [ids[6]]],
    ],
  );
  await logger.close();
});

test('a batch the server could not take is sent again with the same ids; one it refuses is reported, not retried', async () => {
  const attempts: PredictionBatchInput[] = [];
  const errors: [string, number][] = [];
  let failures = 2;
  const logger = new PredictionLogger(
    async (batch) => {
      attempts.push(structuredClone(batch));
      if (batch.model === 'refused') throw new TesseraError('validation', 'predictions[0].probability: too big');
      if (failures-- > 0) throw new TesseraError('unavailable', 'the prediction log could not be written: ENOSPC');
    },
    { flushMs: 3_600_000, retryDelayMs: 1, onError: (e, n) => errors.push([e.message, n]) },
  );
  const id = logger.log({ model: 'm', ...prediction(1) });
  logger.log({ model: 'refused', ...prediction(2), probability: 2 });
  await logger.flush();
  assert.deepEqual(
    attempts.map((a) => [a.model, a.predictions[0].id === id]),
    [
      ['m', true],
      ['m', true],
      ['m', true],
      ['refused', false],
    ],
  );
  assert.deepEqual(errors, [['logging 1 predictions of refused failed: predictions[0].probability: too big', 1]]);
  await logger.close();
});

test('over HTTP and in process: every logged prediction reaches the log once, by its interval or on close', async () => {
  const s = await testServer();
  try {
    const remote = connect(s.url, { predictionLog: { flushMs: 20, maxBatch: 100 } });
    const ids = Array.from({ length: 250 }, (_, i) => remote.logPrediction({ model: 'sdk', modelVersion: '7', ...prediction(i) }));
    // No flush called: the interval sends them.
    const read = async () =>
      (await getJson(`${s.url}/api/v1/prediction-logs?model=sdk&order=asc&limit=1000`)).body.predictions as { id: string; modelVersion: string; entity: { customer_id: string } }[];
    await waitFor(
      'the interval to send them',
      10_000,
      async () => ((await read()).length === 250 ? true : undefined),
      () => null,
      20,
    );
    const logged = await read();
    assert.deepEqual(
      logged.map((p) => p.id),
      ids,
    );
    assert.deepEqual(
      logged.map((p) => p.entity.customer_id),
      ids.map((_, i) => `c${i}`),
    );
    await remote.close();

    const embedded = await openFeatureStore({ dataDir: s.services.config.dataDir, predictionLog: { flushMs: 3_600_000 } });
    const more = [embedded.logPrediction({ model: 'sdk', modelVersion: '7', ...prediction(250) })];
    await embedded.close(); // flushes, then publishes its journal on the way out
    const after = await read();
    assert.equal(after.length, 251);
    assert.equal(after[250].id, more[0]);
  } finally {
    await s.close();
  }
});

// The SDK runs inside the caller's inference service. A throwing onError (the caller's own bug, or a
// reporter that is down) rejected the send chain: the batch's flush, started by the queue filling up,
// was not awaited, so the rejection reached the caller's process unhandled (which Node ends), and
// every later flush failed the same way, so nothing was logged again.
test("an onError that throws is the caller's: nothing reaches the process, and later batches are still sent", async () => {
  const sent: PredictionBatchInput[] = [];
  let refuse = true;
  const reported: number[] = [];
  const logger = new PredictionLogger(
    async (batch) => {
      if (refuse) throw new TesseraError('validation', 'refused');
      sent.push(batch);
    },
    {
      flushMs: 3_600_000,
      maxBatch: 1,
      onError: (_e, dropped) => {
        reported.push(dropped);
        throw new Error('the reporter is down');
      },
    },
  );
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  try {
    // A full queue (maxBatch 1) sends at once, without an await: the refusal goes to onError, which throws.
    logger.log({ model: 'a', ...prediction(0) });
    await waitFor(
      'the refusal reported',
      5000,
      async () => (reported.length === 1 ? true : undefined),
      () => null,
      5,
    );
    refuse = false;
    const id = logger.log({ model: 'a', ...prediction(1) });
    await logger.flush();
    assert.deepEqual(
      sent.map((b) => b.predictions.map((p) => p.id)),
      [[id]],
    );
    // An unhandled rejection is reported after the microtask queue drains: give the event loop a few turns.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rejections, []);
  } finally {
    process.off('unhandledRejection', onRejection);
    await logger.close().catch(() => undefined);
  }
});

// flushMs: 0 armed a timer that fired every millisecond; maxBatch: 0 made a flush loop for ever (batches of nothing).
test("predictionLog options out of bounds: 'validation' naming the option, from connect, openFeatureStore and the logger, before anything opens", async () => {
  const bad: [Record<string, unknown> | string, string][] = [
    ...[0, -1, 9, 1.5, Number.NaN, '1000', 2 ** 31].map((flushMs): [Record<string, unknown>, string] => [{ flushMs }, 'predictionLog.flushMs']),
    ...[0, -1, 2.5].map((maxBatch): [Record<string, unknown>, string] => [{ maxBatch }, 'predictionLog.maxBatch']),
    [{ maxQueued: 0 }, 'predictionLog.maxQueued'],
    [{ attempts: 0 }, 'predictionLog.attempts'],
    [{ retryDelayMs: -1 }, 'predictionLog.retryDelayMs'],
    [{ retryDelayMs: 2 ** 31 }, 'predictionLog.retryDelayMs'],
    [{ onError: 'log it' }, 'predictionLog.onError'],
    ['fast', 'predictionLog'],
  ];
  const dataDir = path.join(tempDir(), 'never-made');
  for (const [predictionLog, field] of bad) {
    const what = JSON.stringify(predictionLog);
    for (const open of [
      () => connect('http://127.0.0.1:1', { predictionLog: predictionLog as never }),
      () => new PredictionLogger(async () => {}, predictionLog as never),
      () => openFeatureStore({ dataDir, predictionLog: predictionLog as never }),
    ]) {
      await assert.rejects(
        async () => open(),
        (e: unknown) => e instanceof TesseraError && e.code === 'validation' && e.errors[0]?.path === field && e.message.startsWith(`invalid options: ${field}: expected`),
        what,
      );
    }
  }
  assert.ok(!fs.existsSync(dataDir), 'openFeatureStore opened the data dir before refusing its options');
  // The bounds themselves are taken, and null means the defaults.
  const logger = new PredictionLogger(async () => {}, { flushMs: 10, maxBatch: 1, maxQueued: 1, attempts: 1, retryDelayMs: 0 });
  await logger.close();
  await connect('http://127.0.0.1:1', { predictionLog: null as never }).close();
});
