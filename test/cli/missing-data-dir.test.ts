import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { driverStatsYaml } from '../support/bundles.js';
import { runCliHere, runCliSync } from '../support/run-cli.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

// Opening a data dir creates it: `list` on a mistyped --data-dir answered an empty list (exit 0) and
// left a new data dir (registry.db, online.db, prediction-log/) behind.
const READS: string[][] = [
  ['list', 'entities'],
  ['describe', 'entity', 'driver'],
  ['audit'],
  ['keys', 'list'],
  ['keys', 'revoke', '000000000000'],
  ['datasets', 'list'],
  ['datasets', 'show', 'x'],
  ['datasets', 'export', 'x', '--out', 'x.csv'],
  ['get-historical-features', '--entities', 'e.csv', '--features', 'driver_stats:rate', '--out', 'o.csv'],
];

test('a read-only command on a data dir that does not exist: exit 1 naming it, and nothing created', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'e.csv': 'driver_id,event_timestamp\n1,2026-11-01T00:00:00Z\n' });
  for (const args of READS) {
    const r = await runCliHere([...args, '--data-dir', 'typo'], dir);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, /^error: data directory '.*[\\/]typo' does not exist; give --data-dir the folder 'tessera apply' or 'tessera serve' wrote/, args.join(' '));
    assert.deepEqual(fs.readdirSync(dir), ['e.csv'], `${args.join(' ')} created something`);
  }
  // The default data dir (.data) too; and a folder that exists but holds no registry is said to be one.
  const byDefault = await runCliHere(['list', 'feature-views'], dir);
  assert.equal(byDefault.code, 1);
  assert.match(byDefault.stderr, /data directory '.*[\\/]\.data' does not exist/);
  fs.mkdirSync(path.join(dir, 'empty'));
  const notOne = await runCliHere(['list', 'entities', '--data-dir', 'empty'], dir);
  assert.equal(notOne.code, 1);
  assert.match(notOne.stderr, /^error: '.*[\\/]empty' is not a Tessera data directory: it holds no registry\.db/);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'empty')), []);
  // The binary's exit code, as a shell sees it.
  assert.equal(runCliSync(['list', 'entities', '--data-dir', 'typo'], dir).code, 1);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['e.csv', 'empty']);
});

test('plan on a data dir not made yet: what apply would create, said so, and nothing created; apply and keys create make it', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'defs/drivers.yaml': driverStatsYaml('standard') });
  const plan = await runCliHere(['plan', 'defs', '--data-dir', 'data'], dir);
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, /^\+ featureView driver_stats \(version 1\)$/m);
  assert.match(plan.stderr, /^no registry in '.*[\\/]data' yet: planned against an empty one \(nothing created\)$/m);
  assert.deepEqual(fs.readdirSync(dir), ['defs']);

  const applied = await runCliHere(['apply', 'defs', '--data-dir', 'data'], dir);
  assert.equal(applied.code, 0, applied.stderr);
  assert.ok(fs.existsSync(path.join(dir, 'data', 'registry.db')));
  const listed = await runCliHere(['list', 'feature-views', '--data-dir', 'data'], dir);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^driver_stats\s+versions: 1/m);
  const again = await runCliHere(['plan', 'defs', '--data-dir', 'data'], dir);
  assert.equal(again.stderr, '');
  assert.match(again.stdout, /^= featureView driver_stats/m);

  const key = await runCliHere(['keys', 'create', '--name', 'first', '--role', 'admin', '--data-dir', 'keys-data'], dir);
  assert.equal(key.code, 0, key.stderr);
  assert.ok(fs.existsSync(path.join(dir, 'keys-data', 'registry.db')));
});
