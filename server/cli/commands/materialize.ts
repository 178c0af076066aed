import { createHttpClient, type HttpClient } from '../../client/http-client.js';
import { formatTimestamp, parseTimestamp } from '../../domain/time.js';
import type { presentRun } from '../../http/routes/pipelines.js';
import { defineCommand, optionValue, UsageError } from '../command.js';
import { type CliIo, EXIT } from '../io.js';
import { jsonOption, nonEmpty, targetOptions } from '../options.js';
import { startProgress } from '../progress.js';

export type RunJson = ReturnType<typeof presentRun>;
export type Request = { start?: number; end?: number; version?: number };

const options = {
  start: { type: 'string', value: '<time>', description: 'backfill from this event time (exclusive; RFC 3339 or epoch ms); default: the watermark' },
  end: { type: 'string', value: '<time>', description: 'up to this event time (inclusive); default: now' },
  version: { type: 'string', value: '<n>', description: 'a version of the one view named (default: its latest)' },
  definitions: {
    type: 'string',
    value: '<dir>',
    description: 'where relative source paths resolve (default feature-definitions, env TESSERA_DEFINITIONS); a server (--url) resolves them itself',
    excludes: ['url'],
    check: nonEmpty('a definitions folder'),
  },
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
    checkWindow(request, values);
    const runs = values.url
      ? await runRemotely(createHttpClient(values.url), positionals, request, io)
      : // The data dir needs DuckDB and the pipelines: loaded only then, so `--url` starts fast.
        await (await import('./materialize-local.js')).runLocally(positionals, request, { dataDir: values['data-dir'], definitions: values.definitions }, io);
    if (values.json) io.stdout(`${JSON.stringify(positionals.length === 1 ? runs[0] : runs, null, 2)}\n`);
    else {
      if (runs.length === 0) io.stdout('no feature views to materialize\n');
      for (const r of runs)
        io.stdout(`run ${r.id} of ${r.featureView} v${r.version}: ${r.status}${r.error ? ` (${r.reason}: ${r.error})` : ''}; rows in ${r.rowsIn}, out ${r.rowsOut}, rejected ${r.rowsRejected}\n`);
    }
    return runs.every((r) => r.status === 'succeeded') ? EXIT.ok : EXIT.failed;
  },
});

/**
 * A window that cannot be read is a mistake in the options, said before anything runs. Against the
 * clock of this machine: a server checks again against its own.
 */
function checkWindow(request: Request, given: { start?: string; end?: string }): void {
  const now = Date.now();
  if (request.end !== undefined && request.end > now) throw new UsageError(`option '--end': '${given.end}' is in the future (now is ${formatTimestamp(now)})`);
  if (request.start !== undefined && request.start >= (request.end ?? now))
    throw new UsageError(`option '--start': '${given.start}' is not before ${request.end === undefined ? `now (${formatTimestamp(now)}), the default --end` : `--end '${given.end}'`}`);
}

export const label = (view: string, i: number, n: number) => `materialize ${view}${n > 1 ? ` (${i + 1} of ${n})` : ''}`;

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
