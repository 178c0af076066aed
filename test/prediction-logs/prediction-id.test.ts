import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdSource, normalizeId, uuidv7 } from '../../server/prediction-logs/prediction-id.js';

test('UUIDv7: the time in the first 48 bits, version 7, variant 10; ids of one millisecond count up', () => {
  const at = Date.parse('2026-12-05T12:00:00.000Z');
  const id = uuidv7(at, Buffer.from('00112233445566778899', 'hex'));
  // 2026-12-05T12:00Z is 0x01a246134e00 ms. Random hex 001 1 223 3 445566778899 ->
  // rand_a 001, variant nibble 8|(1&3)=9, then 223, then 445566778899 (one nibble dropped for the variant).
  assert.equal(id, `${at.toString(16).padStart(12, '0').slice(0, 8)}-${at.toString(16).padStart(12, '0').slice(8)}-7001-9223-445566778899`);
  const source = new IdSource();
  const ids = Array.from({ length: 1000 }, (_, i) => source.next(at + Math.floor(i / 300)));
  assert.deepEqual([...ids].sort(), ids, 'made in order, sorted in order');
  assert.equal(new Set(ids).size, ids.length);
  for (const x of ids) assert.match(x, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // The first 48 bits are the time each was made at.
  assert.deepEqual(
    ids.map((x) => Number.parseInt(x.slice(0, 8) + x.slice(9, 13), 16)),
    ids.map((_, i) => at + Math.floor(i / 300)),
  );
  // Within a millisecond the random bits count up by one: consecutive ids differ by 1 in their last 48 bits.
  assert.equal(Number.parseInt(ids[1].slice(24), 16) - Number.parseInt(ids[0].slice(24), 16), 1);
  assert.equal(normalizeId('0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B'), '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
  assert.equal(normalizeId('0190a1b2c3d47e5f8a9b0c1d2e3f4a5b'), null);
});
