import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { driverStatsYaml } from '../support/bundles.js';
import { runCliHere } from '../support/run-cli.js';
import { exitCodeOf, spawnServe } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const OTHER_VIEW = `
featureViews:
  - {name: other_stats, entities: [driver], source: stats, schedule: "* * * * *", features: [{name: rate, type: float64}]}
`;

// serve applied the definitions folder and took the scheduler lease (a scheduled run could start)
// before it found the port taken: a failed start changed the registry.
test('serve on a port in use exits 1 naming it before applying anything: a new definition file is not applied', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  const dir = tempDir();
  writeFiles(dir, { 'defs/drivers.yaml': driverStatsYaml('standard'), 'defs/data/stats.csv': 'driver_id,ts,rate\n1,2026-11-01T00:00:00Z,0.5\n' });
  try {
    assert.equal((await runCliHere(['apply', 'defs', '--data-dir', 'data'], dir)).code, 0);
    writeFiles(dir, { 'defs/other.yaml': OTHER_VIEW });
    const child = spawnServe(['--port', String(port), '--data-dir', path.join(dir, 'data'), '--definitions', path.join(dir, 'defs')]);
    // Bounded in case it hangs; the exit itself comes within a second or two.
    const code = await exitCodeOf(child);
    assert.equal(code, 1, child.output());
    assert.match(child.output(), new RegExp(`error: port ${port} on 127\\.0\\.0\\.1 is in use \\(EADDRINUSE\\): another server listens there; nothing was applied or started`));
    assert.doesNotMatch(child.output(), /definitions applied|runs the scheduler/);
    const views = await runCliHere(['list', 'feature-views', '--data-dir', 'data', '--json'], dir);
    assert.deepEqual(
      JSON.parse(views.stdout).map((v: { name: string }) => v.name),
      ['driver_stats'],
    );
  } finally {
    taken.close();
  }
});
