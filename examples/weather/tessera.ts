import path from 'node:path';
import { createHttpClient } from '../../server/client/http-client.js';
import { type Clock, systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { loadDefinitions } from '../../server/definitions/load-definitions.js';
import { createLogger } from '../../server/logger.js';
import { packageRoot } from '../../server/paths.js';
import { PipelineHost } from '../../server/pipelines/pipeline-host.js';
import { connect, type FeatureStore } from '../../server/sdk/index.js';
import { startHttp } from '../../server/server.js';
import { openServices } from '../../server/services.js';

export interface Tessera {
  url: string;
  store: FeatureStore;
  /** JSON over HTTP to the server; a problem document throws. */
  call<T>(method: string, route: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * The examples talk to Tessera the way a user's pipelines do: over HTTP and the SDK. Given a URL they
 * use that server (`npm start`); otherwise they start one in this process over `dataDir`, with the
 * repository's definitions applied, and stop it at the end.
 */
export async function openTessera(options: { url?: string; dataDir?: string; logLevel?: string; config?: Record<string, unknown>; clock?: Clock }): Promise<Tessera> {
  let url = options.url;
  let stop = async () => {};
  if (!url) {
    const config = loadConfig(
      {
        dataDir: options.dataDir ?? path.join(packageRoot(), '.data-example'),
        definitions: path.join(packageRoot(), 'feature-definitions'),
        port: 0,
        logLevel: options.logLevel ?? 'warn',
        ...options.config,
      },
      {},
    );
    const services = await openServices(config, createLogger(config.logLevel, process.stderr), options.clock ?? systemClock);
    const loaded = loadDefinitions(config.definitions);
    await services.applyService.apply(loaded.bundle, { dryRun: false, actor: 'example', origin: loaded.origin });
    const pipelines = new PipelineHost(services);
    await pipelines.start();
    const http = await startHttp(services, pipelines);
    url = http.url;
    stop = async () => {
      await http.stop(1000);
      await pipelines.stop();
      await services.close();
    };
  }
  const base = url;
  // node:http, not fetch: fetch refuses some ports (6566, Feast's, among them).
  const client = createHttpClient(base);
  const store = connect(base);
  return {
    url: base,
    store,
    async call<T>(method: string, route: string, body?: unknown): Promise<T> {
      const answer = await client.request(method, route, body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await answer.text();
      if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${route} answered ${answer.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    async close() {
      client.close();
      await store.close();
      await stop();
    },
  };
}

/** `--name value` flags of a script. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
