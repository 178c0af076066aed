import { parseFeatureRef } from '../../domain/feature-ref.js';
import { resultFormatOfPath } from '../../offline/result-format.js';
import { defineCommand, UsageError } from '../command.js';
import { EXIT } from '../io.js';
import { targetOptions } from '../options.js';
import { startProgress } from '../progress.js';
import { entityFormatProblem, openOfflineClient } from './historical-client.js';

/** `--features a:x, b:y`: the references, without blanks. */
const refs = (text: string) =>
  text
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');

/** A malformed reference is a bad option value; an unknown view or feature is for the store to say. */
function featuresProblem(text: string): string | null {
  const list = refs(text);
  if (list.length === 0) return `'${text}' names no feature (view:feature, ...)`;
  for (const ref of list) {
    const parsed = parseFeatureRef(ref);
    if (typeof parsed === 'string') return parsed;
  }
  return null;
}

/** A bad output extension is a bad option value: said before any work. */
export function checkOut(out: string): void {
  if (!resultFormatOfPath(out)) throw new UsageError(`option '--out': cannot tell the format of '${out}': use .parquet, .csv, .json, .arrow (Arrow file) or .arrows (Arrow stream)`);
}

/** `tessera get-historical-features`: a point-in-time dataset from an entity file, into a file. */
export const getHistoricalFeatures = defineCommand({
  name: 'get-historical-features',
  summary: 'a point-in-time training dataset from a file of entity rows',
  usage: '--entities <file> (--features <refs> | --feature-service <name>) --out <file> [options]',
  description:
    "The entity file holds the join keys, event_timestamp and any labels (CSV, Parquet, Arrow IPC, or JSON as an object of columns). Each row gets the feature values as of its timestamp (Feast semantics). The output format follows --out's extension; the file appears only when complete.",
  args: { min: 0, max: 0 },
  options: {
    entities: {
      type: 'string',
      value: '<file>',
      description: 'entity rows: .csv, .parquet, .arrow or .json',
      check: entityFormatProblem,
    },
    features: {
      type: 'string',
      value: '<refs>',
      description: 'feature references, comma-separated: view:feature, view@2:feature, view:*',
      check: featuresProblem,
      excludes: ['feature-service'],
    },
    'feature-service': { type: 'string', value: '<name>', description: 'the features of a feature service instead' },
    out: { type: 'string', value: '<file>', description: 'where to write: .parquet, .csv, .json, .arrow (Arrow file) or .arrows (Arrow stream)' },
    'full-feature-names': { type: 'boolean', description: 'name columns view__feature' },
    ...targetOptions,
  },
  examples: [
    'tessera get-historical-features --entities rows.csv --features driver_hourly_stats:conv_rate --out out.parquet',
    'tessera get-historical-features --entities rows.parquet --feature-service driver_model --out train.csv --url http://127.0.0.1:6567',
  ],
  async run({ values }, io) {
    if (!values.entities) throw new UsageError("missing option '--entities <file>'");
    if (!values.out) throw new UsageError("missing option '--out <file>'");
    if (!values.features && !values['feature-service']) throw new UsageError("missing option: give '--features <refs>' or '--feature-service <name>'");
    checkOut(values.out);
    const features = values.features === undefined ? undefined : refs(values.features);
    const progress = startProgress(io, { label: 'get-historical-features', done: 0, unit: 'rows' });
    const client = await openOfflineClient({ url: values.url, dataDir: values['data-dir'] }, io.env, progress);
    try {
      const started = Date.now();
      const rows = await client.historical({ features, featureService: values['feature-service'], fullFeatureNames: values['full-feature-names'] === true }, values.entities, values.out);
      progress.done();
      io.stdout(`wrote ${Number.isNaN(rows) ? 'the' : rows} rows to ${values.out} in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
      return EXIT.ok;
    } finally {
      progress.done();
      await client.close();
    }
  },
});
