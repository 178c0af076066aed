/** The files of a new feature repository (`tessera init`), by path. */

const DEFINITIONS = `# A feature repository's definitions: one entity, one source, one feature view, one feature service.
# \`tessera plan\` shows what applying this folder would change; \`tessera apply\` applies it.

entities:
  - name: driver
    joinKeys: [driver_id]
    valueType: int64
    description: A driver, by the id the ride system gives them.

sources:
  - name: driver_stats
    type: csv
    path: data/driver_stats.csv          # relative to this folder; \`tessera sample-data\` writes it
    timestampField: event_timestamp
    createdTimestampField: created       # breaks ties between two rows of one driver at one time
    description: Hourly statistics per driver.

featureViews:
  - name: driver_hourly_stats
    entities: [driver]
    source: driver_stats
    ttl: 2d                              # older values are OUTSIDE_MAX_AGE online and null in training rows
    features:
      - name: conv_rate
        type: float64
        transforms:
          - impute: {strategy: median}   # fitted once, on the first run's rows
          - scale: {method: standard}
      - name: acc_rate
        type: float64
        transforms:
          - impute: {strategy: mean}
          - scale: {method: minmax}
      - name: avg_daily_trips
        type: int64
        transforms:
          - impute: {strategy: ffill, fallback: median}
      - name: car_type
        type: string
        transforms:
          - impute: {strategy: constant, value: unknown}
          - encode: {method: onehot, maxCategories: 10, unknown: other}
    description: Conversion, acceptance and trips per driver, hourly.

featureServices:
  - name: driver_model
    features:
      - driver_hourly_stats:conv_rate
      - driver_hourly_stats:acc_rate
      - driver_hourly_stats:avg_daily_trips
      - driver_hourly_stats:car_type     # a one-hot feature: expands to its car_type__* columns
    description: Features of the ride-acceptance model.
`;

const README = (name: string) => `# ${name}

A Tessera feature repository: definitions in \`feature-definitions/\`, sample data in
\`feature-definitions/data/\` (generated, ending at the time it was written), data in \`.data/\`.
Run these from this folder (\`npx tessera\` where Tessera is installed in this project or a folder
above it; \`tessera\` where it is installed globally):

\`\`\`sh
npx tessera plan          # what apply would change: + entity driver, + source driver_stats, + featureView ...
npx tessera apply         # register the definitions in .data/registry.db
npx tessera materialize   # read the source, fit and apply the transforms, write Parquet and the online store
\`\`\`

Then \`npx tessera serve\` answers \`POST /get-online-features\` on http://127.0.0.1:6567, and
\`npx tessera describe feature-view driver_hourly_stats\` shows the fitted state. The sample data
ends when it was generated: \`npx tessera sample-data\` writes it again, ending now (driver 1010 is
stale on purpose, to show \`OUTSIDE_MAX_AGE\`).
`;

const GITIGNORE = `# Tessera's data directory (registry, online store, Parquet) and the generated sample data
.data/
feature-definitions/data/
`;

export function repositoryFiles(name: string): Record<string, string> {
  return {
    'README.md': README(name),
    '.gitignore': GITIGNORE,
    'feature-definitions/drivers.yaml': DEFINITIONS,
  };
}
