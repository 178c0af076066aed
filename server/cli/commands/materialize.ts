import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createHttpClient, type HttpClient } from '../../client/http-client.js';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { parseTimestamp } from '../../domain/time.js';
import { notFound } from '../../errors.js';
import { presentRun } from '../../http/routes/pipelines.js';
import { createLogger } from '../../logger.js';
import { SCHEDULER_LEASE } from '../../pipelines/leadership.js';
import { executeRun } from '../../pipelines/materialize.js';
import { PipelineService } from '../../pipelines/pipeline-service.js';
import { recoverInterrupted } from '../../pipelines/recovery.js';
import { RUNNER_LEASE_PREFIX } from '../../pipelines/runner-lease.js';
import type { RunRecord } from '../../domain/run.js';
import { materializeDeps, openServices } from '../../services.js';
import { defineCommand, optionValue, UsageError } from '../command.js';
import { type CliIo, EXIT } from '../io.js';
import { jsonOption, targetOptions } from '../options.js';
import { type Progress, startProgress } from '../progress.js';

type RunJson = ReturnType<typeof presentRun>;
type Request = { start?: number; end?: number; version?: number };

const options = {
  start: { type: 'string', value: '<time>', description: 'backfill from this event time (exclusive; RFC 3339 or epoch ms); default: the watermark' },
  end: { type: 'string', value: '<time>', description: 'up to this event time (inclusive); default: now' },
  version: { type: 'string', value: '<n>', description: 'a version of the one view named (default: its latest)' },
  definitions: { type: 'string', value: '<dir>', description: 'where relative source paths resolve (default feature-definitions, env TESSERA_DEFINITIONS)' },
  ...targetOptions,
  ...jsonOption,
} as const;

/**
 * `tessera materialize [<view>...] [--start --end --version]`: runs materializations and waits for them,
 * one view after another; with no view, every feature view (as Feast's `feast materialize` does).
 * Against a data dir, runs execute here when no server holds the scheduler lease; when one does, they
 * are queued for that server, so pipelines never run in two processes at once.
 */
export const materialize = defineCommand({
  name: 'materialize',
  summary: 'run materializations (source -> transforms -> Parquet + online store) and wait for them',
  usage: '[<view>...] [options]',
  description:
    'With no view, every feature view, one after another. Without --start, a run reads what is new since the last run (the first reads the whole history). On a terminal, a progress line shows the rows read and the time taken.',
  args: { min: 0, max: Number.POSITIVE_INFINITY },
  options,
  examples: [
    'tessera materialize',
    'tessera materialize driver_hourly_stats',
    'tessera materialize driver_hourly_stats --start 2026-11-20 --end 2026-11-21',
    'tessera materialize customer_profile --url http://127.0.0.1:6567 --json',
  ],
  async run({ values, positionals }, io) {
    const time = (flag: 'start' | 'end') => optionValue(flag, values[flag], parseTimestamp, 'a timestamp (RFC 3339 or epoch ms)');
    const version = optionValue('version', values.version, (t) => (/^[1-9]\d{0,8}$/.test(t) ? Number(t) : null), 'a version number (1, 2, ...)');
    if (version !== undefined && positionals.length !== 1) throw new UsageError('--version names a version of one view: give exactly one view with it');
    const request: Request = { start: time('start'), end: time('end'), version };
    const runs = values.url
      ? await runRemotely(createHttpClient(values.url), positionals, request, io)
      : (await runLocally(positionals, request, { dataDir: values['data-dir'], definitions: values.definitions }, io)).map(presentRun);
    if (values.json) io.stdout(`${JSON.stringify(positionals.length === 1 ? runs[0] : runs, null, 2)}\n`);
    else {
      if (runs.length === 0) io.stdout('no feature views to materialize\n');
      for (const r of runs)
        io.stdout(`run ${r.id} of ${r.featureView} v${r.version}: ${r.status}${r.error ? ` (${r.reason}: ${r.error})` : ''}; rows in ${r.rowsIn}, out ${r.rowsOut}, rejected ${r.rowsRejected}\n`);
    }
    return runs.every((r) => r.status === 'succeeded') ? EXIT.ok : EXIT.failed;
  },
});

const label = (view: string, i: number, n: number) => `materialize ${view}${n > 1 ? ` (${i + 1} of ${n})` : ''}`;

/** Against a server: queue each run, then follow it (`GET /api/v1/runs/{id}`) until it ends. */
async function runRemotely(client: HttpClient, named: string[], request: Request, io: CliIo): Promise<RunJson[]> {
  try {
    const views = named.length ? named : (await client.json<{ featureViews: { name: string }[] }>('GET', '/api/v1/feature-views')).featureViews.map((v) => v.name);
    const runs: RunJson[] = [];
    for (const [i, view] of views.entries()) {
      const queued = await client.json<{ runId: number }>('POST', `/api/v1/feature-views/${encodeURIComponent(view)}/materialize`, request);
      const progress = startProgress(io, { label: label(view, i, views.length), done: 0, unit: 'rows', phase: 'queued' });
      try {
        for (;;) {
          const run = await client.json<RunJson>('GET', `/api/v1/runs/${queued.runId}`);
          if (run.status === 'succeeded' || run.status === 'failed') {
            runs.push(run);
            break;
          }
          progress.update({ phase: run.status });
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } finally {
        progress.done();
      }
    }
    return runs;
  } finally {
    client.close();
  }
}

async function runLocally(named: string[], request: Request, paths: { dataDir?: string; definitions?: string }, io: CliIo): Promise<RunRecord[]> {
  const config = loadConfig({ ...paths, pipelineThread: false }, io.env);
  const logger = createLogger('warn', process.stderr);
  const services = await openServices(config, logger, systemClock);
  const holder = `cli:${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  try {
    const pipelines = new PipelineService({ catalog: services.catalog, catalogStore: services.catalogStore, runs: services.runs, clock: systemClock, maxAttempts: 1 });
    const catalog = await services.catalog.get();
    const views = named.length ? [...new Set(named)] : [...catalog.featureViews.keys()];
    // An unknown view fails before anything is queued.
    for (const view of views) if (!catalog.featureViews.has(view)) throw notFound('feature view', view);
    const queued: RunRecord[] = [];
    for (const view of views) queued.push(await pipelines.materialize(view, { ...request, trigger: 'cli' }));
    const follow = async (i: number, work: (progress: Progress) => Promise<RunRecord>) => {
      const progress = startProgress(io, { label: label(queued[i].featureView, i, queued.length), done: 0, unit: 'rows' });
      try {
        return await work(progress);
      } finally {
        progress.done();
      }
    };
    if (!(await services.leases.tryAcquire(SCHEDULER_LEASE, holder, config.leaseMs))) {
      logger.warn('a running server holds the scheduler lease: the runs are queued for it');
      const done: RunRecord[] = [];
      for (const [i, q] of queued.entries()) {
        const run = await follow(i, (progress) => {
          progress.update({ phase: 'queued for the server' });
          return pipelines.waitFor(q.id);
        });
        done.push(run);
      }
      return done;
    }
    // Holding the lease, this process is the only one running pipelines: runs left running are orphans.
    // Workers of a shared registry that are alive keep their runs (and their staged files).
    const liveRunners = await services.leases.live(RUNNER_LEASE_PREFIX);
    await recoverInterrupted(services.runs, services.files, holder, systemClock, logger, { liveHolders: liveRunners, sweepStaged: liveRunners.length === 0 });
    const renew = setInterval(() => void services.leases.tryAcquire(SCHEDULER_LEASE, holder, config.leaseMs), Math.floor(config.leaseMs / 3));
    try {
      const done: RunRecord[] = [];
      for (const [i, q] of queued.entries()) {
        const run = await follow(i, async (progress) => {
          const claimed = await services.runs.claim(holder, systemClock.now(), q.id);
          if (!claimed) return pipelines.waitFor(q.id);
          return (await executeRun(claimed, { ...materializeDeps(services), onRowsRead: (rows) => progress.update({ done: rows }) })).run;
        });
        done.push(run);
      }
      return done;
    } finally {
      clearInterval(renew);
      await services.leases.release(SCHEDULER_LEASE, holder);
    }
  } finally {
    await services.close();
  }
}
