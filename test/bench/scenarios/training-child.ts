/**
 * One measurement of the training scenario, in a fresh process so peak RSS is that measurement's
 * alone. Prints one JSON line: `{seconds, rows, maxRssMB, ...}`. Modes:
 *   generate <dataDir> <quick|full>
 *   baseline <dataDir> <out.parquet>          bare DuckDB ASOF JOIN over the same files, same settings
 *   tessera <dataDir> <out> <format>          Tessera's retrieval, written as parquet|json|csv|arrow
 *   compare <dataDir> <a.parquet> <b.parquet>  rows in one answer and not the other (as multisets): {differing}
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { fixedClock } from '../../../server/clock.js';
import { loadConfig } from '../../../server/config.js';
import { parseDuration } from '../../../server/domain/duration.js';
import { createLogger } from '../../../server/logger.js';
import { duckDbOptions } from '../../../server/offline/duckdb-options.js';
import type { ResultFormat } from '../../../server/offline/result-format.js';
import { writableSink } from '../../../server/offline/result-sink.js';
import { fileList } from '../../../server/offline/sql.js';
import { openServices } from '../../../server/services.js';
import { FULL, QUICK, generateTrainingData, trainingBundle } from './training-data.js';

const [mode, dataDir, out, format] = process.argv.slice(2);

function report(values: Record<string, number | string>): void {
  process.stdout.write(`${JSON.stringify({ ...values, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

/** CPU seconds (all threads, DuckDB's included) since `from`: steadier than wall time on a shared machine. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

async function services() {
  const config = loadConfig({ dataDir, definitions: path.join(dataDir, 'defs'), logLevel: 'silent' }, {});
  return openServices(config, createLogger('silent'), fixedClock(Date.now()));
}

/** Every view's features, as the scenario asks for them. */
function features(): string[] {
  const bundle = trainingBundle(3);
  return bundle.featureViews!.flatMap((v) => v.features.map((f) => `${v.name}:${f.name}`));
}

async function main(): Promise<void> {
  if (mode === 'generate') {
    const started = performance.now();
    const { files } = await generateTrainingData(dataDir, out === 'full' ? FULL : QUICK);
    report({ seconds: (performance.now() - started) / 1000, files });
    return;
  }
  if (mode === 'compare') {
    const [a, b] = [out, format];
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const only = (x: string, y: string) => `(SELECT * FROM read_parquet('${x}') EXCEPT ALL SELECT * FROM read_parquet('${y}'))`;
    const reader = await connection.runAndReadAll(`SELECT (SELECT count(*) FROM ${only(a, b)}) + (SELECT count(*) FROM ${only(b, a)}) AS differing`);
    const differing = Number(reader.getRows()[0][0]);
    connection.closeSync();
    instance.closeSync();
    report({ seconds: 0, rows: 0, differing });
    return;
  }
  const s = await services();
  try {
    const entities = path.join(dataDir, 'entities.parquet');
    if (mode === 'baseline') {
      // The same files Tessera reads (every committed snapshot), and the same DuckDB settings.
      const views = trainingBundle(3).featureViews!;
      const files = await Promise.all(views.map(async (v) => (await s.runs.snapshots(v.name, 1)).flatMap((x) => x.files.map((f) => s.files.locate(f)))));
      const options = duckDbOptions(s.config);
      // DuckDB creates only the last level of its temp directory: at full size the ASOF JOIN spills.
      fs.mkdirSync(path.dirname(options.tempDirectory), { recursive: true });
      const cpu = process.cpuUsage();
      const started = performance.now();
      const instance = await DuckDBInstance.create(':memory:', { memory_limit: options.memoryLimit, temp_directory: options.tempDirectory, threads: String(options.threads) });
      const connection = await instance.connect();
      // The same query Tessera answers: a view's ttl nulls a match older than entity time - ttl (inclusive).
      const ttlMs = (v: (typeof views)[number]) => (v.ttl ? (parseDuration(v.ttl) ?? 0) * 1000 : 0);
      const select = views.flatMap((v, i) =>
        v.features.map((f) => (ttlMs(v) > 0 ? `CASE WHEN epoch_ms(f${i}.event_timestamp) >= epoch_ms(e.event_timestamp) - ${ttlMs(v)} THEN f${i}.${f.name} END AS ${f.name}` : `f${i}.${f.name}`)),
      );
      const joins = views.map((_, i) => `ASOF LEFT JOIN read_parquet(${fileList(files[i])}) f${i} ON e.driver_id = f${i}.driver_id AND e.event_timestamp >= f${i}.event_timestamp`);
      const result = await connection.run(`COPY (SELECT e.*, ${select.join(', ')} FROM read_parquet('${entities}') e ${joins.join(' ')}) TO '${out}' (FORMAT parquet)`);
      const rows = result.rowsChanged;
      connection.closeSync();
      instance.closeSync();
      report({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSince(cpu), rows });
      fs.rmSync(options.tempDirectory, { recursive: true, force: true });
      return;
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    let retrieved = 0;
    const rows = await s.historical.retrieve({ selection: { features: features(), fullFeatureNames: false }, entities: { kind: 'file', format: 'parquet', path: entities } }, async (result) => {
      retrieved = performance.now();
      const stream = fs.createWriteStream(out);
      await result.write(format as ResultFormat, writableSink(stream));
      await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
      return result.rows;
    });
    const done = performance.now();
    report({
      seconds: (done - started) / 1000,
      cpuSeconds: cpuSince(cpu),
      retrieveSeconds: (retrieved - started) / 1000,
      writeSeconds: (done - retrieved) / 1000,
      rows,
      bytes: fs.statSync(out).size,
    });
  } finally {
    await s.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
