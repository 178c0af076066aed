import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
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
import type { RunRecord } from '../../domain/run.js';
import { materializeDeps, openServices } from '../../services.js';
import type { Command } from '../io.js';
import { usageError } from '../io.js';
import { callServer } from '../remote.js';

const options = {
  start: { type: 'string' },
  end: { type: 'string' },
  version: { type: 'string' },
  'data-dir': { type: 'string' },
  definitions: { type: 'string' },
  url: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * `tessera materialize [<view>...] [--start --end --version]`: runs materializations and waits for them,
 * one view after another; with no view, every feature view (as Feast's `feast materialize` does).
 * Against a data dir, runs execute here when no server holds the scheduler lease; when one does, they
 * are queued for that server, so pipelines never run in two processes at once.
 */
export const materialize: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const time = (flag: 'start' | 'end') => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const ms = parseTimestamp(text);
    if (ms === null) throw usageError(`--${flag} '${text}' is not a timestamp (RFC 3339 or epoch ms)`);
    return ms;
  };
  if (values.version !== undefined && positionals.length !== 1) throw usageError('--version names a version of one view: give exactly one view with it');
  const request = { start: time('start'), end: time('end'), version: values.version === undefined ? undefined : Number(values.version) };
  let runs: ReturnType<typeof presentRun>[];
  if (values.url) {
    const url = values.url;
    const views = positionals.length ? positionals : (await callServer<{ name: string }[]>(url, 'GET', '/api/v1/feature-views')).map((v) => v.name);
    runs = [];
    for (const view of views) {
      runs.push(await callServer<ReturnType<typeof presentRun>>(url, 'POST', `/api/v1/feature-views/${encodeURIComponent(view)}/materialize?wait=true`, request));
    }
  } else {
    runs = (await runLocally(positionals, request, { dataDir: values['data-dir'], definitions: values.definitions }, io.env)).map(presentRun);
  }
  if (values.json) io.stdout(`${JSON.stringify(positionals.length === 1 ? runs[0] : runs, null, 2)}\n`);
  else {
    if (runs.length === 0) io.stdout('no feature views to materialize\n');
    for (const r of runs)
      io.stdout(`run ${r.id} of ${r.featureView} v${r.version}: ${r.status}${r.error ? ` (${r.reason}: ${r.error})` : ''}; rows in ${r.rowsIn}, out ${r.rowsOut}, rejected ${r.rowsRejected}\n`);
  }
  return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
};

async function runLocally(
  named: string[],
  request: { start?: number; end?: number; version?: number },
  paths: { dataDir?: string; definitions?: string },
  env: NodeJS.ProcessEnv,
): Promise<RunRecord[]> {
  const config = loadConfig({ ...paths, pipelineThread: false }, env);
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
    if (!(await services.leases.tryAcquire(SCHEDULER_LEASE, holder, config.leaseMs))) {
      logger.warn('a running server holds the scheduler lease: the runs are queued for it');
      return await Promise.all(queued.map((q) => pipelines.waitFor(q.id)));
    }
    // Holding the lease, this process is the only one running pipelines: runs left running are orphans.
    await recoverInterrupted(services.runs, services.files, holder, systemClock, logger);
    const renew = setInterval(() => void services.leases.tryAcquire(SCHEDULER_LEASE, holder, config.leaseMs), Math.floor(config.leaseMs / 3));
    try {
      const done: RunRecord[] = [];
      for (const q of queued) {
        const claimed = await services.runs.claim(holder, systemClock.now(), q.id);
        done.push(claimed ? (await executeRun(claimed, materializeDeps(services))).run : await pipelines.waitFor(q.id));
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
