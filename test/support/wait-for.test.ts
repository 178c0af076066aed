import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from './spawn-server.js';

test('waitFor retries on errors (a server not up yet) and returns the first value', async () => {
  let calls = 0;
  const value = await waitFor(
    'the third call',
    60_000,
    async () => {
      calls++;
      if (calls < 3) throw new Error('ECONNREFUSED');
      return calls;
    },
    () => null,
    1,
  );
  assert.equal(value, 3);
});

test('waitFor fails with a failed assertion at once, not with a time-out at its deadline', async () => {
  let calls = 0;
  // A deadline far beyond the test runner's patience: only failing on the first call passes.
  const waiting = waitFor(
    'never',
    3_600_000,
    async () => {
      calls++;
      assert.equal(calls, 0, 'the verdict');
      return true;
    },
    () => null,
    1,
  );
  await assert.rejects(waiting, (e: Error) => e instanceof assert.AssertionError && /the verdict/.test(e.message));
  assert.equal(calls, 1);
});

test('waitFor fails when the server died, with its output', async () => {
  await assert.rejects(
    waitFor(
      'anything',
      60_000,
      async () => undefined,
      () => 'exit code 1: boom',
      1,
    ),
    /the server died while waiting for anything:\nexit code 1: boom/,
  );
});
