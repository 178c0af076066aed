import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { duckRows } from '../support/duckdb.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

async function start(dataDir: string, defs: string, publishMs: number) {
  const port = await freePort();
  const server = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', defs], { TESSERA_PREDICTION_LOG_PUBLISH_MS: String(publishMs) });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the server to answer', 120_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(server));
  return { server, url };
}

async function stop(server: ReturnType<typeof spawnServe>): Promise<void> {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

const ID = (n: number) => `0192f3a4-0000-7000-8000-${String(n).padStart(12, '0')}`;
const prediction = (n: number) => ({ id: ID(n), entity: { customer_id: `c${n}` }, features: { n }, prediction: n % 2 });

test('a retry that reaches another process sharing the data dir is logged once; no read shows an id twice', async () => {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const defs = path.join(dir, 'defs');
  fs.mkdirSync(defs, { recursive: true });
  // The first process publishes at once; the second keeps its journal until it stops, so its copy of
  // the retried predictions is still unpublished when the first one's are in the log.
  const first = await start(dataDir, defs, 100);
  const second = await start(dataDir, defs, 3_600_000);
  const folder = path.join(dataDir, 'offline', 'logs', 'predictions', 'model=churn');
  try {
    const original = { model: 'churn', modelVersion: '1', predictions: [1, 2, 3].map(prediction) };
    const a = await requestJson(`${first.url}/api/v1/prediction-logs`, 'POST', original);
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.deepEqual(a.body.predictionIds, [ID(1), ID(2), ID(3)]);
    // The client timed out and retried on the other process, with one prediction it had not sent before.
    const retry = { model: 'churn', modelVersion: '1', predictions: [1, 2, 3, 4].map(prediction) };
    const b = await requestJson(`${second.url}/api/v1/prediction-logs`, 'POST', retry);
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.deepEqual(b.body.predictionIds, [ID(1), ID(2), ID(3), ID(4)]);

    await waitFor('the first process to publish', 120_000, async () =>
      fs.existsSync(folder) && fs.readdirSync(folder, { recursive: true }).some((f) => String(f).endsWith('.parquet')) ? true : undefined,
    );
    const ids = async (url: string, query = '') => {
      const res = await requestJson(`${url}/api/v1/prediction-logs?model=churn${query}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return { ids: (res.body.predictions as { id: string }[]).map((p) => p.id).sort(), next: res.body.next as string | null };
    };
    // The second process holds its copies of 1-3 unpublished, but the first published them: one each.
    assert.deepEqual((await ids(second.url)).ids, [ID(1), ID(2), ID(3), ID(4)]);
    assert.deepEqual((await ids(first.url)).ids, [ID(1), ID(2), ID(3)], "4 is in the second process's journal only");
    // Page by page (two rows a page), the second process shows every id once.
    const paged: string[] = [];
    let after = '';
    for (let page = 0; page < 5; page++) {
      const { ids: got, next } = await ids(second.url, `&limit=2${after}`);
      paged.push(...got);
      if (next === null) break;
      after = `&after=${encodeURIComponent(next)}`;
    }
    assert.deepEqual(paged.sort(), [ID(1), ID(2), ID(3), ID(4)]);
  } finally {
    // Stopping publishes the second process's journal: its copies of 1-3 are dropped then.
    await stop(second.server);
    await stop(first.server);
  }
  assert.deepEqual(fs.readdirSync(path.join(dataDir, 'prediction-log', 'journal')), [], 'both journals were published');
  // The folder as DuckDB (or Spark, pandas) reads it: each prediction once.
  const rows = await duckRows(`SELECT id, count(*)::INTEGER AS n FROM read_parquet('${folder}/*/*.parquet') GROUP BY id ORDER BY id`);
  assert.deepEqual(
    rows,
    [1, 2, 3, 4].map((n) => ({ id: ID(n), n: 1 })),
  );

  // And through the API after a restart: each once.
  const again = await start(dataDir, defs, 100);
  try {
    const res = await requestJson(`${again.url}/api/v1/prediction-logs?model=churn`);
    assert.deepEqual((res.body.predictions as { id: string }[]).map((p) => p.id).sort(), [1, 2, 3, 4].map(ID));
  } finally {
    await stop(again.server);
  }
});
