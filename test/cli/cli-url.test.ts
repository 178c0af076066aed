// `any`: response bodies are asserted field by field.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { freePort } from '../support/spawn-server.js';
import { getJson, testServer } from '../support/services.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';
import { driverStatsYaml } from '../support/bundles.js';
import { runCli, runCliHere } from '../support/run-cli.js';

// A child process, asynchronously: the server under test lives in this process.
const tessera = runCli;

let server: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  server = await testServer();
});
after(() => server.close());

/** What the server holds: its feature views (name and versions) and how many applies it recorded. */
async function remoteState(): Promise<{ views: [string, number[]][]; applies: number }> {
  const views = await getJson(`${server.url}/api/v1/feature-views`);
  const history = await getJson(`${server.url}/api/v1/apply-history`);
  return {
    views: views.body.featureViews.map((v: any) => [v.name, v.versions.map((x: any) => x.version)]),
    applies: history.body.applies.length,
  };
}

// Through main() in this process (a child costs ~2 s of start-up); the exit-code tests below spawn the binary.
test('plan --url shows the change and writes nothing; apply --url creates it; a changed view makes version 2', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'defs/drivers.yaml': driverStatsYaml('standard') });

  const plan = await runCliHere(['plan', 'defs', '--url', server.url], dir);
  // A new view counts as its version 1.
  assert.equal(plan.code, 0, plan.stderr);
  assert.equal(plan.stdout, ['+ entity driver', '+ source stats', '+ featureView driver_stats (version 1)', 'Plan: 3 to create, 0 to update, 1 new version, 0 unchanged.', ''].join('\n'));
  assert.deepEqual(await remoteState(), { views: [], applies: 0 }, 'plan must not write');
  assert.deepEqual((await getJson(`${server.url}/api/v1/entities`)).body.entities, []);

  const applied = await runCliHere(['apply', 'defs', '--url', server.url], dir);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /^\+ featureView driver_stats \(version 1\)$/m);
  assert.match(applied.stdout, /^Applied: 3 created, 0 updated, 1 new version, 0 unchanged\.$/m);
  assert.deepEqual(await remoteState(), { views: [['driver_stats', [1]]], applies: 1 });
  const view = (await getJson(`${server.url}/api/v1/feature-views/driver_stats`)).body;
  assert.deepEqual(view.joinKeys, [{ name: 'driver_id', type: 'int64' }]);
  assert.equal((await getJson(`${server.url}/api/v1/sources/stats`)).body.timestampField, 'ts');
  const history = (await getJson(`${server.url}/api/v1/apply-history`)).body.applies;
  // The server recorded the apply as its own (an HTTP request), not as a local CLI write.
  assert.match(history[0].actor, /^http /);
  // Nothing was written beside the definitions: the CLI talked to the server only.
  assert.deepEqual(fs.readdirSync(dir), ['defs']);

  writeFiles(dir, { 'defs/drivers.yaml': driverStatsYaml('minmax') });
  const plan2 = await runCliHere(['plan', 'defs', '--url', server.url, '--json'], dir);
  assert.equal(plan2.code, 0, plan2.stderr);
  const result = JSON.parse(plan2.stdout);
  assert.equal(result.dryRun, true);
  assert.deepEqual(result.newVersions, [{ featureView: 'driver_stats', version: 2, reasons: ['features[0].transforms[0].scale.method'] }]);
  assert.deepEqual(result.unchanged.map((u: any) => u.name).sort(), ['driver', 'stats']);
  assert.deepEqual(await remoteState(), { views: [['driver_stats', [1]]], applies: 1 }, 'plan must not write');

  const applied2 = await runCliHere(['apply', 'defs', '--url', server.url], dir);
  assert.equal(applied2.code, 0, applied2.stderr);
  assert.match(applied2.stdout, /^\^ featureView driver_stats: new version 2 \(features\[0\]\.transforms\[0\]\.scale\.method\)$/m);
  assert.deepEqual(await remoteState(), { views: [['driver_stats', [1, 2]]], applies: 2 });
  assert.equal((await getJson(`${server.url}/api/v1/feature-views/driver_stats/versions/2`)).body.definition.features[0].transforms[0].scale.method, 'minmax');

  // The same files again: nothing to do, nothing recorded.
  const again = await runCliHere(['apply', 'defs', '--url', server.url], dir);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^Applied: 0 created, 0 updated, 0 new versions, 3 unchanged\.$/m);
  assert.deepEqual(await remoteState(), { views: [['driver_stats', [1, 2]]], applies: 2 });
});

test('apply --url refused by the server: exit 1, the file and field named, nothing written', async () => {
  const stored = await remoteState();
  const dir = tempDir();
  // Each file is valid alone (the CLI checks files locally); the reference is what the server refuses.
  writeFiles(dir, {
    'defs/a.yaml': 'entities:\n  - {name: rider, joinKeys: [rider_id], valueType: string}\n',
    'defs/b.yaml': `
featureViews:
  - name: rider_stats
    entities: [rider]
    source: nowhere
    features: [{name: score, type: float64}]
`,
  });
  for (const command of ['plan', 'apply']) {
    const r = await tessera([command, 'defs', '--url', server.url], dir);
    assert.equal(r.code, 1, r.stdout);
    // The server's path featureViews[0].source, mapped back to the file that holds the view.
    assert.match(r.stderr, /^ {2}b\.yaml: featureViews\[0\]\.source: source 'nowhere' does not exist/m);
    assert.equal(r.stdout, '');
  }
  assert.deepEqual(await remoteState(), stored);
  assert.equal((await getJson(`${server.url}/api/v1/entities/rider`)).status, 404, 'the valid part of a refused bundle is not applied');
});

test('apply --url with no server listening: exit 3, saying it cannot reach it', async () => {
  const dir = tempDir();
  writeFiles(dir, { 'defs/drivers.yaml': driverStatsYaml('standard') });
  // A port that was free a moment ago: nothing listens there.
  const url = `http://127.0.0.1:${await freePort()}`;
  const r = await tessera(['apply', 'defs', '--url', url], dir);
  assert.equal(r.code, 3);
  assert.match(r.stderr, new RegExp(`cannot reach ${url.replace(/[.]/g, '\\.')}`));
  assert.deepEqual(fs.readdirSync(dir), ['defs']);
});
