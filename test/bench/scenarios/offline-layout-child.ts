/**
 * One measurement of the offline-layout scenario, in a fresh process. Prints one JSON line. Modes:
 *   generate <dataDir> <quick|full>
 *   compact <dataDir> [view]                           compacts every view version as the lease holder would; counts `view`'s snapshots (default incremental)
 *   tessera <dataDir> <view> <entities.parquet> <out>  point-in-time retrieval of the view's features
 *   baseline <dataDir> <view> <entities.parquet> <out> bare DuckDB ASOF JOIN over the view's files
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckDbOptions } from '../../../server/offline/duckdb-options.js';
import { writableSink } from '../../../server/offline/result-sink.js';
import { fileList, literal } from '../../../server/offline/sql.js';
import { compactor } from '../../../server/services.js';
import { FULL, QUICK, generateLayoutData, openLayoutServices } from './offline-layout-data.js';

const [mode, dataDir, view, entities, out] = process.argv.slice(2);

/** CPU seconds of every thread (DuckDB's too) since `from`: steadier than wall time on a shared machine. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

function report(values: Record<string, number | string>): void {
  process.stdout.write(`${JSON.stringify({ ...values, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}

async function main(): Promise<void> {
  if (mode === 'generate') {
    const started = performance.now();
    await generateLayoutData(dataDir, view === 'full' ? FULL : QUICK);
    report({ seconds: (performance.now() - started) / 1000 });
    return;
  }
  const s = await openLayoutServices(dataDir);
  try {
    if (mode === 'compact') {
      const started = performance.now();
      const merged = await compactor(s, 'bench').runOnce();
      const snapshots = (await s.runs.snapshots(view ?? 'incremental', 1)).length;
      report({ seconds: (performance.now() - started) / 1000, merged: merged.length, snapshots });
      return;
    }
    const features = ['conv_rate', 'trips'];
    const files = (await s.runs.snapshots(view, 1)).flatMap((x) => x.files.map((f) => s.files.locate(f)));
    if (mode === 'baseline') {
      const options = duckDbOptions(s.config);
      fs.mkdirSync(path.dirname(options.tempDirectory), { recursive: true });
      const cpu = process.cpuUsage();
      const started = performance.now();
      const instance = await DuckDBInstance.create(':memory:', { memory_limit: options.memoryLimit, temp_directory: options.tempDirectory, threads: String(options.threads) });
      const connection = await instance.connect();
      const result = await connection.run(
        `COPY (SELECT e.*, ${features.map((f) => `f.${f}`).join(', ')} FROM read_parquet(${literal(entities)}) e
         ASOF LEFT JOIN read_parquet(${fileList(files)}) f ON e.driver_id = f.driver_id AND e.event_timestamp >= f.event_timestamp) TO ${literal(out)} (FORMAT parquet)`,
      );
      const rows = Number(result.rowsChanged);
      connection.closeSync();
      instance.closeSync();
      report({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSince(cpu), rows, files: files.length });
      fs.rmSync(options.tempDirectory, { recursive: true, force: true });
      return;
    }
    const cpu = process.cpuUsage();
    const started = performance.now();
    const rows = await s.historical.retrieve(
      { selection: { features: features.map((f) => `${view}:${f}`), fullFeatureNames: false }, entities: { kind: 'file', format: 'parquet', path: entities } },
      async (result) => {
        const stream = fs.createWriteStream(out);
        await result.write('parquet', writableSink(stream));
        await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
        return result.rows;
      },
    );
    report({ seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSince(cpu), rows, files: files.length });
  } finally {
    await s.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
