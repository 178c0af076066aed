import fs from 'node:fs';
import path from 'node:path';
import { validationError } from '../errors.js';
import { writeAtomically, writeSampleData } from '../sample-data/write-sample-data.js';
import { repositoryFiles } from './templates.js';

/**
 * Writes a new feature repository into `dir` (created if needed): definitions, a README, a
 * .gitignore, and the sample data the definitions read, ending at `now`. Refuses a folder that
 * already holds any of those files, so nothing of the user's is overwritten. Returns the files
 * written, relative to `dir`.
 */
export function initRepository(dir: string, now: number): string[] {
  const files = repositoryFiles(path.basename(path.resolve(dir)));
  const clashes = Object.keys(files).filter((f) => fs.existsSync(path.join(dir, f)));
  if (clashes.length)
    throw validationError(
      `'${dir}' already holds ${clashes.join(', ')}: init writes only into a new or empty folder`,
      clashes.map((f) => ({ path: f, message: 'exists' })),
    );
  for (const [file, text] of Object.entries(files)) writeAtomically(path.join(dir, file), text);
  const data = writeSampleData(path.join(dir, 'feature-definitions'), now).map((f) => `feature-definitions/${f}`);
  return [...Object.keys(files), ...data];
}
