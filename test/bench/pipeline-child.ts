/**
 * One pipeline run in a fresh process (so peak RSS is the run's own): applies a bundle (JSON file;
 * relative source paths resolve against its folder), materializes one view inline on this thread
 * (version 1, the whole source), prints one JSON line with the figures. Source files outside the bundle's
 * folder must be in a folder of TESSERA_SOURCE_ROOTS, as for a server. TESSERA_CSV_READER (js or duckdb) picks the
 * CSV reader, for A/B runs; no other setting is taken from the environment.
 * Usage: node --import tsx test/bench/pipeline-child.ts <dataDir> <bundle.json> <view>
 */
import fs from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import { createLogger } from '../../server/logger.js';
import { executeRun } from '../../server/pipelines/materialize.js';
import { materializeDeps, openServices } from '../../server/services.js';

const [dataDir, bundleFile, view] = process.argv.slice(2);
const config = loadConfig(
  { dataDir, definitions: path.dirname(bundleFile), logLevel: 'warn', pipelineThread: false },
  { TESSERA_SOURCE_ROOTS: process.env.TESSERA_SOURCE_ROOTS, TESSERA_CSV_READER: process.env.TESSERA_CSV_READER },
);
const services = await openServices(config, createLogger('warn', process.stderr), systemClock);
await services.applyService.apply(parseBundle(JSON.parse(fs.readFileSync(bundleFile, 'utf8'))), { dryRun: false, actor: 'bench' });
const queued = await services.runs.enqueue({ featureView: view, version: 1, trigger: 'cli', start: null, end: null, maxAttempts: 1 }, systemClock.now());
const claimed = (await services.runs.claim('bench', systemClock.now(), queued.id))!;
const started = performance.now();
const cpuFrom = process.cpuUsage();
const outcome = await executeRun(claimed, materializeDeps(services));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuFrom);
const snapshot = outcome.run.snapshotId === null ? null : await services.runs.snapshot(outcome.run.snapshotId);
await services.close();
process.stdout.write(
  `${JSON.stringify({
    status: outcome.run.status,
    error: outcome.run.error,
    rows: outcome.run.rowsOut,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    steps: outcome.run.steps,
    files: snapshot?.files.length ?? 0,
  })}\n`,
);
