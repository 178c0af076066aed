import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool } from '../../server/feature-logging/buffer-pool.js';

test('a returned buffer of the size asked comes back as it was returned; other sizes are new', () => {
  const pool = new BufferPool(1024);
  const used = new ArrayBuffer(64);
  new Uint8Array(used).fill(7);
  pool.give([used]);
  assert.equal(pool.heldBytes, 64);
  const other = pool.take(32);
  assert.notEqual(other, used);
  assert.equal(other.byteLength, 32);
  const again = pool.take(64);
  assert.equal(again, used, 'the returned buffer itself');
  assert.equal(pool.heldBytes, 0);
  assert.notEqual(pool.take(64), used, 'taken once only');
});

test('the pool holds at most its bytes and ignores empty (detached) buffers', () => {
  const pool = new BufferPool(100);
  pool.give([new ArrayBuffer(60), new ArrayBuffer(60), new ArrayBuffer(40), new ArrayBuffer(0)]);
  assert.equal(pool.heldBytes, 100);
});
