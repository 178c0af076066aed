// `any`: JSON answers are asserted field by field.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { HAND_FILES, handBundle } from '../offline/fixture.js';
import { runCli, runCliHere } from '../support/run-cli.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

// The commands below against a server (--url) that nothing else covers; the server lives in this process. They
// run through main() in this process too (a child costs ~2 s of start-up), but for the exit-code check.
// The tests run in order: the first materializes what the others describe and export.
let s: Awaited<ReturnType<typeof pipelineServer>>;
let cwd: string;
before(async () => {
  s = await pipelineServer(HAND_FILES, handBundle());
  cwd = tempDir();
});
after(() => s.close());

test('materialize --url with no view runs every view the server lists, each once', async () => {
  const r = await runCliHere(['materialize', '--url', s.url, '--json'], cwd);
  assert.equal(r.code, 0, r.stderr);
  const runs = JSON.parse(r.stdout) as any[];
  // Rows in, by hand: the data lines of drivers.csv, riders.csv and zones.csv.
  assert.deepEqual(
    runs.map((x) => [x.featureView, x.status, x.trigger, x.rowsIn]),
    [
      ['driver_stats', 'succeeded', 'manual', 8],
      ['rider_stats', 'succeeded', 'manual', 3],
      ['zone_stats', 'succeeded', 'manual', 3],
    ],
  );
  // The server ran exactly those runs.
  const listed = (await getJson(`${s.url}/api/v1/runs`)).body.runs as any[];
  assert.deepEqual(listed.map((x) => x.id).sort(), runs.map((x) => x.id).sort());
  // Nothing was written beside the test's empty folder: the CLI only talked to the server.
  assert.deepEqual(fs.readdirSync(cwd), []);
});

test('list --url and describe --url show what the server holds', async () => {
  const listed = await runCliHere(['list', 'feature-views', '--url', s.url], cwd);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(
    listed.stdout,
    [
      'NAME          DETAILS',
      'driver_stats  versions: 1 (latest 1), 2 features, source drivers',
      'rider_stats   versions: 1 (latest 1), 2 features, source riders',
      'zone_stats    versions: 1 (latest 1), 1 features, source zones',
      '',
    ].join('\n'),
  );
  const entities = await runCliHere(['list', 'entities', '--url', s.url, '--json'], cwd);
  assert.equal(entities.code, 0, entities.stderr);
  assert.deepEqual(
    (JSON.parse(entities.stdout) as any[]).map((e) => [e.name, e.joinKeys.map((k: any) => `${k.name}:${k.type}`)]),
    [
      ['driver', ['driver_id:int64']],
      ['rider', ['rider_id:string']],
      ['zone', ['city:string', 'zone:int64']],
    ],
  );
  const described = await runCliHere(['describe', 'feature-view', 'rider_stats', '--url', s.url], cwd);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /^ {2}v1 .* fitted on 3 rows at /m);
  const service = await runCliHere(['describe', 'feature-service', 'driver_model', '--url', s.url, '--json'], cwd);
  assert.equal(service.code, 0, service.stderr);
  assert.deepEqual(JSON.parse(service.stdout).features, ['driver_stats:rate', 'rider_stats:*']);
  const missing = await runCli(['describe', 'feature-view', 'nope', '--url', s.url], cwd);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /feature view 'nope' does not exist/);
  // The data dir says the same, in the same words (it said "entitie 'nope'").
  for (const kind of ['entity', 'feature-view', 'feature-service', 'source']) {
    const [remote, local] = await Promise.all([runCliHere(['describe', kind, 'nope', '--url', s.url], cwd), runCliHere(['describe', kind, 'nope', '--data-dir', s.dataDir], cwd)]);
    assert.equal(local.code, 1);
    assert.equal(local.stderr, remote.stderr, kind);
    assert.match(local.stderr, new RegExp(`^error: ${kind.replace('-', ' ')} 'nope' does not exist`));
  }
});

test('datasets export --url writes the saved rows to the file', async () => {
  const saved = await postJson(`${s.url}/api/v1/training-datasets`, {
    name: 'remote_export',
    features: ['driver_stats:rate', 'rider_stats:tier'],
    entities: { driver_id: [1, 2], rider_id: ['r1', '007'], event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T10:00:00Z'] },
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  const out = path.join(cwd, 'export.json');
  const r = await runCliHere(['datasets', 'export', 'remote_export', '--out', out, '--url', s.url], cwd);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `wrote 2 rows of 'remote_export' to ${out}\n`);
  // By hand from test/offline/fixture.ts: driver 1 at 11:00 takes the latest created of its three 11:00 rows
  // (0.3); driver 2's 09:00 row is within the 1 h ttl at 10:00 (5); r1 at 11:00 sees its 10:30 row, 007 its only one.
  const rows = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.deepEqual(rows.rate, [0.3, 5]);
  assert.deepEqual(rows.tier, ['silver', 'bronze']);
});
