import path from 'node:path';
import { systemClock } from '../../../server/clock.js';
import type { RunRecord } from '../../../server/domain/run.js';
import { parseBundle } from '../../../server/definitions/parse-bundle.js';
import { openRegistry } from '../../../server/registry/open-registry.js';
import { planApply } from '../../../server/registry/plan.js';
import type { RegistryBackend } from '../../../server/registry/registry-backend.js';
import { clone, sampleBundle } from '../../support/bundles.js';
import { TEST_POSTGRES_URL, createTestDatabase } from '../../support/postgres.js';
import { type BenchFigure, type BenchScenario, median } from '../scenario.js';

const WORKERS = 4;
const RUNS = { full: 400, quick: 20 };

/** The run-queue cycle of one worker: queue a run of its own views, claim whatever is due, commit it, succeed it. */
async function work(registry: RegistryBackend, worker: number, runs: number, views: number): Promise<number> {
  let done = 0;
  for (let i = 0; i < runs; i++) {
    const view = `view_${worker * views + (i % views) + 1}`;
    await registry.runs.enqueue({ featureView: view, version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, Date.now());
    let run: RunRecord | null;
    while ((run = await registry.runs.claim(`w${worker}`, Date.now()))) {
      const now = Date.now();
      await registry.runs.commitSnapshot(
        {
          runId: run.id,
          featureView: run.featureView,
          version: 1,
          rows: 1,
          windowStart: null,
          windowEnd: now,
          minEventTs: now - 1,
          maxEventTs: now - 1,
          files: [`offline/${run.featureView}/v1/run=${run.id}/part-0.parquet`],
          stats: {},
          watermark: now,
          fittedState: null,
          carry: {},
          counts: { rowsIn: 1, rowsOut: 1, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
          steps: [],
        },
        now,
      );
      await registry.runs.succeed(run.id, now, []);
      done++;
    }
  }
  return done;
}

/** Runs per second through one registry: `WORKERS` processes' connections sharing the queue. */
async function measure(open: () => Promise<RegistryBackend>, runs: number): Promise<number> {
  const views = 5;
  const registries = await Promise.all(Array.from({ length: WORKERS }, open));
  try {
    const bundle = clone(sampleBundle());
    for (let i = 1; i <= WORKERS * views; i++) bundle.featureViews!.push({ ...clone(bundle.featureViews![0]), name: `view_${i}` });
    const catalog = registries[0].catalog;
    await catalog.applyPlan(planApply(await catalog.loadCatalog(), parseBundle(bundle)), { actor: 'bench', bundle });
    const started = performance.now();
    const done = await Promise.all(registries.map((r, w) => work(r, w, runs, views)));
    const seconds = (performance.now() - started) / 1000;
    const total = done.reduce((a, b) => a + b, 0);
    if (total !== WORKERS * runs) throw new Error(`${total} runs completed of ${WORKERS * runs}`);
    return total / seconds;
  } finally {
    for (const r of registries) await r.close();
  }
}

/**
 * The durable run queue of issue 11: enqueue, claim, commit a snapshot and succeed, from four
 * connections at once (as four worker processes), on the embedded SQLite registry and on PostgreSQL
 * (when TESSERA_TEST_POSTGRES_URL names a server; a database of its own, dropped after).
 */
export const registryQueue: BenchScenario = {
  name: 'registry-queue',
  description: 'run queue throughput (enqueue, claim, commit, succeed) from 4 connections: SQLite registry vs PostgreSQL',
  async run(options) {
    const runs = options.quick ? RUNS.quick : RUNS.full;
    const sqlite: number[] = [];
    const postgres: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      const dataDir = path.join(options.workDir, `registry-queue-${r}`);
      sqlite.push(await measure(() => openRegistry({ dataDir, clock: systemClock }), runs));
      if (TEST_POSTGRES_URL) {
        const database = await createTestDatabase();
        try {
          postgres.push(await measure(() => openRegistry({ dataDir, clock: systemClock, registryUrl: database.url }), runs));
        } finally {
          await database.drop();
        }
      }
      options.log(`registry-queue round ${r + 1}: sqlite ${Math.round(sqlite[r])}${postgres.length ? `, postgres ${Math.round(postgres[r])}` : ''} runs/s`);
    }
    const what = `run queue, ${WORKERS} connections x ${runs} runs`;
    const figures: BenchFigure[] = [{ name: `${what}: SQLite registry`, value: median(sqlite), unit: 'runs/s', runs: options.runs, note: 'enqueue, claim, commit a snapshot, succeed' }];
    if (postgres.length) {
      figures.push(
        { name: `${what}: PostgreSQL registry`, value: median(postgres), unit: 'runs/s', runs: options.runs, note: 'claims with FOR UPDATE SKIP LOCKED; a local server' },
        { name: `${what}: PostgreSQL / SQLite`, value: median(postgres.map((p, i) => p / sqlite[i])), unit: 'x', runs: options.runs, note: 'ratio within each round' },
      );
    }
    return figures;
  },
};
