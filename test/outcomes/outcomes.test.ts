import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { T0, getJson, postJson, testServer } from '../support/services.js';

const DAY = 86_400_000;
let s: Awaited<ReturnType<typeof testServer>>;

before(async () => {
  s = await testServer();
});
after(() => s.close());

async function logPredictions(model: string, predictions: object[]): Promise<string[]> {
  const res = await postJson(`${s.url}/api/v1/prediction-logs`, { model, predictions });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.predictionIds;
}

const perf = async (model: string, query = '') => {
  const res = await getJson(`${s.url}/api/v1/models/${model}/performance${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

/** AUC by brute force over every (positive, negative) pair, a tie counting one half. */
function pairwiseAuc(p: number[], y: number[]): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < p.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      pairs++;
      wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  return wins / pairs;
}

test('classifier metrics per day match hand-computed accuracy, log loss and AUC', async () => {
  const p = [0.9, 0.8, 0.3, 0.2];
  const y = [1, 0, 1, 0];
  // Day 2: ties, to check the average rank.
  const p2 = [0.5, 0.5, 0.5, 0.9];
  const y2 = [1, 0, 0, 1];
  const day1 = p.map((prob, i) => ({ entity: { id: `a${i}` }, features: {}, prediction: prob >= 0.5 ? 1 : 0, probability: prob, predictedAt: T0 - 2 * DAY + i }));
  const day2 = p2.map((prob, i) => ({ entity: { id: `b${i}` }, features: {}, prediction: 1, probability: prob, predictedAt: T0 - DAY + i }));
  const ids = await logPredictions('clf', [...day1, ...day2]);
  const res = await postJson(`${s.url}/api/v1/outcomes`, { model: 'clf', outcomes: [...y, ...y2].map((value, i) => ({ predictionId: ids[i], value: i === 0 ? true : value })) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.recorded, 8);

  const report = await perf('clf', '?bucket=day');
  assert.equal(report.task, 'classification');
  assert.deepEqual(
    report.buckets.map((b: { start: string }) => b.start),
    [new Date(T0 - 2 * DAY).toISOString().slice(0, 10), new Date(T0 - DAY).toISOString().slice(0, 10)].map((d) => `${d}T00:00:00.000Z`),
  );
  const [b1, b2] = report.buckets;
  assert.equal(b1.count, 4);
  assert.equal(b1.accuracy, 0.5); // predicted [1,1,0,0] against [1,0,1,0]
  assert.equal(b1.auc, 0.75); // pairs (0.9,0.8) (0.9,0.2) (0.3,0.2) ranked right, (0.3,0.8) wrong
  assert.equal(pairwiseAuc(p, y), 0.75);
  const logLoss = -(Math.log(0.9) + Math.log(1 - 0.8) + Math.log(0.3) + Math.log(1 - 0.2)) / 4;
  assert.ok(Math.abs(b1.logLoss - logLoss) < 1e-12, `${b1.logLoss} vs ${logLoss}`);
  assert.equal(b2.auc, pairwiseAuc(p2, y2)); // 0.75 with the ties counted one half
  assert.equal(b2.auc, 0.75);
  assert.equal(b2.accuracy, 0.5); // every probability >= 0.5 predicts 1: right on the two positives
  assert.equal(report.overall.count, 8);
  assert.equal(report.overall.auc, pairwiseAuc([...p, ...p2], [...y, ...y2]));
  // A threshold and a time range.
  const narrow = await perf('clf', `?threshold=0.85&from=${T0 - 2 * DAY}&to=${new Date(T0 - DAY).toISOString()}`);
  assert.equal(narrow.buckets.length, 1);
  assert.equal(narrow.buckets[0].accuracy, 0.75); // predicted [1,0,0,0] against [1,0,1,0]
  const hourly = await perf('clf', '?bucket=hour');
  assert.equal(hourly.buckets.length, 2);
});

test('regressor MAE and RMSE by hand; a repeated outcome replaces the earlier one', async () => {
  const preds = [3, 5, 10];
  const ids = await logPredictions(
    'reg',
    preds.map((prediction, i) => ({ entity: { id: i }, features: { x: i }, prediction, predictedAt: T0 - 3600_000 })),
  );
  assert.equal((await postJson(`${s.url}/api/v1/outcomes`, { model: 'reg', outcomes: ids.map((predictionId, i) => ({ predictionId, value: [2, 7, 10][i] })) })).status, 201);
  let report = await perf('reg');
  assert.equal(report.task, 'regression');
  assert.equal(report.overall.count, 3);
  assert.equal(report.overall.mae, (1 + 2 + 0) / 3);
  assert.ok(Math.abs(report.overall.rmse - Math.sqrt((1 + 4 + 0) / 3)) < 1e-12);
  // A corrected outcome for the third prediction: 10 -> 13 (error 3); the latest received wins.
  s.services.clock.set(T0 + 1000);
  assert.equal((await postJson(`${s.url}/api/v1/outcomes`, { model: 'reg', outcomes: [{ predictionId: ids[2], value: 13 }] })).status, 201);
  report = await perf('reg');
  assert.equal(report.overall.count, 3);
  assert.equal(report.overall.mae, (1 + 2 + 3) / 3);
  assert.ok(Math.abs(report.overall.rmse - Math.sqrt((1 + 4 + 9) / 3)) < 1e-12);
  // Within one batch the later of two outcomes wins too.
  assert.equal(
    (
      await postJson(`${s.url}/api/v1/outcomes`, {
        model: 'reg',
        outcomes: [
          { predictionId: ids[2], value: 0 },
          { predictionId: ids[2], value: 10 },
        ],
      })
    ).status,
    201,
  );
  assert.equal((await perf('reg')).overall.mae, 1);
  s.services.clock.set(T0);
});

test('predictions made in year 1 and in year 9999 get buckets too, in time order', async () => {
  // Bucket starts once went through DuckDB's text form, which writes "(BC)" and five-digit years; years
  // outside 0001-9999 are no longer taken (the malformed outcomes test).
  const times = [Date.parse('9999-12-31T23:59:59.999Z'), Date.parse('0001-06-01T00:00:00Z'), Date.UTC(2026, 5, 1), Date.parse('0001-01-01T00:00:00Z')];
  const ids = await logPredictions(
    'eras',
    times.map((predictedAt, i) => ({ entity: { id: i }, features: {}, prediction: i, predictedAt })),
  );
  assert.equal((await postJson(`${s.url}/api/v1/outcomes`, { model: 'eras', outcomes: ids.map((predictionId, i) => ({ predictionId, value: i + 1 })) })).status, 201);
  const report = await perf('eras', '?bucket=day');
  const day = (ms: number) => new Date(ms - (((ms % DAY) + DAY) % DAY)).toISOString();
  assert.deepEqual(
    report.buckets.map((b: { start: string; count: number; mae: number }) => [b.start, b.count, b.mae]),
    [...times].sort((a, b) => a - b).map((t) => [day(t), 1, 1]),
  );
  assert.equal(report.buckets[0].start, '0001-01-01T00:00:00.000Z');
  assert.equal(report.buckets[1].start, '0001-06-01T00:00:00.000Z');
  assert.equal(report.buckets[3].start, '9999-12-31T00:00:00.000Z');
});

test('an outcome by entity and time joins the latest prediction made at or before it', async () => {
  await logPredictions('ent', [
    { entity: { station: 'a', day: 1 }, features: {}, prediction: 1, probability: 0.9, predictedAt: T0 - 2 * DAY },
    { entity: { station: 'a', day: 1 }, features: {}, prediction: 0, probability: 0.2, predictedAt: T0 - DAY },
    { entity: { station: 'b', day: 1 }, features: {}, prediction: 0, probability: 0.4, predictedAt: T0 - DAY },
  ]);
  const res = await postJson(`${s.url}/api/v1/outcomes`, {
    model: 'ent',
    outcomes: [
      { entity: { day: 1, station: 'a' }, at: new Date(T0 - 2 * DAY + 3600_000).toISOString(), value: 1 }, // the first prediction (0.9)
      { entity: { station: 'a', day: 1 }, at: T0 - DAY, value: 1 }, // at the second's very time: the second (0.2)
    ],
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.deepEqual(
    res.body.outcomes.map((o: { matchedBy: string }) => o.matchedBy),
    ['entity', 'entity'],
  );
  const report = await perf('ent');
  assert.deepEqual(
    report.buckets.map((b: { count: number; accuracy: number }) => [b.count, b.accuracy]),
    [
      [1, 1],
      [1, 0],
    ],
  );
  // Before any prediction of the entity: 404 naming the outcome, nothing stored.
  const early = await postJson(`${s.url}/api/v1/outcomes`, {
    model: 'ent',
    outcomes: [
      { entity: { station: 'b', day: 1 }, at: T0 - DAY, value: 0 },
      { entity: { station: 'b', day: 1 }, at: T0 - 3 * DAY, value: 0 },
    ],
  });
  assert.equal(early.status, 404);
  assert.deepEqual(
    early.body.errors.map((e: { path: string }) => e.path),
    ['outcomes[1].entity'],
  );
  assert.equal((await perf('ent')).overall.count, 2);
  // Two entities in one batch; a's outcome joins its second prediction again and replaces the earlier outcome.
  const both = await postJson(`${s.url}/api/v1/outcomes`, {
    model: 'ent',
    outcomes: [
      { entity: { station: 'b', day: 1 }, at: T0, value: 0 },
      { entity: { station: 'a', day: 1 }, at: T0, value: 0 },
    ],
  });
  assert.equal(both.status, 201, JSON.stringify(both.body));
  const after = await perf('ent');
  assert.equal(after.overall.count, 3);
  assert.deepEqual(
    after.buckets.map((b: { count: number; accuracy: number }) => [b.count, b.accuracy]),
    [
      [1, 1],
      [2, 1], // a: 0.2 -> class 0, now labelled 0; b: 0.4 -> class 0, labelled 0
    ],
  );
});

test('malformed outcomes are 400 naming the field; unknown ids 404; nothing is stored', async () => {
  const [id] = await logPredictions('bad', [{ entity: { id: 1 }, features: {}, prediction: 1, probability: 0.7 }]);
  const cases: [object, number, string][] = [
    [{ model: 'bad', outcomes: [{ predictionId: id }] }, 400, 'outcomes[0].value'],
    [{ model: 'bad', outcomes: [{ predictionId: id, value: 'yes' }] }, 400, 'outcomes[0].value'],
    [
      {
        model: 'bad',
        outcomes: [
          { predictionId: id, value: 1 },
          { predictionId: 'nope', value: 1 },
        ],
      },
      400,
      'outcomes[1].predictionId',
    ],
    [{ model: 'bad', outcomes: [{ predictionId: id, entity: { id: 1 }, value: 1 }] }, 400, 'outcomes[0].predictionId'],
    [{ model: 'bad', outcomes: [{ value: 1 }] }, 400, 'outcomes[0].predictionId'],
    [{ model: 'bad', outcomes: [{ predictionId: id, value: 1, at: 'yesterday' }] }, 400, 'outcomes[0].at'],
    [{ model: 'bad', outcomes: [{ predictionId: id, value: 1, at: 8.64e15 }] }, 400, 'outcomes[0].at'],
    [{ model: 'bad', outcomes: [{ entity: { id: 1 }, value: 1, at: '0000-12-31T23:59:59Z' }] }, 400, 'outcomes[0].at'],
    [{ model: 'Bad!', outcomes: [{ predictionId: id, value: 1 }] }, 400, 'model'],
    [{ model: 'bad', outcomes: [] }, 400, 'outcomes'],
    [{ model: 'bad', outcomes: [{ predictionId: id, value: 1, extra: 1 }] }, 400, 'outcomes[0].extra'],
    [
      {
        model: 'bad',
        outcomes: [
          { predictionId: id, value: 1 },
          { predictionId: randomUUID(), value: 0 },
        ],
      },
      404,
      'outcomes[1].predictionId',
    ],
    [{ model: 'other', outcomes: [{ predictionId: id, value: 1 }] }, 404, 'outcomes[0].predictionId'],
  ];
  for (const [body, status, field] of cases) {
    const res = await postJson(`${s.url}/api/v1/outcomes`, body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.match(res.type, /application\/problem\+json/);
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === field),
      `${JSON.stringify(body)}: ${JSON.stringify(res.body.errors)}`,
    );
  }
  assert.equal((await perf('bad')).overall.count, 0);
  assert.equal((await perf('bad')).task, null);
  for (const [query, field] of [
    ['?bucket=week', '(query) bucket'],
    ['?from=soon', '(query) from'],
    ['?to=8640000000000000', '(query) to'],
    ['?threshold=2', '(query) threshold'],
    ['?colour=red', '(query) colour'],
  ]) {
    const res = await getJson(`${s.url}/api/v1/models/bad/performance${query}`);
    assert.equal(res.status, 400, query);
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === field),
      `${query}: ${JSON.stringify(res.body.errors)}`,
    );
  }
});
