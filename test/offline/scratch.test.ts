import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Scratch, removeStaleScratch } from '../../server/offline/scratch.js';
import { tempDir } from '../support/temp-dir.js';

test('a scratch folder is private and removed whole; only stale ones of other processes are swept', async () => {
  const parent = tempDir();
  const a = await Scratch.create(parent);
  const b = await Scratch.create(parent);
  assert.notEqual(a.dir, b.dir);
  fs.writeFileSync(a.file('x.parquet'), 'x');
  const old = new Date(Date.now() - 2 * 86_400_000);
  fs.utimesSync(b.dir, old, old);
  await removeStaleScratch(parent, 86_400_000, Date.now());
  assert.ok(fs.existsSync(a.file('x.parquet')), 'a fresh folder stays');
  assert.ok(!fs.existsSync(b.dir), 'a day-old folder goes');
  await a.dispose();
  assert.deepEqual(fs.readdirSync(parent), []);
  await removeStaleScratch(path.join(parent, 'missing'), 0, Date.now());
});
