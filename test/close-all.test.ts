import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeAll } from '../server/close-all.js';

test('closeAll runs every step in order even after a failure, then throws the first failure', async () => {
  const ran: string[] = [];
  const first = new Error('registry gone');
  await assert.rejects(
    closeAll([
      async () => {
        ran.push('a');
        throw first;
      },
      async () => {
        ran.push('b');
      },
      async () => {
        ran.push('c');
        throw new Error('second');
      },
      async () => {
        ran.push('d');
      },
    ]),
    (e) => e === first,
  );
  assert.deepEqual(ran, ['a', 'b', 'c', 'd']);
  await closeAll([async () => ran.push('e')]);
  assert.deepEqual(ran, ['a', 'b', 'c', 'd', 'e']);
});
