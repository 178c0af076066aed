import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_PORT } from '../../server/config.js';
import { initRepository } from '../../server/scaffold/init-repo.js';
import { connect } from '../../server/sdk/index.js';
import { runCliHere } from '../support/run-cli.js';
import { exitedWith, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

const FEAST_PORT = 6566;

/** Whether 127.0.0.1:port can be listened on right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

for (const [name, port, flags] of [
  ['the default port', DEFAULT_PORT, []],
  ["Feast's port with --port 6566", FEAST_PORT, ['--port', '6566']],
] as const) {
  test(`tessera serve on ${name} (${port}): the CLI (--url) and the SDK (connect) work against it`, async (t) => {
    if (!(await isFree(port))) return void t.skip(`port ${port} is in use on this machine; this test needs it free`);
    const repo = tempDir();
    initRepository(repo, Date.now());
    const url = `http://127.0.0.1:${port}`;
    // No TESSERA_PORT: the default must come from the code.
    const server = spawnServe([...flags, '--data-dir', path.join(repo, '.data'), '--definitions', path.join(repo, 'feature-definitions')], { TESSERA_PORT: '' });
    const store = connect(url);
    try {
      await waitFor('the server', 60_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(server));
      assert.match(server.output(), new RegExp(`"url":"http://127\\.0\\.0\\.1:${port}"`));

      // The CLI through main() in this process: what is tested here is the server's port, not the binary.
      const run = await runCliHere(['materialize', 'driver_hourly_stats', '--url', url, '--json'], repo);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout).status, 'succeeded');
      assert.equal(JSON.parse(run.stdout).rowsOut, 720);
      const listed = await runCliHere(['list', 'feature-views', '--url', url], repo);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^driver_hourly_stats +versions: 1 \(latest 1\), 4 features, source driver_stats$/m);
      const described = await runCliHere(['describe', 'feature-view', 'driver_hourly_stats', '--url', url], repo);
      assert.equal(described.code, 0, described.stderr);
      assert.match(described.stdout, /^ {2}v1 .* fitted on 720 rows at /m);

      const request = { feature_service: 'driver_model', entities: { driver_id: [1001, 1010] } };
      const answer = await store.getOnlineFeatures(request);
      assert.deepEqual(answer, (await requestJson(`${url}/get-online-features`, 'POST', request)).body);
      assert.deepEqual(answer.results[1].statuses, ['PRESENT', 'OUTSIDE_MAX_AGE']);
      const transformed = await store.transform('driver_hourly_stats', [{ driver_id: 1, conv_rate: null, acc_rate: 0.5, avg_daily_trips: 3, car_type: 'suv' }]);
      assert.equal(transformed.rows.length, 1);

      // Why the default is not 6566: the Fetch standard (Node's fetch, every browser) refuses that port.
      if (port === FEAST_PORT) await assert.rejects(fetch(`${url}/health`), (e: Error) => /bad port/.test(String(e.cause)));
      else assert.equal((await fetch(`${url}/health`)).status, 200);
    } finally {
      await store.close();
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      assert.equal(await exited, 0, server.output().slice(-2000));
    }
  });
}
