import fs from 'node:fs';
import path from 'node:path';
import { loadDefinitions } from '../definitions/load-definitions.js';
import { validationError } from '../errors.js';
import { customerProfileJsonl, customerProfileRows } from './customer-profiles.js';
import { driverStatsCsv, driverStatsRows } from './driver-stats.js';

/** The sample files Tessera can generate, by their path under a definitions folder. */
export const SAMPLE_FILES: Record<string, (now: number) => string> = {
  'data/driver_stats.csv': (now) => driverStatsCsv(driverStatsRows(now)),
  'data/customer_profile.jsonl': (now) => customerProfileJsonl(customerProfileRows(now)),
};

/**
 * Writes, under `dir`, the sample files that the definitions in `dir` read (sources whose path is one
 * of `SAMPLE_FILES`), ending at `now`. Each file is written whole or not at all. Returns the paths
 * written, relative to `dir`.
 */
export function writeSampleData(dir: string, now: number): string[] {
  const { bundle } = loadDefinitions(dir);
  const wanted = [...new Set(bundle.sources.map((s) => ('path' in s ? path.posix.normalize(String(s.path)) : '')).filter((p) => Object.hasOwn(SAMPLE_FILES, p)))];
  if (wanted.length === 0) throw validationError(`no source in '${dir}' reads a sample file`, [{ path: 'sources', message: `sample data exists for ${Object.keys(SAMPLE_FILES).join(', ')}` }]);
  for (const file of wanted) writeAtomically(path.join(dir, file), SAMPLE_FILES[file](now));
  return wanted.sort();
}

export function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
