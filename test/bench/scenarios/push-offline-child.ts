/**
 * The push-offline scenario's set-up step, in a fresh process. Prints one JSON line.
 *   one-run <dataDir> <quick|full>  commits the pushed rows to `one_run` as one snapshot; writes entities.parquet
 * (Compaction and the reads are offline-layout-child.ts's `compact` and `tessera` modes.)
 */
import path from 'node:path';
import { START, YEAR_MS, commit, openLayoutServices, writeEntities } from './offline-layout-data.js';
import { FULL, QUICK, asBatch, pushedRows } from './push-offline-data.js';

const [mode, dataDir, sizeName] = process.argv.slice(2);

async function main(): Promise<void> {
  if (mode !== 'one-run') throw new Error(`unknown mode ${mode}`);
  const size = sizeName === 'full' ? FULL : QUICK;
  const started = performance.now();
  const s = await openLayoutServices(dataDir);
  try {
    await commit(s, 'one_run', asBatch(pushedRows(size)), false, START + 2 * YEAR_MS);
  } finally {
    await s.close();
  }
  writeEntities(path.join(dataDir, 'entities.parquet'), size.entityRows, size.ids, 13);
  process.stdout.write(`${JSON.stringify({ seconds: (performance.now() - started) / 1000 })}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
