import path from 'node:path';
import { initRepository } from '../../scaffold/init-repo.js';
import { writeSampleData } from '../../sample-data/write-sample-data.js';
import { defineCommand } from '../command.js';
import { EXIT } from '../io.js';

/** `tessera init [dir]`: a new feature repository, ready for plan, apply and materialize. */
export const init = defineCommand({
  name: 'init',
  summary: 'create a feature repository: definitions, sample data, a README of the next commands',
  usage: '[<dir>] [options]',
  description:
    'Writes <dir>/feature-definitions/drivers.yaml (an entity, a source, a feature view with transforms, a feature service), sample data for its source ending now, a README and a .gitignore. <dir> defaults to my_feature_repo; existing files are never overwritten.',
  args: { min: 0, max: 1 },
  options: {},
  examples: ['tessera init', 'tessera init driver_features && cd driver_features && npx tessera plan'],
  async run({ positionals }, io) {
    const dir = positionals[0] ?? 'my_feature_repo';
    const files = initRepository(dir, Date.now());
    io.stdout(`created the feature repository ${dir}/:\n${files.map((f) => `  ${f}\n`).join('')}\nnext:\n  cd ${dir}\n  npx tessera plan\n  npx tessera apply\n  npx tessera materialize\n`);
    return EXIT.ok;
  },
});

/** `tessera sample-data [dir]`: the sample data of the example definitions, ending now. */
export const sampleData = defineCommand({
  name: 'sample-data',
  summary: 'write the sample data the example definitions read, ending now',
  usage: '[<dir>] [options]',
  description:
    "The tour's and init's sources read generated files (data/driver_stats.csv, data/customer_profile.jsonl) so that their values are fresh: every driver reports up to the last full hour but driver 1010, three days stale on purpose. Values are seeded: the same relative to now on every run. Writes only the files that the definitions in <dir> (default feature-definitions) read. `npm start` runs it first.",
  args: { min: 0, max: 1 },
  options: {},
  examples: ['tessera sample-data', 'tessera sample-data my_feature_repo/feature-definitions'],
  async run({ positionals }, io) {
    const dir = positionals[0] ?? (io.env.TESSERA_DEFINITIONS || 'feature-definitions');
    const files = writeSampleData(dir, Date.now());
    io.stdout(files.map((f) => `wrote ${path.join(dir, f)}\n`).join(''));
    return EXIT.ok;
  },
});
