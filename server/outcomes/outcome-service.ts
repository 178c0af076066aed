import type { Clock } from '../clock.js';
import { parseTimestamp, TIMESTAMP_FORMS } from '../domain/time.js';
import { TesseraError, type FieldError, validationError } from '../errors.js';
import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import { entityKey } from '../prediction-logs/log-row.js';
import type { LoggedPrediction } from '../prediction-logs/prediction-log.js';
import type { PredictionLogService } from '../prediction-logs/prediction-log-service.js';
import type { OutcomeBatch, OutcomeRow } from './outcome.js';
import type { OutcomeStore } from './outcome-store.js';
import { type PerformanceQuery, type PerformanceReport, performanceReport } from './performance-query.js';

export interface OutcomeServiceDeps {
  logs: PredictionLogService;
  store: OutcomeStore;
  engine: DuckDbEngine;
  clock: Clock;
}

/** How many of an entity's newest predictions a join by entity and time looks through (on average over a batch's entities). */
const ENTITY_SCAN = 1000;
/** ...and at most this many for a whole batch (memory). */
const MAX_SCAN = 200_000;

/**
 * Outcomes (ground truth that arrives later) and the model performance computed from them. An outcome
 * is joined to its prediction when it is recorded and stored with it, so a performance read is one
 * DuckDB query over the outcome files. docs/monitoring.md ("Model performance") has the rules.
 */
export class OutcomeService {
  constructor(private readonly deps: OutcomeServiceDeps) {}

  async record(batch: OutcomeBatch): Promise<{ recorded: number; outcomes: { predictionId: string; matchedBy: 'id' | 'entity' }[] }> {
    const receivedAt = this.deps.clock.now();
    const errors: FieldError[] = [];
    const at = batch.outcomes.map((o, i) => {
      if (o.at === undefined) return receivedAt;
      const t = parseTimestamp(o.at);
      if (t === null) errors.push({ path: `outcomes[${i}].at`, message: `'${String(o.at)}' is not a timestamp: use ${TIMESTAMP_FORMS}` });
      return t ?? receivedAt;
    });
    batch.outcomes.forEach((o, i) => {
      if ((o.predictionId === undefined) === (o.entity === undefined))
        errors.push({ path: `outcomes[${i}].predictionId`, message: 'give either predictionId or entity (with at), not both nor neither' });
    });
    if (errors.length > 0) throw validationError(`invalid outcomes: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);

    const ids = [...new Set(batch.outcomes.flatMap((o) => (o.predictionId ? [o.predictionId.toLowerCase()] : [])))];
    const byId = new Map((ids.length ? await this.deps.logs.byIds(batch.model, ids) : []).map((p) => [p.id, p]));
    const byEntity = await this.entityHistories(batch);
    const rows: OutcomeRow[] = [];
    const missing: FieldError[] = [];
    for (const [i, o] of batch.outcomes.entries()) {
      const p = o.predictionId ? byId.get(o.predictionId.toLowerCase()) : latestBefore(byEntity.get(entityKey(o.entity!)) ?? [], at[i]);
      if (!p) {
        missing.push(
          o.predictionId
            ? { path: `outcomes[${i}].predictionId`, message: `model '${batch.model}' has no logged prediction '${o.predictionId}'` }
            : { path: `outcomes[${i}].entity`, message: `model '${batch.model}' has no prediction of entity '${entityKey(o.entity!)}' made at or before ${new Date(at[i]).toISOString()}` },
        );
        continue;
      }
      rows.push({
        prediction_id: p.id,
        model_version: p.modelVersion,
        predicted_at: Date.parse(p.predictedAt),
        prediction: numeric(p.prediction),
        probability: p.probability,
        label: typeof o.value === 'boolean' ? Number(o.value) : o.value,
        outcome_at: at[i],
        received_at: receivedAt,
        seq: i,
      });
    }
    // All or nothing: one outcome that joins no prediction rejects the batch, and nothing is stored.
    if (missing.length > 0) throw new TesseraError('not_found', `outcomes without a logged prediction: ${missing.map((e) => e.path).join(', ')}`, missing);
    await this.deps.store.append(batch.model, rows, receivedAt);
    return { recorded: rows.length, outcomes: batch.outcomes.map((o, i) => ({ predictionId: rows[i].prediction_id, matchedBy: o.predictionId ? 'id' : 'entity' })) };
  }

  async performance(q: PerformanceQuery): Promise<PerformanceReport> {
    const relation = await this.deps.store.latest(q.model);
    return this.deps.engine.withConnection((db) => performanceReport(db, relation, q));
  }

  /** Models that have outcomes. */
  models(): Promise<string[]> {
    return this.deps.store.models();
  }

  /**
   * The newest `ok` predictions of each entity the batch names (one read for the batch): up to
   * ENTITY_SCAN per entity on average, newest first.
   */
  private async entityHistories(batch: OutcomeBatch): Promise<Map<string, LoggedPrediction[]>> {
    const keys = [...new Set(batch.outcomes.flatMap((o) => (o.entity ? [entityKey(o.entity)] : [])))];
    const out = new Map<string, LoggedPrediction[]>();
    if (keys.length === 0) return out;
    const { predictions } = await this.deps.logs.read({ model: batch.model, entityKeys: keys, status: 'ok', limit: Math.min(ENTITY_SCAN * keys.length, MAX_SCAN) });
    for (const p of predictions) {
      const list = out.get(p.entityKey);
      if (list) list.push(p);
      else out.set(p.entityKey, [p]);
    }
    return out;
  }
}

/** The latest prediction made at or before `at`. */
function latestBefore(predictions: LoggedPrediction[], at: number): LoggedPrediction | undefined {
  let best: LoggedPrediction | undefined;
  for (const p of predictions) {
    const t = Date.parse(p.predictedAt);
    if (t <= at && (best === undefined || t > Date.parse(best.predictedAt))) best = p;
  }
  return best;
}

function numeric(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return Number(v);
  return null;
}
