import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc16, keySlot } from '../../../server/online/redis/key-slot.js';
import { rowKey, tablePrefix } from '../../../server/online/redis/redis-keys.js';

// Reference values from the Redis Cluster specification (CRC16/XMODEM; slots of its examples).
test('CRC16 and slots match the Redis Cluster specification', () => {
  assert.equal(crc16(Buffer.from('123456789')), 0x31c3);
  assert.equal(keySlot('foo'), 12182);
  assert.equal(keySlot('bar'), 5061);
  assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
  assert.equal(keySlot('{user1000}.following'), crc16(Buffer.from('user1000')) % 16384);
  // An empty tag does not count: the whole key is hashed.
  assert.equal(keySlot('foo{}{bar}'), crc16(Buffer.from('foo{}{bar}')) % 16384);
  assert.equal(keySlot('foo{{bar}}zap'), crc16(Buffer.from('{bar')) % 16384);
});

test("one entity's rows of every view and version share a slot; entities spread over slots", () => {
  const prefixes = [tablePrefix('tessera:', 'drivers', 1), tablePrefix('tessera:', 'driver_stats', 3), tablePrefix('shop:', 'drivers', 2)];
  for (const key of [[1001], ['Paris'], ['Paris', 7]]) {
    const slots = new Set(prefixes.map((p) => keySlot(rowKey(p, key))));
    assert.equal(slots.size, 1, `${JSON.stringify(key)}: ${[...slots]}`);
    // The slot is the one of the entity text alone, computed here from the specification's CRC16.
    const text = key.length === 1 ? String(key[0]) : JSON.stringify(key);
    assert.equal([...slots][0], crc16(Buffer.from(text)) % 16384);
  }
  const spread = new Set(Array.from({ length: 1000 }, (_, i) => keySlot(rowKey(prefixes[0], [i]))));
  assert.ok(spread.size > 900, `1000 entities over ${spread.size} slots`);
});
