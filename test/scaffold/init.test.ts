import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fixedClock } from '../../server/clock.js';
import { openFeatureStore } from '../../server/sdk/index.js';
import { runCliHere, runCliSync } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The binary, as the scaffold's README runs it: for init (both), materialize (its stderr must stay empty when piped,
 * the server's log lines included). The other steps go through runCliHere (main() in this process).
 */
const tessera = runCliSync;

/** numpy's default quantile: linear between closest ranks. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) / 2;
  return s[Math.floor(pos)] + (s[Math.ceil(pos)] - s[Math.floor(pos)]) * (pos - Math.floor(pos));
}

test('tessera init in an empty folder, then plan, apply and materialize with the defaults: fresh values online', async () => {
  const root = tempDir();
  const made = tessera(['init', 'drivers'], root);
  assert.equal(made.code, 0, made.stderr);
  const repo = path.join(root, 'drivers');
  assert.deepEqual(fs.readdirSync(repo).sort(), ['.gitignore', 'README.md', 'feature-definitions']);
  assert.deepEqual(fs.readdirSync(path.join(repo, 'feature-definitions')).sort(), ['data', 'drivers.yaml']);
  assert.match(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8'), /^\.data\/$/m);
  assert.match(fs.readFileSync(path.join(repo, '.gitignore'), 'utf8'), /^feature-definitions\/data\/$/m);
  const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
  assert.deepEqual(
    [...readme.matchAll(/^npx (tessera \w+)/gm)].map((m) => m[1]),
    ['tessera plan', 'tessera apply', 'tessera materialize'],
  );

  const plan = await runCliHere(['plan'], repo);
  assert.equal(plan.code, 0, plan.stderr);
  assert.equal(
    plan.stdout,
    [
      '+ entity driver',
      '+ source driver_stats',
      '+ featureView driver_hourly_stats (version 1)',
      '+ featureService driver_model',
      'Plan: 4 to create, 0 to update, 1 new version, 0 unchanged.',
      '',
    ].join('\n'),
  );
  assert.ok(!fs.existsSync(path.join(repo, '.data', 'registry.db')) || (await runCliHere(['list', 'feature-views'], repo)).stdout.split('\n').length === 2, 'plan writes nothing');
  const applied = await runCliHere(['apply'], repo);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /^Applied: 4 created, 0 updated, 1 new version, 0 unchanged\.$/m);
  const run = tessera(['materialize'], repo);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^run 1 of driver_hourly_stats v1: succeeded; rows in 720, out 720, rejected 0$/m);
  // Piped: no progress line.
  assert.equal(run.stderr, '');

  // The online answer, checked against the CSV by hand: conv_rate is median-imputed, then standardised.
  const lines = fs
    .readFileSync(path.join(repo, 'feature-definitions', 'data', 'driver_stats.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const rows = lines.map((l) => l.split(',')).map(([id, ts, , conv]) => ({ id: Number(id), ts: Date.parse(ts), conv: conv === '' ? null : Number(conv) }));
  const present = rows.filter((r) => r.conv !== null).map((r) => r.conv!);
  const fill = median(present);
  const filled = rows.map((r) => r.conv ?? fill);
  const mean = filled.reduce((a, b) => a + b, 0) / filled.length;
  const std = Math.sqrt(filled.reduce((a, b) => a + (b - mean) ** 2, 0) / filled.length);
  const latest = (id: number) => rows.filter((r) => r.id === id).reduce((a, b) => (b.ts > a.ts ? b : a));
  const now = latest(1001).ts + 30 * 60_000;

  const store = await openFeatureStore({ dataDir: path.join(repo, '.data'), clock: fixedClock(now) });
  try {
    const ids = [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010];
    const answer = store.getOnlineFeaturesSync({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: ids } });
    const conv = answer.results[1];
    assert.deepEqual(conv.statuses, [...Array(9).fill('PRESENT'), 'OUTSIDE_MAX_AGE']);
    ids.forEach((id, i) => {
      const r = latest(id);
      assert.ok(Math.abs((conv.values[i] as number) - ((r.conv ?? fill) - mean) / std) < 1e-9, `driver ${id}`);
      // Protobuf's JSON form, as Feast writes it: the sample data's times are whole seconds.
      assert.equal(conv.event_timestamps[i], new Date(r.ts).toISOString().replace('.000Z', 'Z'));
    });
    // The stale driver's last row is three days before the others'.
    assert.equal(latest(1001).ts - latest(1010).ts, 3 * 24 * 3_600_000);
  } finally {
    await store.close();
  }

  const described = await runCliHere(['describe', 'feature-view', 'driver_hourly_stats'], repo);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, new RegExp(`^ {2}conv_rate: impute median: value ${Number(fill.toPrecision(4))}$`, 'm'));
  assert.match(described.stdout, /^ {2}run 1 {2}v1 {2}succeeded {2}cli /m);
  const json = JSON.parse((await runCliHere(['describe', 'feature-view', 'driver_hourly_stats', '--json'], repo)).stdout);
  assert.equal(json.versions[0].fitRows, 720);

  // init never overwrites: a second init into the same folder is refused and changes nothing.
  const before = fs.readFileSync(path.join(repo, 'feature-definitions', 'drivers.yaml'), 'utf8');
  const again = tessera(['init', 'drivers'], root);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already holds README\.md, \.gitignore, feature-definitions\/drivers\.yaml/);
  assert.equal(fs.readFileSync(path.join(repo, 'feature-definitions', 'drivers.yaml'), 'utf8'), before);
});
