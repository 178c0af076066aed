import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import type { RunRecord } from '../../domain/run.js';
import { notFound } from '../../errors.js';
import { presentRun } from '../../http/routes/pipelines.js';
import { createLogger } from '../../logger.js';
import { SCHEDULER_LEASE } from '../../pipelines/leadership.js';
import { executeRun } from '../../pipelines/materialize.js';
import { PipelineService } from '../../pipelines/pipeline-service.js';
import { recoverInterrupted } from '../../pipelines/recovery.js';
import { RUNNER_LEASE_PREFIX } from '../../pipelines/runner-lease.js';
import { materializeDeps, openServices } from '../../services.js';
import type { CliIo } from '../io.js';
import { type Progress, startProgress } from '../progress.js';
import { label, type Request, type RunJson } from './materialize.js';

/**
 * Against a data dir: runs execute here when no server holds the scheduler lease; when one does, they
 * are queued for that server, so pipelines never run in two processes at once.
 */
export async function runLocally(named: string[], request: Request, paths: { dataDir?: string; definitions?: string }, io: CliIo): Promise<RunJson[]> {
  return (await runHere(named, request, paths, io)).map(presentRun);
}

async function runHere(named: string[], request: Request, paths: { dataDir?: string; definitions?: string }, io: CliIo): Promise<RunRecord[]> {
  const config = loadConfig({ ...paths, pipelineThread: false }, io.env);
  const logger = createLogger('warn', process.stderr);
  const services = await openServices(config, logger, systemClock);
  const holder = `cli:${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  try {
    const pipelines = new PipelineService({ catalog: services.catalog, runs: services.runs, clock: systemClock, maxAttempts: 1 });
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
