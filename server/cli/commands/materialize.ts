import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { parseTimestamp } from '../../domain/time.js';
import { presentRun } from '../../http/routes/pipelines.js';
import { createLogger } from '../../logger.js';
import { SCHEDULER_LEASE } from '../../pipelines/leadership.js';
import { executeRun } from '../../pipelines/materialize.js';
import { PipelineService } from '../../pipelines/pipeline-service.js';
import { recoverInterrupted } from '../../pipelines/recovery.js';
import type { RunRecord } from '../../pipelines/run-store.js';
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
 * `tessera materialize <view> [--start --end --version]`: runs a materialization and waits for it.
 * Against a data dir, the run executes here when no server holds the scheduler lease; when one does,
 * it is queued for that server, so pipelines never run in two processes at once.
 */
export const materialize: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const view = positionals[0];
  if (!view) throw usageError('usage: tessera materialize <view> [--start T] [--end T] [--version N] [--data-dir D | --url U]');
  const time = (flag: 'start' | 'end') => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const ms = parseTimestamp(text);
    if (ms === null) throw usageError(`--${flag} '${text}' is not a timestamp (RFC 3339 or epoch ms)`);
    return ms;
  };
  const request = { start: time('start'), end: time('end'), version: values.version === undefined ? undefined : Number(values.version) };
  let run: RunRecord | ReturnType<typeof presentRun>;
  if (values.url) {
    run = await callServer<ReturnType<typeof presentRun>>(values.url, 'POST', `/api/v1/feature-views/${encodeURIComponent(view)}/materialize?wait=true`, request);
  } else {
    run = presentRun(await runLocally(view, request, { dataDir: values['data-dir'], definitions: values.definitions }, io.env));
  }
  const r = run as ReturnType<typeof presentRun>;
  io.stdout(values.json ? JSON.stringify(r, null, 2) + '\n' : `run ${r.id} of ${r.featureView} v${r.version}: ${r.status}${r.error ? ` (${r.reason}: ${r.error})` : ''}; rows in ${r.rowsIn}, out ${r.rowsOut}, rejected ${r.rowsRejected}\n`);
  return r.status === 'succeeded' ? 0 : 1;
};

async function runLocally(view: string, request: { start?: number; end?: number; version?: number }, paths: { dataDir?: string; definitions?: string }, env: NodeJS.ProcessEnv): Promise<RunRecord> {
  const config = loadConfig({ ...paths, pipelineThread: false }, env);
  const logger = createLogger('warn', process.stderr);
  const services = await openServices(config, logger, systemClock);
  const holder = `cli:${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  try {
    const pipelines = new PipelineService({ catalog: services.catalog, catalogStore: services.catalogStore, runs: services.runs, clock: systemClock, maxAttempts: 1 });
    const queued = await pipelines.materialize(view, { ...request, trigger: 'cli' });
    if (!(await services.leases.tryAcquire(SCHEDULER_LEASE, holder, config.leaseMs, systemClock.now()))) {
      logger.warn('a running server holds the scheduler lease: the run is queued for it');
      return await pipelines.waitFor(queued.id);
    }
    // Holding the lease, this process is the only one running pipelines: runs left running are orphans.
    await recoverInterrupted(services.runs, services.files, holder, systemClock, logger);
    const renew = setInterval(() => void services.leases.tryAcquire(SCHEDULER_LEASE, holder, config.leaseMs, systemClock.now()), Math.floor(config.leaseMs / 3));
    try {
      const claimed = await services.runs.claim(holder, systemClock.now(), queued.id);
      if (!claimed) return await pipelines.waitFor(queued.id);
      return (await executeRun(claimed, materializeDeps(services))).run;
    } finally {
      clearInterval(renew);
      await services.leases.release(SCHEDULER_LEASE, holder);
    }
  } finally {
    await services.close();
  }
}
