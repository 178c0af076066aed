import fs from 'node:fs';
import path from 'node:path';
import { seeded } from '../support/seeded.js';

export const PIPELINE_COLUMNS = 'driver_id,event_timestamp,created,f1,f2,f3,f4,f5,trips,car';
const CARS = Array.from({ length: 20 }, (_, i) => `model_${String.fromCharCode(97 + i)}`);

/**
 * The pipeline benchmark's source: `rows` rows x 10 columns (an int64 key over `entities` ids, event
 * and created timestamps over 30 days, 5 floats with 5% nulls, an int, a 20-value category), as CSV.
 */
export function writePipelineCsv(file: string, rows: number, entities = 100_000, seed = 42): void {
  const rand = seeded(seed);
  const base = Date.parse('2026-10-01T00:00:00Z');
  const span = 30 * 86_400_000;
  const fd = fs.openSync(file, 'w');
  let chunk = `${PIPELINE_COLUMNS}\n`;
  const float = () => (rand() < 0.05 ? '' : (rand() * 1000 - 200).toFixed(4));
  for (let i = 0; i < rows; i++) {
    const ts = base + Math.floor((i / rows) * span);
    chunk += `${Math.floor(rand() * entities)},${new Date(ts).toISOString()},${new Date(ts + 1000).toISOString()},${float()},${float()},${float()},${float()},${float()},${rand() < 0.05 ? '' : Math.floor(rand() * 50)},${CARS[Math.floor(rand() * rand() * 20)]}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

/**
 * The pipeline CSV of `rows` rows under `workDir/csv`, written once and reused by every scenario and
 * run that asks for the same size (generating 10M rows takes longer than processing them).
 */
export function pipelineCsv(workDir: string, rows: number): string {
  const file = path.join(workDir, 'csv', `pipeline-${rows}.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written under a temporary name: an interrupted generation never passes for a complete file.
  writePipelineCsv(`${file}.partial`, rows);
  fs.renameSync(`${file}.partial`, file);
  return file;
}

/** The bundle the pipeline benchmark applies: impute + scale on every number, one-hot on the category. */
export function pipelineBundle(csvPath: string, options: { online?: boolean } = {}) {
  const numeric = (name: string, strategy: 'mean' | 'median', method: 'standard' | 'minmax' | 'robust') => ({
    name,
    type: 'float64' as const,
    transforms: [{ impute: { strategy } }, { scale: { method } }],
  });
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' as const }],
    sources: [{ name: 'bench_source', type: 'csv' as const, path: csvPath, timestampField: 'event_timestamp', createdTimestampField: 'created' }],
    featureViews: [
      {
        name: 'bench_view',
        entities: ['driver'],
        source: 'bench_source',
        online: options.online ?? true,
        features: [
          numeric('f1', 'mean', 'standard'),
          numeric('f2', 'median', 'standard'),
          numeric('f3', 'mean', 'minmax'),
          numeric('f4', 'median', 'robust'),
          numeric('f5', 'mean', 'standard'),
          { name: 'trips', type: 'int64' as const, transforms: [{ impute: { strategy: 'median' as const } }, { scale: { method: 'minmax' as const } }] },
          { name: 'car', type: 'string' as const, transforms: [{ encode: { method: 'onehot' as const, maxCategories: 20 } }] },
        ],
      },
    ],
  };
}

/** The event-time spans of issue 12's pipeline source: a few days of events, or a four-year backfill. */
export const EVENT_SPANS = { days: 3 * 86_400_000, years: 4 * 365 * 86_400_000 } as const;
export type EventSpan = keyof typeof EVENT_SPANS;

export const WIDE_COLUMNS = 'driver_id,event_timestamp,f1,f2,f3,f4,f5,f6,city,model';
const CITIES = Array.from({ length: 12 }, (_, i) => `city_${i + 1}`);
const MODELS = Array.from({ length: 40 }, (_, i) => `model_${i + 1}`);

/**
 * Issue 12's pipeline source: `rows` rows x 10 columns (an int64 key over 100k ids, the event time in
 * order over `span`, six floats and two strings of 12 and 40 categories, 5% nulls in each), as CSV.
 */
export function writeWideCsv(file: string, rows: number, span: EventSpan, entities = 100_000, seed = 12): void {
  const rand = seeded(seed);
  const base = Date.parse('2026-10-01T00:00:00Z') - EVENT_SPANS[span];
  const fd = fs.openSync(file, 'w');
  let chunk = `${WIDE_COLUMNS}\n`;
  const float = () => (rand() < 0.05 ? '' : (rand() * 1000 - 200).toFixed(4));
  const category = (values: string[]) => (rand() < 0.05 ? '' : values[Math.floor(rand() * rand() * values.length)]);
  for (let i = 0; i < rows; i++) {
    const ts = base + Math.floor((i / rows) * EVENT_SPANS[span]);
    chunk += `${Math.floor(rand() * entities)},${new Date(ts).toISOString()},${float()},${float()},${float()},${float()},${float()},${float()},${category(CITIES)},${category(MODELS)}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

/** The wide CSV of `rows` rows over `span` under `workDir/csv`, written once per size and span. */
export function wideCsv(workDir: string, rows: number, span: EventSpan): string {
  const file = path.join(workDir, 'csv', `wide-${span}-${rows}.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeWideCsv(`${file}.partial`, rows, span);
  fs.renameSync(`${file}.partial`, file);
  return file;
}

/** Issue 12's view: impute + scale on the six floats, impute + one-hot on the two strings, online on. */
export function wideBundle(csvPath: string, options: { online?: boolean } = {}) {
  const numeric = (name: string, strategy: 'mean' | 'median', method: 'standard' | 'minmax' | 'robust') => ({
    name,
    type: 'float64' as const,
    transforms: [{ impute: { strategy } }, { scale: { method } }],
  });
  const onehot = (name: string, maxCategories: number) => ({
    name,
    type: 'string' as const,
    transforms: [{ impute: { strategy: 'mode' as const } }, { encode: { method: 'onehot' as const, maxCategories } }],
  });
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' as const }],
    sources: [{ name: 'wide_source', type: 'csv' as const, path: csvPath, timestampField: 'event_timestamp' }],
    featureViews: [
      {
        name: 'bench_view',
        entities: ['driver'],
        source: 'wide_source',
        online: options.online ?? true,
        features: [
          numeric('f1', 'mean', 'standard'),
          numeric('f2', 'median', 'standard'),
          numeric('f3', 'mean', 'minmax'),
          numeric('f4', 'median', 'robust'),
          numeric('f5', 'mean', 'standard'),
          numeric('f6', 'median', 'minmax'),
          onehot('city', 12),
          onehot('model', 40),
        ],
      },
    ],
  };
}
