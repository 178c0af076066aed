/**
 * A compaction in a process of its own, for the crash test: it runs the compactor over a data dir and
 * stops for good right after its first file is in place (before the registry commit), having written
 * a marker file, so the test can kill -9 it there.
 * Usage: node --import tsx test/pipelines/compaction-child.ts <dataDir> <definitions> <marker>
 */
import fs from 'node:fs';
import { systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import type { FileStore } from '../../server/offline/file-store.js';
import { Compactor } from '../../server/pipelines/compaction/compactor.js';
import { openServices } from '../../server/services.js';

const [dataDir, definitions, marker] = process.argv.slice(2);
const config = loadConfig({ dataDir, definitions, logLevel: 'silent', pipelineThread: false }, {});
const services = await openServices(config, createLogger('silent'), systemClock);
const inner = services.files;
const files: FileStore = {
  writeAtomic: (p, d) => inner.writeAtomic(p, d),
  read: (p) => inner.read(p),
  remove: (p) => inner.remove(p),
  list: (p) => inner.list(p),
  locate: (p) => inner.locate(p),
  stagingPath: (p) => inner.stagingPath(p),
  async publish(staged, relPath) {
    await inner.publish(staged, relPath);
    fs.writeFileSync(marker, relPath);
    await new Promise(() => {});
  },
};
const compactor = new Compactor({
  catalog: services.catalog,
  runs: services.runs,
  datasets: services.registry.datasets,
  files,
  engine: services.pipelineDuckdb,
  holder: 'compaction-child',
  clock: systemClock,
  logger: services.logger,
  settings: { minSnapshots: 3, smallRows: 1_000_000, targetRows: 10_000_000 },
  fileOptions: { rowsPerFile: 1_000_000, rowGroupRows: 100_000 },
  retainMs: 0,
});
await compactor.runOnce();
