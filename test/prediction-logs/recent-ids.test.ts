import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentIds } from '../../server/prediction-logs/recent-ids.js';

test('recent ids remember the last `capacity` ids, forgetting the oldest first', () => {
  const recent = new RecentIds(3);
  for (const id of ['a', 'b', 'c']) recent.add(id);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((id) => recent.has(id)),
    [true, true, true, false],
  );
  recent.add('d');
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((id) => recent.has(id)),
    [false, true, true, true],
  );
  // Adding an id it holds changes nothing: b is still the oldest.
  recent.add('b');
  recent.add('e');
  assert.deepEqual(
    ['b', 'c', 'd', 'e'].map((id) => recent.has(id)),
    [false, true, true, true],
  );
  assert.equal(recent.size, 3);
});

test('removed ids are forgotten at once, and never more than `capacity` are held', () => {
  const recent = new RecentIds(3);
  for (const id of ['a', 'b', 'c']) recent.add(id);
  recent.remove(['b']);
  assert.equal(recent.has('b'), false);
  assert.equal(recent.size, 2);
  for (let i = 0; i < 100; i++) recent.add(`x${i}`);
  assert.equal(recent.size, 3);
  assert.deepEqual(
    ['x97', 'x98', 'x99', 'x96'].map((id) => recent.has(id)),
    [true, true, true, false],
  );
  const none = new RecentIds(0);
  none.add('a');
  assert.equal(none.has('a'), false);
});
