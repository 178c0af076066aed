import { parseArgs } from 'node:util';
import type { Command } from '../io.js';
import { usageError } from '../io.js';
import { openOfflineClient } from './historical-client.js';

const USAGE =
  'usage: tessera get-historical-features --entities <file.csv|.parquet|.arrow|.json> (--features v:a,v:b | --feature-service <name>) --out <file.parquet|.csv|.json|.arrow> [--full-feature-names] [--data-dir | --url]';

/** `tessera get-historical-features`: a point-in-time dataset from an entity file, into a file. */
export const getHistoricalFeatures: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      entities: { type: 'string' },
      features: { type: 'string' },
      'feature-service': { type: 'string' },
      out: { type: 'string' },
      'full-feature-names': { type: 'boolean' },
      'data-dir': { type: 'string' },
      url: { type: 'string' },
    },
  });
  if (!values.entities || !values.out || (!values.features && !values['feature-service'])) throw usageError(USAGE);
  const features = values.features
    ?.split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const client = await openOfflineClient({ url: values.url, dataDir: values['data-dir'] }, io.env);
  try {
    const started = Date.now();
    const rows = await client.historical({ features, featureService: values['feature-service'], fullFeatureNames: values['full-feature-names'] === true }, values.entities, values.out);
    io.stdout(`wrote ${Number.isNaN(rows) ? 'the' : rows} rows to ${values.out} in ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
    return 0;
  } finally {
    await client.close();
  }
};
