import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentIds } from '../../server/prediction-logs/recent-ids.js';

/** A UUID spelled from a small number (ids differ in one word or another, as a caller's may). */
function uuid(n: number, word = 3): string {
  const words = ['00000000', '00000000', '00000000', '00000000'];
  words[word] = n.toString(16).padStart(8, '0');
  const hex = words.join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
const [a, b, c, d, e] = [1, 2, 3, 4, 5].map((n) => uuid(n));

test('recent ids remember the last `capacity` ids, forgetting the oldest first', () => {
  const recent = new RecentIds(3);
  for (const id of [a, b, c]) recent.add(id);
  assert.deepEqual(
    [a, b, c, d].map((id) => recent.has(id)),
    [true, true, true, false],
  );
  recent.add(d);
  assert.deepEqual(
    [a, b, c, d].map((id) => recent.has(id)),
    [false, true, true, true],
  );
  // Adding an id it holds changes nothing: b is still the oldest.
  recent.add(b);
  recent.add(e);
  assert.deepEqual(
    [b, c, d, e].map((id) => recent.has(id)),
    [false, true, true, true],
  );
  assert.equal(recent.size, 3);
});

test('removed ids are forgotten at once, and never more than `capacity` are held', () => {
  const recent = new RecentIds(3);
  for (const id of [a, b, c]) recent.add(id);
  recent.remove([b]);
  assert.equal(recent.has(b), false);
  assert.equal(recent.size, 2);
  for (let i = 0; i < 100; i++) recent.add(uuid(1000 + i, 1));
  assert.equal(recent.size, 3);
  assert.deepEqual(
    [1097, 1098, 1099, 1096].map((n) => recent.has(uuid(n, 1))),
    [true, true, true, false],
  );
  const none = new RecentIds(0);
  none.add(a);
  assert.equal(none.has(a), false);
});

test('ids are UUIDs in either case: upper and lower case are one id', () => {
  const recent = new RecentIds(10);
  recent.add('0192F3A4-ABCD-7EF0-8123-456789ABCDEF');
  assert.equal(recent.has('0192f3a4-abcd-7ef0-8123-456789abcdef'), true);
  assert.equal(recent.has('0192f3a4-abcd-7ef0-8123-456789abcdee'), false);
});

test('adds, removals and evictions answer as a plain list of the last ids does', () => {
  // A removed id that comes back is held from its new arrival on (evicting its old slot forgets nothing).
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const capacity = 1500;
  const recent = new RecentIds(capacity);
  // The model: every add of a new id in arrival order, with whether it is still held.
  const arrivals: { id: string; held: boolean }[] = [];
  const held = new Set<string>();
  for (let step = 0; step < 20_000; step++) {
    const id = uuid(Math.floor(random() * 3000), Math.floor(random() * 4));
    if (random() < 0.15) {
      recent.remove([id]);
      held.delete(id);
      for (const x of arrivals) if (x.id === id) x.held = false;
    } else if (!held.has(id)) {
      recent.add(id);
      arrivals.push({ id, held: true });
      held.add(id);
      if (arrivals.length > capacity) {
        const oldest = arrivals.shift()!;
        if (oldest.held) held.delete(oldest.id);
      }
    }
    if (step % 500 === 0 || step === 19_999) {
      assert.equal(recent.size, held.size, `size at step ${step}`);
      for (let n = 0; n < 3000; n += 7) for (let w = 0; w < 4; w++) assert.equal(recent.has(uuid(n, w)), held.has(uuid(n, w)), `${uuid(n, w)} at step ${step}`);
    }
  }
});
