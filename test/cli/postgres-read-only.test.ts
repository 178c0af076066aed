import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { driverStatsYaml } from '../support/bundles.js';
import { createTestDatabase, POSTGRES_SKIP } from '../support/postgres.js';
import { runCliHere } from '../support/run-cli.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

// With the registry on PostgreSQL a read-only command skips the missing-data-dir check: it opened its
// services on the data dir all the same, which created it (online.db, prediction-log/). On an
// operator's laptop (PostgreSQL, Redis, a shared offline folder) there is no data dir to create.
test('with a PostgreSQL registry, read-only commands on a data dir that does not exist answer from the registry and create nothing', { skip: POSTGRES_SKIP ?? false }, async (t) => {
  const db = await createTestDatabase();
  t.after(() => db.drop());
  const dir = tempDir();
  writeFiles(dir, {
    'defs/drivers.yaml': driverStatsYaml('standard'),
    'defs/data/stats.csv': 'driver_id,ts,rate\n1,2026-11-01T00:00:00Z,1\n2,2026-11-01T00:00:00Z,3\n',
    'e.csv': 'driver_id,event_timestamp\n1,2026-11-02T00:00:00Z\n2,2026-11-02T00:00:00Z\n',
  });
  const env = { TESSERA_REGISTRY_URL: db.url, TESSERA_OFFLINE_DIR: path.join(dir, 'offline') };
  const cli = async (args: string[], code = 0) => {
    const r = await runCliHere(args, dir, env);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  await cli(['apply', 'defs', '--data-dir', 'writer']);
  await cli(['materialize', 'driver_stats', '--definitions', 'defs', '--data-dir', 'writer']);
  await cli(['keys', 'create', '--name', 'first', '--role', 'admin', '--data-dir', 'writer']);
  const historical = ['get-historical-features', '--entities', 'e.csv', '--features', 'driver_stats:rate'];
  await cli([...historical, '--out', 'from-writer.json', '--data-dir', 'writer']);
  const before = fs.readdirSync(dir).sort();

  // Their stand-in folder goes under TMPDIR: it must be gone when they end.
  const tmp = tempDir();
  const tmpBefore = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    const absent = ['--data-dir', 'absent'];
    assert.match((await cli(['list', 'entities', ...absent])).stdout, /^driver\b/m);
    assert.match((await cli(['describe', 'feature-view', 'driver_stats', ...absent])).stdout, /driver_stats/);
    const keys = JSON.parse((await cli(['keys', 'list', '--json', ...absent])).stdout) as { id: string; name: string }[];
    assert.deepEqual(
      keys.map((k) => k.name),
      ['first'],
    );
    await cli(['keys', 'revoke', keys[0].id, ...absent]);
    assert.match((await cli(['audit', ...absent])).stdout, /keys\.revoke/);
    assert.deepEqual(JSON.parse((await cli(['datasets', 'list', '--json', ...absent])).stdout), []);
    assert.match((await cli(['datasets', 'show', 'x', ...absent], 1)).stderr, /training dataset 'x'/);
    await cli([...historical, '--out', 'from-absent.json', ...absent]);
    await cli(['plan', 'defs', ...absent]);
    // A data dir that exists, empty (a mount point, say): it stays empty.
    fs.mkdirSync(path.join(dir, 'empty'));
    const empty = ['--data-dir', 'empty'];
    assert.match((await cli(['list', 'entities', ...empty])).stdout, /^driver\b/m);
    assert.match((await cli(['audit', ...empty])).stdout, /keys\.revoke/);
    await cli([...historical, '--out', 'from-empty.json', ...empty]);
    await cli(['plan', 'defs', ...empty]);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'empty')), []);
  } finally {
    if (tmpBefore === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmpBefore;
  }
  // The same rows as the data dir that materialized them (the offline folder is the shared one).
  const rows = JSON.parse(fs.readFileSync(path.join(dir, 'from-absent.json'), 'utf8')) as Record<string, unknown[]>;
  assert.deepEqual(rows, JSON.parse(fs.readFileSync(path.join(dir, 'from-writer.json'), 'utf8')));
  assert.deepEqual(rows.driver_id, [1, 2]);
  assert.equal(rows.rate.filter((v) => typeof v === 'number').length, 2, JSON.stringify(rows));
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'from-empty.json'), 'utf8')), rows);
  assert.deepEqual(fs.readdirSync(dir).sort(), [...before, 'empty', 'from-absent.json', 'from-empty.json'].sort());
  assert.deepEqual(fs.readdirSync(tmp), []);
});
