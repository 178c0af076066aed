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

test('buffers are kept by power-of-two class: a longer one serves any size up to its class, new ones are the class size', () => {
  const pool = new BufferPool(1 << 20);
  assert.equal(pool.take(100).byteLength, 128, 'a new buffer is the power of two at or above the size asked');
  assert.equal(pool.take(128).byteLength, 128);
  const grown = new ArrayBuffer(3000); // filed under 2048: it holds every size up to 2048
  pool.give([grown]);
  assert.notEqual(pool.take(2049), grown, 'not for more than its class');
  assert.equal(pool.take(1025), grown);
  const exact = new ArrayBuffer(4096);
  pool.give([exact]);
  assert.equal(pool.take(4096), exact);
  assert.equal(pool.heldBytes, 0);
});

test('the pool holds at most its bytes and ignores empty (detached) buffers', () => {
  const pool = new BufferPool(100);
  pool.give([new ArrayBuffer(60), new ArrayBuffer(60), new ArrayBuffer(40), new ArrayBuffer(0)]);
  assert.equal(pool.heldBytes, 100);
});
