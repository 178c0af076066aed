import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir, writeFiles } from '../support/temp-dir.js';
import { driverStatsYaml } from '../support/bundles.js';
import { runCliHere, runCliSync } from '../support/run-cli.js';

/** Runs the CLI as `tessera <args>` in `cwd`, in a child process. */
const tessera = runCliSync;

// In this process (main()): the exit-code tests below spawn the binary.
test('tessera apply, then list; plan then apply a change makes version 2 and keeps 1', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'defs/drivers.yaml': driverStatsYaml('standard') });
  const applied = await runCliHere(['apply', 'defs', '--data-dir', 'data'], dir);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /\+ featureView driver_stats \(version 1\)/);
  assert.ok(fs.existsSync(path.join(dir, 'data', 'registry.db')));

  const listed = await runCliHere(['list', 'feature-views', '--data-dir', 'data'], dir);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /driver_stats\s+versions: 1 \(latest 1\)/);

  writeFiles(dir, { 'defs/drivers.yaml': driverStatsYaml('minmax') });
  const plan = await runCliHere(['plan', 'defs', '--data-dir', 'data'], dir);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /\^ featureView driver_stats: new version 2 \(features\[0\]\.transforms\[0\]\.scale\.method\)/);
  assert.match((await runCliHere(['list', 'feature-views', '--data-dir', 'data'], dir)).stdout, /versions: 1 \(latest 1\)/, 'plan must not write');

  assert.equal((await runCliHere(['apply', 'defs', '--data-dir', 'data'], dir)).code, 0);
  assert.match((await runCliHere(['list', 'feature-views', '--data-dir', 'data'], dir)).stdout, /versions: 1, 2 \(latest 2\)/);
  const described = JSON.parse((await runCliHere(['describe', 'feature-view', 'driver_stats', '--data-dir', 'data', '--json'], dir)).stdout);
  assert.deepEqual(
    described.versions.map((v: { version: number }) => v.version),
    [1, 2],
  );
  // For people: both versions in words, the latest not fitted yet (no run).
  const readable = await runCliHere(['describe', 'feature-view', 'driver_stats', '--data-dir', 'data'], dir);
  assert.equal(readable.code, 0, readable.stderr);
  assert.match(readable.stdout, /^feature view driver_stats\n/);
  assert.match(readable.stdout, /^ {2}v1 {2}created \S+ by apply; not fitted yet \(its first run fits it\); 1 output columns$/m);
  assert.match(readable.stdout, /^ {2}v2 {2}created \S+ by apply; not fitted yet/m);
  assert.match(readable.stdout, /^fitted state of v2: none yet; the version's first run with rows fits it$/m);
  assert.match(readable.stdout, /\nsnapshots of v2:\n {2}none yet\n\nlast runs:\n {2}none yet\n$/);
});

test('describe of a one-hot view before its first run: its output columns are not known yet, said in words', async () => {
  const dir = tempDir();
  const yaml = `entities:
  - {name: driver, joinKeys: [driver_id], valueType: int64}
sources:
  - {name: stats, type: csv, path: stats.csv, timestampField: ts}
featureViews:
  - name: cars
    entities: [driver]
    source: stats
    features:
      - {name: car_type, type: string, transforms: [{encode: {method: onehot}}]}
`;
  writeFiles(dir, { 'defs/cars.yaml': yaml, 'defs/stats.csv': 'driver_id,ts,car_type\n1,2026-11-01T00:00:00Z,suv\n' });
  assert.equal((await runCliHere(['apply', 'defs', '--data-dir', 'data'], dir)).code, 0);
  const readable = await runCliHere(['describe', 'feature-view', 'cars', '--data-dir', 'data'], dir);
  assert.equal(readable.code, 0, readable.stderr);
  assert.match(readable.stdout, /^ {2}v1 {2}created \S+ by apply; not fitted yet \(its first run fits it\); output columns known once fitted$/m);
});

test('invalid definitions: exit 1, the file and field named, nothing written', () => {
  const dir = tempDir();
  writeFiles(dir, { 'defs/bad.yaml': driverStatsYaml('zscore'), 'defs/broken.json': '{"entities": [' });
  const r = tessera(['apply', 'defs', '--data-dir', 'data'], dir);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.yaml: featureViews\[0\]\.features\[0\]\.transforms\[0\]\.scale\.method/);
  assert.match(r.stderr, /broken\.json/);
  assert.ok(!fs.existsSync(path.join(dir, 'data', 'registry.db')));
});

test('unknown commands and kinds are usage errors: exit 2', () => {
  const dir = tempDir();
  assert.equal(tessera(['frobnicate'], dir).code, 2);
  const r = tessera(['list', 'widgets', '--data-dir', 'data'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown kind 'widgets'/);
});
