import type { Prediction, PredictionBatch } from './prediction-log.js';

const MODEL = /^[a-z0-9][a-z0-9_.-]{0,127}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BATCH_KEYS = new Set(['model', 'modelVersion', 'predictions']);
const PREDICTION_KEYS = new Set(['id', 'entity', 'features', 'featureVersions', 'prediction', 'probability', 'status', 'error', 'predictedAt']);

type Check = (v: unknown) => boolean;
const entityValue: Check = (v) => typeof v === 'string' || typeof v === 'number';
const scalar: Check = (v) => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
const version: Check = (v) => Number.isSafeInteger(v) && (v as number) > 0;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object whose own values all pass `check` (and no `__proto__` key, which zod copies differently). */
function isRecord(v: unknown, check: Check): v is Record<string, never> {
  if (!isObject(v)) return false;
  for (const key in v) {
    if (key === '__proto__' || !check(v[key])) return false;
  }
  return true;
}

function prediction(p: unknown): Prediction | null {
  if (!isObject(p)) return null;
  for (const key in p) if (!PREDICTION_KEYS.has(key)) return null;
  const { id, entity, features, featureVersions, prediction, probability, status, error, predictedAt } = p;
  if (id !== undefined && (typeof id !== 'string' || !UUID.test(id))) return null;
  if (!isRecord(entity, entityValue) || !isRecord(features, scalar) || !scalar(prediction)) return null;
  if (featureVersions !== undefined && !isRecord(featureVersions, version)) return null;
  if (probability !== undefined && probability !== null && !(typeof probability === 'number' && probability >= 0 && probability <= 1)) return null;
  if (status !== undefined && status !== 'ok' && status !== 'failed') return null;
  if (error !== undefined && !(typeof error === 'string' && error.length <= 10_000)) return null;
  if (predictedAt !== undefined && typeof predictedAt !== 'string' && typeof predictedAt !== 'number') return null;
  const out: Prediction = { entity, features, featureVersions: featureVersions ?? {}, prediction: prediction as Prediction['prediction'], status: status ?? 'ok' };
  if (id !== undefined) out.id = id;
  if (probability !== undefined) out.probability = probability as number | null;
  if (error !== undefined) out.error = error;
  if (predictedAt !== undefined) out.predictedAt = predictedAt;
  return out;
}

/**
 * `predictionBatchSchema` for a decoded JSON body, written out by hand: the zod schema costs more CPU
 * per prediction than the rest of an append. It only ever accepts what the schema accepts, with the
 * same result; anything else is null and the caller runs the schema, whose 400 names the field. So a
 * bad batch gets exactly the problem document it always did, and only good ones take this path.
 * (test/prediction-logs/fast-batch.test.ts compares the two on good and bad batches.)
 */
export function fastBatch(body: unknown): PredictionBatch | null {
  if (!isObject(body)) return null;
  for (const key in body) if (!BATCH_KEYS.has(key)) return null;
  const { model, modelVersion, predictions } = body;
  if (typeof model !== 'string' || !MODEL.test(model)) return null;
  if (modelVersion !== undefined && !(typeof modelVersion === 'string' && modelVersion.length >= 1 && modelVersion.length <= 128)) return null;
  if (!Array.isArray(predictions) || predictions.length < 1 || predictions.length > 10_000) return null;
  const out: Prediction[] = new Array(predictions.length);
  for (let i = 0; i < predictions.length; i++) {
    const p = prediction(predictions[i]);
    if (p === null) return null;
    out[i] = p;
  }
  return { model, modelVersion: modelVersion ?? '1', predictions: out };
}
