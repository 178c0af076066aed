import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { scriptArgs } from '../support/node-child.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const ROWS = 5;
const AT = '2026-11-29T10:00:00Z';

const definitions = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'scores', type: 'push' }],
  featureViews: [{ name: 'plain', entities: ['driver'], source: 'scores', features: [{ name: 'score', type: 'float64' }] }],
};

/** Request k pushes drivers k*5+1 .. k*5+5, each scored with its own id: what is found tells which request it came from. */
const idsOf = (k: number) => Array.from({ length: ROWS }, (_, i) => k * ROWS + i + 1);
const bodyOf = (k: number) => ({ push_source_name: 'scores', df: { driver_id: idsOf(k), event_timestamp: idsOf(k).map(() => AT), score: idsOf(k) }, to: 'online_and_offline' });

test('kill -9 in the middle of a push commit: every answered push survives, no request is half visible, and the restarted server fails the run and removes its folder', async () => {
  const dataDir = path.join(tempDir(), 'data');
  const defs = tempDir();
  writeFiles(defs, { 'push.yaml': toYaml(definitions) });
  const marker = path.join(tempDir(), 'marker');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const child = spawn(process.execPath, [...scriptArgs(import.meta.url, './push-crash-child.ts'), dataDir, defs, String(port), marker, '6'], { stdio: 'ignore', env });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const childAlive = () => (child.exitCode !== null ? `the push process exited (${child.exitCode})` : null);
  await waitFor('the push process to listen', 120_000, async () => ((await requestJson(`${url}/health`).catch(() => null))?.status === 200 ? true : undefined), childAlive);

  // Four pushes in flight at a time until the process stops inside a commit; then kill -9 it there.
  const answered = new Set<number>();
  let sent = 0;
  const lane = async () => {
    while (!fs.existsSync(marker)) {
      const k = sent++;
      const res = await requestJson(`${url}/push`, 'POST', bodyOf(k), 60_000).catch(() => null);
      if (res === null) return;
      assert.equal(res.status, 200, JSON.stringify(res.body));
      answered.add(k);
    }
  };
  const lanes = Promise.all([lane(), lane(), lane(), lane()]);
  await waitFor('the push process to stop inside a commit', 60_000, async () => (fs.existsSync(marker) ? true : undefined), childAlive);
  child.kill('SIGKILL');
  await exited;
  await lanes;
  const stalled = fs.readFileSync(marker, 'utf8');
  const runId = Number(/run=(\d+)\//.exec(stalled)![1]);
  assert.ok(fs.existsSync(path.join(dataDir, stalled)), 'the killed commit had a file in place');
  assert.ok(answered.size >= 6, `answered ${answered.size}`);
  assert.ok(sent > answered.size, 'some pushes were never answered');

  // The real server over the same data dir: it takes the lease over and recovers the dead process's run.
  const server = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', defs], { TESSERA_LEASE_MS: '1000' });
  try {
    await waitFor('the server to lead', 120_000, async () => ((await requestJson(`${url}/health`).catch(() => null))?.body.scheduler === 'this process' ? true : undefined), exitedWith(server));
    const run = await waitFor('the interrupted push run to fail', 120_000, async () => {
      const r = (await requestJson(`${url}/api/v1/runs/${runId}`)).body;
      return r.status === 'failed' ? r : undefined;
    });
    assert.deepEqual([run.trigger, run.reason, run.snapshotId], ['push', 'interrupted', null]);
    assert.equal(fs.existsSync(path.join(dataDir, `offline/plain/v1/run=${runId}`)), false, 'the uncommitted run folder is gone');

    // Offline: every run= folder left belongs to a committed snapshot, and no staged file is left.
    const snapshots = (await requestJson(`${url}/api/v1/feature-views/plain/versions/1`)).body.snapshots as { files: string[]; rows: number }[];
    const committed = new Set(snapshots.flatMap((s) => s.files.map((f) => f.split('/')[3])));
    const folders = fs.readdirSync(path.join(dataDir, 'offline/plain/v1')).filter((f) => f.startsWith('run='));
    assert.deepEqual(folders.sort(), [...committed].sort());
    const left = fs.readdirSync(path.join(dataDir, 'offline'), { recursive: true }) as string[];
    assert.deepEqual(
      left.filter((f) => f.endsWith('.tmp')),
      [],
    );

    // Each request is all there or not at all, offline and online; every answered one is there.
    const ids = Array.from({ length: sent }, (_, k) => idsOf(k)).flat();
    const hist = await requestJson(
      `${url}/get-historical-features`,
      'POST',
      { features: ['plain:score'], entities: { driver_id: ids, event_timestamp: ids.map(() => '2026-11-29T11:00:00Z') } },
      30_000,
    );
    assert.equal(hist.status, 200, JSON.stringify(hist.body));
    const online = await requestJson(`${url}/get-online-features`, 'POST', { features: ['plain:score'], entities: { driver_id: ids } });
    assert.equal(online.status, 200, JSON.stringify(online.body));
    let rowsOffline = 0;
    for (let k = 0; k < sent; k++) {
      const offlineScores = (hist.body.score as (number | null)[]).slice(k * ROWS, (k + 1) * ROWS);
      const onlineScores = (online.body.results[1].values as (number | null)[]).slice(k * ROWS, (k + 1) * ROWS);
      const whole = idsOf(k);
      const none = whole.map(() => null);
      assert.ok(
        [whole, none].some((x) => JSON.stringify(x) === JSON.stringify(offlineScores)),
        `request ${k} offline: ${JSON.stringify(offlineScores)}`,
      );
      assert.ok(
        [whole, none].some((x) => JSON.stringify(x) === JSON.stringify(onlineScores)),
        `request ${k} online: ${JSON.stringify(onlineScores)}`,
      );
      if (answered.has(k)) {
        assert.deepEqual(offlineScores, whole, `answered request ${k} is offline`);
        assert.deepEqual(onlineScores, whole, `answered request ${k} is online`);
      }
      if (offlineScores[0] !== null) rowsOffline += ROWS;
    }
    // Nothing twice: the snapshots hold exactly the rows of the requests found.
    assert.equal(
      snapshots.reduce((n, s) => n + s.rows, 0),
      rowsOffline,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
});
