import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCliHere, runCliSync } from '../support/run-cli.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

/** The binary in a child process: for the exit codes a shell sees. Everything else goes through runCliHere (main() in this process). */
const tessera = runCliSync;

test('tessera materialize runs a window against a data dir and reports the run', async () => {
  const dir = tempDir();
  writeFiles(dir, {
    'defs/data/rates.csv': 'id,ts,rate\n1,2026-01-01T00:00:00Z,0.5\n2,2026-01-02T00:00:00Z,x\n3,2026-02-01T00:00:00Z,0.7\n',
    'defs/rates.yaml': `
entities: [{name: thing, joinKeys: [id], valueType: int64}]
sources: [{name: rates, type: csv, path: data/rates.csv, timestampField: ts}]
featureViews:
  - {name: rates, entities: [thing], source: rates, features: [{name: rate, type: float64}]}
`,
  });
  assert.equal((await runCliHere(['apply', 'defs', '--data-dir', 'data'], dir)).code, 0);
  const run = await runCliHere(['materialize', 'rates', '--start', '2025-12-31', '--end', '2026-01-31', '--data-dir', 'data', '--definitions', 'defs', '--json'], dir);
  assert.equal(run.code, 0, run.stderr);
  const record = JSON.parse(run.stdout);
  assert.equal(record.status, 'succeeded');
  assert.equal(record.rowsIn, 2);
  assert.equal(record.rowsOut, 1);
  assert.deepEqual(record.rejectsByReason, { invalid_float64: 1 });
  assert.equal(record.window.start, '2025-12-31T00:00:00.000Z');
  const missing = tessera(['materialize', 'nope', '--data-dir', 'data', '--definitions', 'defs'], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /feature view 'nope' does not exist/);
  assert.equal(tessera(['materialize', 'rates', '--start', 'soon', '--data-dir', 'data'], dir).code, 2);
});

test('tessera materialize with no view runs every view; with several, each; an unknown one runs none', async () => {
  const dir = tempDir();
  writeFiles(dir, {
    'defs/data/rates.csv': 'id,ts,rate\n1,2026-01-01T00:00:00Z,0.5\n2,2026-01-02T00:00:00Z,0.6\n',
    'defs/data/counts.csv': 'id,ts,n\n1,2026-01-01T00:00:00Z,3\n',
    'defs/views.yaml': `
entities: [{name: thing, joinKeys: [id], valueType: int64}]
sources:
  - {name: rates, type: csv, path: data/rates.csv, timestampField: ts}
  - {name: counts, type: csv, path: data/counts.csv, timestampField: ts}
featureViews:
  - {name: rates, entities: [thing], source: rates, features: [{name: rate, type: float64}]}
  - {name: counts, entities: [thing], source: counts, features: [{name: n, type: int64}]}
`,
  });
  const cli = (...args: string[]) => runCliHere([...args, '--data-dir', 'data', '--definitions', 'defs'], dir);
  assert.equal((await runCliHere(['apply', 'defs', '--data-dir', 'data'], dir)).code, 0);

  const unknown = await cli('materialize', 'rates', 'nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /feature view 'nope' does not exist/);
  const registry = new Database(path.join(dir, 'data', 'registry.db'), { readonly: true });
  assert.equal((registry.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n, 0, 'nothing was queued or run');
  registry.close();

  const all = await cli('materialize', '--json');
  assert.equal(all.code, 0, all.stderr);
  const runs = JSON.parse(all.stdout) as { featureView: string; status: string; rowsOut: number }[];
  assert.deepEqual(runs.map((r) => [r.featureView, r.status, r.rowsOut]).sort(), [
    ['counts', 'succeeded', 1],
    ['rates', 'succeeded', 2],
  ]);
  const again = await cli('materialize', 'rates', 'counts');
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /of rates v1: succeeded; rows in 0/);
  assert.match(again.stdout, /of counts v1: succeeded; rows in 0/);
  assert.equal((await cli('materialize', 'rates', 'counts', '--version', '1')).code, 2, '--version needs exactly one view: a usage error');
});
