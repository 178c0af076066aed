import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DuckDbEngine } from '../../server/offline/duckdb-engine.js';
import { tempDir } from '../support/temp-dir.js';

// Two retrievals on an instance that breaks both report its internal error. The first one's discard
// lets a third start a new instance; when that creation fails (here: a file where the spill folder
// goes), the second one's discard met the failed creation and chained onto it with no handler: an
// unhandled rejection, which ends the process.
test('an instance discarded while its replacement failed to start: the retrievals fail, nothing reaches the process', async () => {
  const dir = tempDir();
  const engine = new DuckDbEngine({ tempDirectory: path.join(dir, 'duckdb', 'spill'), scratchDirectory: path.join(dir, 'scratch'), memoryLimit: '256MB', threads: 1 });
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  try {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    // Retrieval 2: on the first instance, waits, then meets the instance's internal error.
    const second = engine
      .withConnection(async () => {
        started();
        await held;
        throw new Error('INTERNAL Error: the instance broke');
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    await running;
    // Retrieval 1: meets it first; its discard lets the next retrieval create a new instance.
    const first = await engine
      .withConnection(async () => {
        throw new Error('INTERNAL Error: the instance broke');
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.match(String(first), /INTERNAL Error/);
    // Retrieval 3: the new instance cannot be created (the spill folder's path is a file now).
    fs.rmSync(path.join(dir, 'duckdb', 'spill'), { recursive: true, force: true });
    fs.writeFileSync(path.join(dir, 'duckdb', 'spill'), 'in the way');
    const third = await engine
      .withConnection(async () => 'ran')
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(third instanceof Error, `creating the new instance should fail, got ${String(third)}`);
    release();
    assert.match(String(await second), /INTERNAL Error/);
    // The rejection would be reported once the microtask queue drains: give the event loop a few turns.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rejections, []);
  } finally {
    process.off('unhandledRejection', onRejection);
    await engine.close();
  }
});
