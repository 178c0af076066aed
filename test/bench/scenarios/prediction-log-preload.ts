import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { utcDate } from '../../../server/domain/time.js';
import { LocalFileStore } from '../../../server/offline/file-store.js';
import { literal } from '../../../server/offline/sql.js';
import { FILE_FORMAT, FILE_ORDER, logFolder } from '../../../server/prediction-logs/log-publisher.js';
import { openSqliteDb } from '../../../server/registry/sqlite/open-sqlite-db.js';
import { SqlitePredictionLogStore } from '../../../server/registry/sqlite/sqlite-prediction-log-store.js';

const DAY_MS = 86_400_000;

/**
 * Rows `i` of a preloaded day as the publisher writes them (its columns, times as TIMESTAMP): the
 * same shape as the scenario's HTTP predictions, the values from a hash of `i` so they compress as
 * varied data does, the ids UUIDv7-shaped (time first) and unique.
 */
function rowsSql(model: string, dayStart: number, stepMs: number, from: number, to: number): string {
  const at = `(${dayStart}::BIGINT + floor(i * ${stepMs}::DOUBLE)::BIGINT)`;
  return `SELECT
    printf('%08x-%04x-7%03x-8%03x-%012x', ${at} // 65536, ${at} % 65536, i % 4096, (i // 4096) % 4096, hash(i) % 281474976710656) AS id,
    ${literal(model)} AS model, '4' AS model_version, epoch_ms(${at}) AS logged_at, epoch_ms(${at} - 5) AS predicted_at,
    '{"customer_id":"c' || (hash(i) % 100000) || '"}' AS entity, 'c' || (hash(i) % 100000) AS entity_key,
    '{"age":' || ((hash(i * 3) % 1000) / 1000.0) || ',"tenure":' || (hash(i * 5) % 120) || ',"plan":"' || (CASE WHEN i % 3 = 0 THEN 'gold' ELSE 'basic' END) || '"}' AS features,
    '{"customers":3}' AS feature_versions, CASE WHEN hash(i * 7) % 10 < 3 THEN 'true' ELSE 'false' END AS prediction,
    (hash(i * 11) % 1000) / 1000.0 AS probability, 'ok' AS status, NULL::VARCHAR AS error
  FROM range(${from}, ${to}) t(i)`;
}

/**
 * Fills a model's prediction log with `rows` predictions spread evenly over the UTC day before
 * `now`, before the server starts: DuckDB writes them as the publisher would have after `segments`
 * publishes (one zstd file per segment, rows newest first, in the log's folder), and they are recorded
 * in the registry through the same store the publisher uses. Logging 10 M predictions through HTTP
 * would take this shared machine most of an hour; the write path is measured separately.
 */
export async function preloadLog(options: { dataDir: string; model: string; rows: number; segments: number; now: number }): Promise<{ date: string; dayStart: number; seconds: number }> {
  const started = performance.now();
  const dayStart = Math.floor(options.now / DAY_MS) * DAY_MS - DAY_MS;
  const date = utcDate(dayStart);
  const stepMs = DAY_MS / options.rows;
  const files = new LocalFileStore(options.dataDir);
  const db = openSqliteDb(options.dataDir);
  const store = new SqlitePredictionLogStore(db);
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  try {
    const per = Math.ceil(options.rows / options.segments);
    for (let s = 0; s < options.segments; s++) {
      const from = s * per;
      const to = Math.min(options.rows, from + per);
      if (from >= to) break;
      const name = `preload-${String(s).padStart(6, '0')}`;
      const relPath = `${logFolder(options.model, date)}/${name}.parquet`;
      const staging = await files.stagingPath(relPath);
      await duck.run(`COPY (${rowsSql(options.model, dayStart, stepMs, from, to)} ${FILE_ORDER}) TO ${literal(staging)} (${FILE_FORMAT})`);
      const { size } = await fs.promises.stat(staging);
      await files.publish(staging, relPath);
      const minLoggedAt = dayStart + Math.floor(from * stepMs);
      const maxLoggedAt = dayStart + Math.floor((to - 1) * stepMs);
      await store.publish(name, to - from, [{ path: relPath, model: options.model, date, rows: to - from, bytes: size, minLoggedAt, maxLoggedAt, createdAt: options.now }], options.now);
    }
  } finally {
    duck.closeSync();
    instance.closeSync();
    db.close();
  }
  return { date, dayStart, seconds: (performance.now() - started) / 1000 };
}
