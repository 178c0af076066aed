import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_ISSUE_MESSAGES, TOO_MANY_ISSUES, boundedSafeParse } from '../server/bounded-parse.js';
import { parseBundle } from '../server/definitions/parse-bundle.js';
import { TesseraError } from '../server/errors.js';
import { z } from '../server/vendor/zod.cjs';

const scalars = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));
const wrong = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, [i]]));

// A wrong value for a union of four types formats five messages: one per alternative, and the union's.
const PER_UNION = 5;

test('a validation within MAX_ISSUE_MESSAGES answers every issue, with its full path', () => {
  assert.equal(MAX_ISSUE_MESSAGES, 50_000);
  const result = boundedSafeParse(z.array(scalars), [{}, wrong(MAX_ISSUE_MESSAGES / PER_UNION)]);
  assert.ok(result !== null && !result.success);
  assert.equal(result.error.issues.length, 10_000);
  assert.deepEqual(result.error.issues[0].path, [1, 'f0']);
  assert.equal(result.error.issues[0].code, 'invalid_union');
  // zod's own message, not one the bound made.
  assert.equal(result.error.issues.at(-1)?.message, scalars.safeParse({ f: [1] }).error?.issues[0].message);
});

test('one message past MAX_ISSUE_MESSAGES stops the validation: null, for the caller to refuse the input whole', () => {
  assert.equal(boundedSafeParse(z.array(scalars), [{}, wrong(MAX_ISSUE_MESSAGES / PER_UNION + 1)]), null);
  // A plain schema's issues, formatted once its walk has ended, count one each.
  const strings = (n: number) => Array.from({ length: n }, () => 'x');
  assert.equal(boundedSafeParse(z.array(z.number()), strings(MAX_ISSUE_MESSAGES))?.error?.issues.length, MAX_ISSUE_MESSAGES);
  assert.equal(boundedSafeParse(z.array(z.number()), strings(MAX_ISSUE_MESSAGES + 1)), null);
  assert.equal(boundedSafeParse(z.array(z.number()), [1, 2])?.success, true);
});

test('a bundle past the bound is one 400 saying so', () => {
  const tags = wrong(MAX_ISSUE_MESSAGES + 1);
  try {
    parseBundle({ entities: [{ name: 'driver', joinKeys: ['driver_id'], tags }] });
    assert.fail('expected a refusal');
  } catch (e) {
    assert.ok(e instanceof TesseraError);
    assert.equal(e.code, 'validation');
    assert.deepEqual(e.errors, [{ ...TOO_MANY_ISSUES, path: '(root)' }]);
    assert.match(e.message, /^the bundle is invalid: too many wrong values to name them: validation stopped after 50,000 problems$/);
  }
});
