import type { BundleInput } from '../../server/domain/bundle.js';

/** A small valid bundle; tests copy and edit it. */
export function sampleBundle(): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'driver_stats', type: 'csv', path: 'data/driver_stats.csv', timestampField: 'event_timestamp' }],
    featureViews: [
      {
        name: 'driver_hourly_stats',
        entities: ['driver'],
        source: 'driver_stats',
        ttl: '2d',
        features: [
          { name: 'conv_rate', type: 'float64', transforms: [{ impute: { strategy: 'median' } }, { scale: { method: 'standard' } }] },
          { name: 'car_type', type: 'string', transforms: [{ encode: { method: 'onehot', maxCategories: 5 } }] },
        ],
      },
    ],
    featureServices: [{ name: 'driver_model', features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:car_type'] }],
  };
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** One view over `data/stats.csv` as a YAML definitions file, scaled by `method`: the CLI tests' fixture. */
export const driverStatsYaml = (method: string) => `
entities:
  - {name: driver, joinKeys: [driver_id], valueType: int64}
sources:
  - {name: stats, type: csv, path: data/stats.csv, timestampField: ts}
featureViews:
  - name: driver_stats
    entities: [driver]
    source: stats
    features:
      - name: rate
        type: float64
        transforms: [{scale: {method: ${method}}}]
`;

/**
 * The smallest bundle a pipeline test runs: entity `driver` (int64 key `driver_id`), a CSV source at
 * `path` (`driver_id,ts,rate` rows) and view `view` with one float64 feature `rate`.
 */
export function rateBundle(view: string, path = 'stats.csv'): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'stats', type: 'csv', path, timestampField: 'ts' }],
    featureViews: [{ name: view, entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' }] }],
  };
}
