import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Services } from './services.js';

export interface RunningServer {
  url: string;
  server: http.Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then resolves. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts the HTTP server over built services. */
export async function startHttp(services: Services): Promise<RunningServer> {
  const { config, logger } = services;
  const app = createApp({
    logger,
    bodyLimit: config.bodyLimit,
    catalog: services.catalog,
    catalogStore: services.catalogStore,
    applyService: services.applyService,
    healthChecks: {
      registry: async () => void (await services.catalogStore.revision()),
    },
  });
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    stop: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
