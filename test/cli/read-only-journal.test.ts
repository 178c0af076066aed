import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/run-cli.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

/** The journal's segments with their sizes: what a read-only command must leave as it found it. */
function segments(journal: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(journal).map((f) => [f, fs.statSync(path.join(journal, f)).size]));
}

test('a read-only command leaves a dead server’s prediction journal to the next server: it publishes and deletes nothing', async () => {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const defs = path.join(dir, 'defs');
  fs.mkdirSync(defs, { recursive: true });
  const port = await freePort();
  // Published once an hour: the kill leaves the predictions in the journal.
  const server = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', defs], { TESSERA_PREDICTION_LOG_PUBLISH_MS: '3600000' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the server to answer', 120_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(server));
  const body = { model: 'churn', predictions: [{ entity: { customer_id: 'c1' }, features: { n: 1 }, prediction: 1 }] };
  assert.equal((await requestJson(`${url}/api/v1/prediction-logs`, 'POST', body)).status, 201);
  server.kill('SIGKILL');
  await new Promise((resolve) => server.once('exit', resolve));

  const journal = path.join(dataDir, 'prediction-log', 'journal');
  const before = segments(journal);
  assert.ok(
    Object.values(before).some((size) => size > 0),
    'the journal holds the prediction',
  );
  // Published predictions would land in the offline root.
  const offline = path.join(dataDir, 'offline');
  const files = () => (fs.existsSync(offline) ? fs.readdirSync(offline, { recursive: true }).map(String).sort() : []);
  const offlineBefore = files();
  for (const args of [['list', 'feature-views'], ['audit']]) {
    const r = await runCli([...args, '--data-dir', dataDir], dir);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.deepEqual(segments(journal), before, `${args.join(' ')} changed the journal`);
  }
  assert.deepEqual(files(), offlineBefore);
});
