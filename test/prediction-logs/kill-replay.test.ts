import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

/** `tessera serve` over `dataDir`, publishing its journal only once an hour (so a kill leaves it full). */
async function start(dataDir: string, defs: string) {
  const port = await freePort();
  const server = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', defs], { TESSERA_PREDICTION_LOG_PUBLISH_MS: '3600000' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the server to answer', 120_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(server));
  return { server, url };
}

test('kill -9 with predictions in the journal: after a restart every acknowledged one is readable, none twice', async () => {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const defs = path.join(dir, 'defs');
  fs.mkdirSync(defs, { recursive: true });
  const first = await start(dataDir, defs);
  const acknowledged = new Set<string>();
  const sent = new Set<string>();
  let n = 0;
  const batch = () => ({ model: 'churn', predictions: Array.from({ length: 5 }, () => ({ entity: { customer_id: `c${n++}` }, features: { n }, prediction: n % 2 })) });
  // Writers keep posting while the process is killed: some requests are acknowledged, some cut off.
  let killed = false;
  const writer = async () => {
    while (!killed) {
      const body = batch();
      for (const p of body.predictions) sent.add(p.entity.customer_id);
      try {
        const res = await requestJson(`${first.url}/api/v1/prediction-logs`, 'POST', body);
        if (res.status === 201) for (const p of body.predictions) acknowledged.add(p.entity.customer_id);
      } catch {
        return; // the connection died with the process
      }
    }
  };
  const writers = Array.from({ length: 4 }, writer);
  await waitFor('some acknowledged predictions', 120_000, async () => (acknowledged.size >= 500 ? true : undefined));
  const journal = path.join(dataDir, 'prediction-log', 'journal');
  assert.ok(
    fs.readdirSync(journal).some((f) => fs.statSync(path.join(journal, f)).size > 0),
    'the journal holds predictions',
  );
  first.server.kill('SIGKILL');
  killed = true;
  await new Promise((resolve) => first.server.once('exit', resolve));
  await Promise.all(writers);

  const second = await start(dataDir, defs);
  try {
    const res = await requestJson(`${second.url}/api/v1/prediction-logs?model=churn&limit=10000`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const read = (res.body.predictions as { entity: { customer_id: string } }[]).map((p) => p.entity.customer_id);
    assert.equal(new Set(read).size, read.length, 'no prediction twice');
    for (const id of acknowledged) assert.ok(read.includes(id), `acknowledged ${id} is readable`);
    for (const id of read) assert.ok(sent.has(id), `${id} was sent`);
    assert.ok(read.length >= acknowledged.size && acknowledged.size >= 500, `${read.length} read, ${acknowledged.size} acknowledged`);
    assert.deepEqual(fs.readdirSync(journal), [], "the dead process's segment was published and removed at start");
  } finally {
    second.server.kill('SIGTERM');
    await new Promise((resolve) => second.server.once('exit', resolve));
  }
});

test("a pipeline run between predictions leaves the serving thread's journal alone: all of them are readable, then and after a restart", async () => {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const defs = path.join(dir, 'defs');
  fs.mkdirSync(defs, { recursive: true });
  fs.writeFileSync(path.join(defs, 'rates.csv'), 'id,ts,rate\n1,2026-11-01T00:00:00Z,0.5\n2,2026-11-01T01:00:00Z,0.7\n');
  fs.writeFileSync(
    path.join(defs, 'rates.yaml'),
    'entities: [{name: thing, joinKeys: [id], valueType: int64}]\nsources: [{name: rates, type: csv, path: rates.csv, timestampField: ts}]\nfeatureViews: [{name: rates, entities: [thing], source: rates, features: [{name: rate, type: float64}]}]\n',
  );
  const log = async (url: string, from: number) => {
    for (let i = from; i < from + 20; i++) {
      const res = await requestJson(`${url}/api/v1/prediction-logs`, 'POST', { model: 'churn', predictions: [{ entity: { customer_id: `c${i}` }, features: {}, prediction: 1 }] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  };
  const logged = async (url: string) => ((await requestJson(`${url}/api/v1/prediction-logs?model=churn&limit=1000`)).body.predictions as unknown[]).length;
  const first = await start(dataDir, defs);
  try {
    await log(first.url, 0);
    // The first run starts the pipeline thread, whose services once took the live journal for a dead one.
    const run = await requestJson(`${first.url}/api/v1/feature-views/rates/materialize?wait=true`, 'POST', {}, 120_000);
    assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
    await log(first.url, 20);
    assert.equal(await logged(first.url), 40);
  } finally {
    first.server.kill('SIGTERM');
    await new Promise((resolve) => first.server.once('exit', resolve));
  }
  const second = await start(dataDir, defs);
  try {
    assert.equal(await logged(second.url), 40, 'after a restart too');
  } finally {
    second.server.kill('SIGTERM');
    await new Promise((resolve) => second.server.once('exit', resolve));
  }
});
