import path from 'node:path';
import { fixedClock } from '../../server/clock.js';
import { loadConfig, type Config } from '../../server/config.js';
import { type Logger, createLogger } from '../../server/logger.js';
import { PipelineHost } from '../../server/pipelines/pipeline-host.js';
import type { CronSchedule } from '../../server/pipelines/scheduler.js';
import { startHttp, type RunningServer } from '../../server/server.js';
import { openServices, type ServiceOptions, type Services } from '../../server/services.js';
import { tempDir } from './temp-dir.js';

export const T0 = Date.parse('2026-11-29T12:00:00.000Z');

/** Services over a fresh data dir, with a fixed clock and silent logs. */
export async function testServices(
  overrides: Partial<Record<keyof Config, unknown>> = {},
  options: ServiceOptions & { logger?: Logger } = {},
): Promise<Services & { dir: string; clock: ReturnType<typeof fixedClock> }> {
  const dir = tempDir();
  // The prediction log publishes when a test says so: a 10 s timer would race a test's own publish() on a slow machine.
  const config = loadConfig({ dataDir: path.join(dir, 'data'), definitions: path.join(dir, 'defs'), port: 0, logLevel: 'silent', predictionLogPublishMs: 3_600_000, ...overrides }, {});
  const clock = fixedClock(T0);
  const services = await openServices(config, options.logger ?? createLogger('silent'), clock, options);
  return Object.assign(services, { dir, clock });
}

/** A server on an ephemeral port of 127.0.0.1 over test services (`cron`: its schedules' ticks). Call `close()` at the end. */
export async function testServer(
  overrides: Partial<Record<keyof Config, unknown>> = {},
  options: ServiceOptions & { logger?: Logger; cron?: CronSchedule } = {},
): Promise<{ services: Awaited<ReturnType<typeof testServices>>; pipelines: PipelineHost; http: RunningServer; url: string; close(): Promise<void> }> {
  const services = await testServices({ pipelineThread: false, pollMs: 20, retryDelayMs: 10, ...overrides }, options);
  const pipelines = new PipelineHost(services, services.logger, { cron: options.cron });
  await pipelines.start();
  const http = await startHttp(services, pipelines);
  return {
    services,
    pipelines,
    http,
    url: http.url,
    async close() {
      await http.stop(100);
      await pipelines.stop();
      await services.close();
    },
  };
}

// Bodies are any: tests assert on their structure field by field.
/* eslint-disable @typescript-eslint/no-explicit-any */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return decode(res);
}

export async function getJson(url: string): Promise<{ status: number; type: string; body: any }> {
  return decode(await fetch(url));
}

async function decode(res: Response): Promise<{ status: number; type: string; body: any }> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', body };
}
