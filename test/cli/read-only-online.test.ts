import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { driverStatsYaml } from '../support/bundles.js';
import { runCliHere } from '../support/run-cli.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

// Read-only commands and plan touch no online row: they used to open the online store all the same,
// so with TESSERA_ONLINE_URL set they failed while Redis was down (an operator's first moments in an
// outage), and on the embedded store they made online.db in the data dir.
const READS = [
  ['list', 'entities'],
  ['describe', 'feature-view', 'driver_stats'],
  ['audit'],
  ['keys', 'list'],
  ['datasets', 'list'],
  ['get-historical-features', '--entities', 'e.csv', '--features', 'driver_stats:rate', '--out', 'rows.json'],
  ['plan', 'defs'],
];

async function materialized(): Promise<{ dir: string; cli: (args: string[], env?: Record<string, string>) => Promise<{ code: number; stdout: string; stderr: string }> }> {
  const dir = tempDir();
  writeFiles(dir, {
    'defs/drivers.yaml': driverStatsYaml('standard'),
    'defs/data/stats.csv': 'driver_id,ts,rate\n1,2026-11-01T00:00:00Z,1\n2,2026-11-01T00:00:00Z,3\n',
    'e.csv': 'driver_id,event_timestamp\n1,2026-11-02T00:00:00Z\n2,2026-11-02T00:00:00Z\n',
  });
  const cli = (args: string[], env: Record<string, string> = {}) => runCliHere([...args, '--data-dir', 'data'], dir, env);
  for (const args of [
    ['apply', 'defs'],
    ['materialize', 'driver_stats', '--definitions', 'defs'],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  return { dir, cli };
}

test('with TESSERA_ONLINE_URL on a Redis that does not answer, read-only commands and plan still answer; a write does not', async () => {
  const { dir, cli } = await materialized();
  // Nothing listens on port 1 of the loopback: a connection is refused at once.
  const env = { TESSERA_ONLINE_URL: 'redis://127.0.0.1:1' };
  for (const args of READS) {
    const r = await cli(args, env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  assert.match((await cli(['list', 'entities'], env)).stdout, /^driver\b/m);
  // rate 1 and 3, standard-scaled by the fit (mean 2, population standard deviation 1): -1 and 1.
  const rows = JSON.parse(fs.readFileSync(path.join(dir, 'rows.json'), 'utf8')) as Record<string, unknown[]>;
  assert.deepEqual(
    [rows.driver_id, rows.rate],
    [
      [1, 2],
      [-1, 1],
    ],
  );
  // The URL is still the online store of commands that write.
  const write = await cli(['materialize', 'driver_stats', '--definitions', 'defs'], env);
  assert.notEqual(write.code, 0);
  assert.match(write.stderr, /127\.0\.0\.1:1/);
});

test('on the embedded online store, read-only commands and plan do not create online.db', async () => {
  const { dir, cli } = await materialized();
  const onlineDb = path.join(dir, 'data', 'online.db');
  assert.ok(fs.existsSync(onlineDb), 'the write made it');
  for (const f of fs.readdirSync(path.join(dir, 'data')).filter((f) => f.startsWith('online.db'))) fs.rmSync(path.join(dir, 'data', f));
  for (const args of READS) {
    const r = await cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.deepEqual(
      fs.readdirSync(path.join(dir, 'data')).filter((f) => f.startsWith('online.db')),
      [],
      `${args.join(' ')} made online.db`,
    );
  }
});
