import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastBatch } from '../../server/prediction-logs/fast-batch.js';
import { predictionBatchSchema } from '../../server/prediction-logs/prediction-log.js';

const good = { entity: { customer_id: 'c1' }, features: { age: 0.5, plan: 'gold', churned: false, missing: null }, prediction: true };

/** Good batches: the hand-written check takes them, with the schema's result (defaults filled in). */
const goodBatches: unknown[] = [
  { model: 'churn', predictions: [good] },
  { model: 'churn.v2_a-b', modelVersion: '3', predictions: [good, { ...good, prediction: 0.25, probability: 0 }] },
  {
    model: 'm',
    predictions: [
      {
        id: '0192F3A4-0000-7000-8000-000000000001',
        entity: { store: 3, sku: 'a' },
        features: {},
        featureVersions: { customers: 2 },
        prediction: null,
        probability: null,
        status: 'failed',
        error: 'timeout',
        predictedAt: '2026-11-29T12:00:00Z',
      },
      { ...good, predictedAt: 1764417600000, probability: 1, prediction: 'yes', status: 'ok' },
    ],
  },
];

/** Bad batches: each breaks one rule of the schema; the check must pass them on to it (null). */
const badBatches: unknown[] = [
  null,
  [],
  'x',
  { predictions: [good] },
  { model: 'Churn', predictions: [good] },
  { model: '', predictions: [good] },
  { model: 'a'.repeat(129), predictions: [good] },
  { model: 'churn', modelVersion: '', predictions: [good] },
  { model: 'churn', modelVersion: 3, predictions: [good] },
  { model: 'churn', modelVersion: 'v'.repeat(129), predictions: [good] },
  { model: 'churn', predictions: [] },
  { model: 'churn', predictions: good },
  { model: 'churn', predictions: Array.from({ length: 10_001 }, () => good) },
  { model: 'churn', predictions: [good], colour: 'red' },
  { model: 'churn', predictions: [good, null] },
  { model: 'churn', predictions: [good, [good]] },
  { model: 'churn', predictions: [{ ...good, colour: 'red' }] },
  { model: 'churn', predictions: [{ ...good, id: 'not-a-uuid' }] },
  { model: 'churn', predictions: [{ ...good, id: 7 }] },
  { model: 'churn', predictions: [{ features: {}, prediction: 1 }] },
  { model: 'churn', predictions: [{ ...good, entity: [] }] },
  { model: 'churn', predictions: [{ ...good, entity: { a: true } }] },
  { model: 'churn', predictions: [{ ...good, entity: { a: null } }] },
  { model: 'churn', predictions: [{ ...good, entity: { a: { b: 1 } } }] },
  { model: 'churn', predictions: [{ ...good, features: null }] },
  { model: 'churn', predictions: [{ ...good, features: { a: [1] } }] },
  { model: 'churn', predictions: [{ ...good, features: { a: { b: 1 } } }] },
  { model: 'churn', predictions: [{ entity: good.entity, features: good.features }] },
  { model: 'churn', predictions: [{ ...good, prediction: [1] }] },
  { model: 'churn', predictions: [{ ...good, prediction: { a: 1 } }] },
  { model: 'churn', predictions: [{ ...good, featureVersions: { a: 0 } }] },
  { model: 'churn', predictions: [{ ...good, featureVersions: { a: 1.5 } }] },
  { model: 'churn', predictions: [{ ...good, featureVersions: { a: '1' } }] },
  { model: 'churn', predictions: [{ ...good, featureVersions: [] }] },
  { model: 'churn', predictions: [{ ...good, probability: 2 }] },
  { model: 'churn', predictions: [{ ...good, probability: -0.1 }] },
  { model: 'churn', predictions: [{ ...good, probability: '0.5' }] },
  { model: 'churn', predictions: [{ ...good, status: 'maybe' }] },
  { model: 'churn', predictions: [{ ...good, error: 5 }] },
  { model: 'churn', predictions: [{ ...good, error: 'e'.repeat(10_001) }] },
  { model: 'churn', predictions: [{ ...good, predictedAt: true }] },
  { model: 'churn', predictions: [{ ...good, predictedAt: null }] },
  JSON.parse('{"model":"churn","predictions":[{"entity":{"__proto__":"x"},"features":{},"prediction":1}]}'),
];

test('the hand-written batch check takes good batches with the result the schema gives', () => {
  for (const body of goodBatches) {
    const expected = predictionBatchSchema.parse(body);
    assert.deepEqual(fastBatch(body), expected, JSON.stringify(body));
  }
});

test('the hand-written batch check passes every bad batch on to the schema (which refuses it)', () => {
  for (const body of badBatches) {
    const text = JSON.stringify(body)?.slice(0, 200);
    // The schema is the judge: each of these breaks one of its rules.
    if (!(body !== null && typeof body === 'object' && JSON.stringify(body).includes('__proto__'))) {
      assert.equal(predictionBatchSchema.safeParse(body).success, false, `the schema takes ${text}`);
    }
    assert.equal(fastBatch(body), null, text);
  }
});
