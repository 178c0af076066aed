/**
 * `tessera serve` as the push crash test needs it: the real services, pipelines and HTTP app over a data
 * dir, except that its file store stops for good inside the (stallAfter + 1)-th push commit, right after
 * that commit's first file is in place and before the registry commits it, having written a marker file
 * (the file's path), so the test can kill -9 it there. Pushes arriving meanwhile wait for that commit.
 * Usage: node --import tsx test/push/push-crash-child.ts <dataDir> <definitions> <port> <marker> <stallAfter>
 */
import fs from 'node:fs';
import { systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { loadDefinitions } from '../../server/definitions/load-definitions.js';
import { createLogger } from '../../server/logger.js';
import type { FileStore } from '../../server/offline/file-store.js';
import { PipelineHost } from '../../server/pipelines/pipeline-host.js';
import { startHttp } from '../../server/server.js';
import { openServices } from '../../server/services.js';

const [dataDir, definitions, port, marker, stallAfter] = process.argv.slice(2);
const config = loadConfig({ dataDir, definitions, port: Number(port), logLevel: 'silent', pushCommitMs: 20, leaseMs: 1000 }, {});
const services = await openServices(config, createLogger('silent'), systemClock);
const loaded = loadDefinitions(definitions);
await services.applyService.apply(loaded.bundle, { dryRun: false, actor: 'push crash child', origin: loaded.origin });

const inner = services.files;
const commits = new Set<string>();
const files: FileStore = {
  writeAtomic: (p, d) => inner.writeAtomic(p, d),
  read: (p) => inner.read(p),
  remove: (p) => inner.remove(p),
  list: (p) => inner.list(p),
  locate: (p) => inner.locate(p),
  stagingPath: (p) => inner.stagingPath(p),
  async publish(staged, relPath) {
    await inner.publish(staged, relPath);
    const folder = relPath.slice(0, relPath.lastIndexOf('/'));
    commits.add(folder);
    if (commits.size > Number(stallAfter)) {
      fs.writeFileSync(marker, relPath);
      await new Promise(() => {});
    }
  },
};
services.files = files;
const pipelines = new PipelineHost(services);
await pipelines.start();
await startHttp(services, pipelines);
