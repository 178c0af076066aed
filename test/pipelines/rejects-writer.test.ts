import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RejectsWriter } from '../../server/pipelines/rejects-writer.js';
import type { RejectedRow } from '../../server/sources/source.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { tempDir } from '../support/temp-dir.js';

// The rejects file is a write stream: a failure to open or write it (a full disk, a folder in the way)
// is emitted as 'error'. With no listener Node throws it, and a server running pipelines in its own
// thread (pipelineThread: false, as here) exits.
const REJECT = { reason: 'invalid_float64', column: 'rate', location: 'stats.csv:2', value: 'fast', raw: { rate: 'fast' } } as unknown as RejectedRow;

/** Collects what reaches 'uncaughtException' while `fn` runs. */
async function uncaughtDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    await fn();
    // The stream's open fails on a later turn of the event loop: give it a few.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  return uncaught;
}

test('a rejects file that cannot be opened fails close() with the error; nothing is thrown at the process', async () => {
  const dataDir = tempDir();
  const rel = 'rejects/v/v1/run-1.jsonl';
  // A folder where the file goes: opening it fails with EISDIR.
  fs.mkdirSync(path.join(dataDir, rel), { recursive: true });
  let closed: unknown = 'not closed';
  const uncaught = await uncaughtDuring(async () => {
    const writer = new RejectsWriter(dataDir, rel);
    writer.add([REJECT]);
    closed = await writer.close().then(
      () => 'resolved',
      (e: unknown) => e,
    );
  });
  assert.deepEqual(uncaught, []);
  assert.ok(closed instanceof Error, `close() should fail, got ${String(closed)}`);
  assert.equal((closed as NodeJS.ErrnoException).code, 'EISDIR');
});

test('a run whose rejects file cannot be written fails; the server keeps serving', async () => {
  const csv = 'driver_id,ts,rate\n1,2026-11-01T00:00:00Z,1.5\n2,2026-11-01T00:00:00Z,fast\n';
  const s = await pipelineServer(
    { 'data/stats.csv': csv },
    {
      entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
      sources: [{ name: 'stats', type: 'csv', path: 'data/stats.csv', timestampField: 'ts' }],
      featureViews: [{ name: 'v', entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' }] }],
    },
  );
  try {
    // Folders where the first runs' rejects files go (run ids count from 1).
    for (let id = 1; id <= 5; id++) fs.mkdirSync(path.join(s.dataDir, `rejects/v/v1/run-${id}.jsonl`), { recursive: true });
    let run: { status: string; error: string | null } = { status: 'none', error: null };
    const uncaught = await uncaughtDuring(async () => {
      run = await s.materialize('v');
    });
    assert.deepEqual(uncaught, []);
    assert.equal(run.status, 'failed');
    assert.match(String(run.error), /EISDIR/);
    const health = await fetch(`${s.url}/health`);
    assert.equal(health.status, 200);
  } finally {
    await s.close();
  }
});
