import { randomBytes } from 'node:crypto';
import * as arrow from 'apache-arrow';
import { formatTimestamp, parseTimestamp, utcDate } from '../domain/time.js';
import { validationError } from '../errors.js';
import type { FileStore } from '../offline/file-store.js';
import { fromParquet, toParquet } from '../offline/parquet-file.js';
import type { LoggedPrediction, PredictionBatch } from './prediction-log.js';

/**
 * The prediction log: the feedback loop for monitoring and retraining. Each batch a service logs
 * becomes one Parquet file under `logs/predictions/model=<model>/date=YYYY-MM-DD/`, written
 * atomically; DuckDB, Spark or pandas read the folder as one Hive-partitioned table. Variable parts
 * (entity, features, versions) are JSON text columns, so every model shares one schema.
 */
export class PredictionLogStore {
  constructor(
    private readonly files: FileStore,
    private readonly now: () => number,
  ) {}

  async append(batch: PredictionBatch): Promise<{ logged: number; file: string }> {
    const loggedAt = this.now();
    const rows = batch.predictions.map((p, i) => {
      const predictedAt = p.predictedAt === undefined ? loggedAt : parseTimestamp(p.predictedAt);
      if (predictedAt === null) throw validationError('invalid predictedAt', [{ path: `predictions[${i}].predictedAt`, message: `'${String(p.predictedAt)}' is not a timestamp` }]);
      return { ...p, predictedAt };
    });
    const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
    const text = (values: (string | null)[]) => arrow.vectorFromArray(values, new arrow.Utf8());
    const table = new arrow.Table({
      model: text(column(() => batch.model)),
      model_version: text(column(() => batch.modelVersion)),
      logged_at: arrow.vectorFromArray(
        column(() => loggedAt),
        new arrow.TimestampMillisecond('UTC'),
      ),
      predicted_at: arrow.vectorFromArray(
        column((r) => r.predictedAt),
        new arrow.TimestampMillisecond('UTC'),
      ),
      entity: text(column((r) => JSON.stringify(r.entity))),
      features: text(column((r) => JSON.stringify(r.features))),
      feature_versions: text(column((r) => JSON.stringify(r.featureVersions))),
      prediction: text(column((r) => JSON.stringify(r.prediction))),
      probability: arrow.vectorFromArray(
        column((r) => r.probability ?? null),
        new arrow.Float64(),
      ),
      status: text(column((r) => r.status)),
      error: text(column((r) => r.error ?? null)),
    });
    const file = `logs/predictions/model=${batch.model}/date=${utcDate(loggedAt)}/${loggedAt}-${randomBytes(4).toString('hex')}.parquet`;
    await this.files.writeAtomic(file, toParquet(table));
    return { logged: rows.length, file };
  }

  /** A model's logged predictions, oldest first (the newest `limit` of them). */
  async read(model: string, options: { limit: number; status?: 'ok' | 'failed' }): Promise<LoggedPrediction[]> {
    const out: LoggedPrediction[] = [];
    const files = (await this.files.list(`logs/predictions/model=${model}`)).filter((f) => f.endsWith('.parquet'));
    // File names start with the log time, so sorting by name is sorting by time within a day.
    files.sort((a, b) => a.split('/').slice(-2).join('/').localeCompare(b.split('/').slice(-2).join('/')));
    for (const file of files) {
      const table = fromParquet(await this.files.read(file));
      for (const row of table) {
        const r = row.toJSON() as Record<string, unknown>;
        if (options.status && r.status !== options.status) continue;
        out.push({
          model: r.model as string,
          modelVersion: r.model_version as string,
          loggedAt: formatTimestamp(Number(r.logged_at)),
          predictedAt: formatTimestamp(Number(r.predicted_at)),
          entity: JSON.parse(r.entity as string),
          features: JSON.parse(r.features as string),
          featureVersions: JSON.parse(r.feature_versions as string),
          prediction: JSON.parse(r.prediction as string),
          probability: (r.probability as number | null) ?? null,
          status: r.status as 'ok' | 'failed',
          error: (r.error as string | null) ?? null,
        });
      }
    }
    return out.slice(-options.limit);
  }
}
