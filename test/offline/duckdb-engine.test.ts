import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DuckDbEngine } from '../../server/offline/duckdb-engine.js';
import { tempDir } from '../support/temp-dir.js';

// Two retrievals on an instance that breaks both report its internal error. The first one's discard
// lets a third start a new instance; the second one's discard meets that creation and chains onto it.
// When the creation fails (here: a file where the spill folder goes), a chain with no rejection
// handler is an unhandled rejection, which ends the process.
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
    // Retrieval 3: the new instance cannot be created (the spill folder's path is a file now). Its
    // creation starts at once and fails on a later turn, after retrieval 2's discard met it pending.
    fs.rmSync(path.join(dir, 'duckdb', 'spill'), { recursive: true, force: true });
    fs.writeFileSync(path.join(dir, 'duckdb', 'spill'), 'in the way');
    const third = engine
      .withConnection(async () => 'ran')
      .then(
        () => null,
        (e: unknown) => e,
      );
    release();
    assert.match(String(await second), /INTERNAL Error/);
    const failed = await third;
    assert.ok(failed instanceof Error, `creating the new instance should fail, got ${String(failed)}`);
    // The rejection would be reported once the microtask queue drains: give the event loop a few turns.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(rejections, []);
  } finally {
    process.off('unhandledRejection', onRejection);
    await engine.close();
  }
});

// The instance is created on first use and kept. A creation that failed was kept too: after one failed
// start (a full disk, a folder in the way) every retrieval failed with its error until a restart.
test('an instance that failed to start is tried again by the next retrieval', async () => {
  const dir = tempDir();
  const spill = path.join(dir, 'duckdb', 'spill');
  const engine = new DuckDbEngine({ tempDirectory: spill, scratchDirectory: path.join(dir, 'scratch'), memoryLimit: '256MB', threads: 1 });
  try {
    fs.mkdirSync(path.dirname(spill), { recursive: true });
    fs.writeFileSync(spill, 'in the way');
    const failed = await engine
      .withConnection(async () => 'ran')
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.equal((failed as NodeJS.ErrnoException | null)?.code, 'EEXIST');
    fs.rmSync(spill);
    const answer = await engine.withConnection(async (connection) => (await connection.runAndReadAll('SELECT 41 + 1 AS n')).getRowObjects()[0].n);
    assert.equal(answer, 42);
  } finally {
    await engine.close();
  }
});

// Two retrievals meet one broken instance. The first discards it and a third retrieval starts its
// replacement; the second's discard must leave that replacement alone. Dropping it leaked a whole
// instance (never closed) and made the next retrieval start yet another one.
test('a second discard of a broken instance keeps the replacement another retrieval started', async () => {
  const dir = tempDir();
  const engine = new DuckDbEngine({ tempDirectory: path.join(dir, 'duckdb', 'spill'), scratchDirectory: path.join(dir, 'scratch'), memoryLimit: '256MB', threads: 1 });
  try {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const second = engine.withConnection(async () => {
      started();
      await held;
      throw new Error('INTERNAL Error: the instance broke');
    });
    await running;
    await assert.rejects(
      engine.withConnection(async () => {
        throw new Error('INTERNAL Error: the instance broke');
      }),
      /INTERNAL Error/,
    );
    // The replacement: a table in its in-memory database marks it (a new instance would not have it).
    await engine.withConnection(async (connection) => void (await connection.run('CREATE TABLE marker AS SELECT 7 AS n')));
    release();
    await assert.rejects(second, /INTERNAL Error/);
    const n = await engine.withConnection(async (connection) => (await connection.runAndReadAll('SELECT n FROM marker')).getRowObjects()[0].n);
    assert.equal(n, 7);
  } finally {
    await engine.close();
  }
});
