import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayHoldWideIntegers, parseJsonExact } from '../../server/http/exact-json.js';

test('without integers beyond 2^53, parseJsonExact agrees with JSON.parse (escapes, nesting, duplicates, __proto__, exponents)', () => {
  const texts = [
    '{"a":[1,-2,3.5,-0.25e3,1E2,0,true,false,null],"b":{"c":"x\\"y\\\\z\\u00e9\\n","d":[]},"e":{}}',
    ' [ 1 , { "k" : "v" } , [ [ ] ] ] ',
    '{"a":1,"a":2,"__proto__":{"x":1}}',
    '"just a string"',
    '12345678901234567890.5',
    '[9007199254740991,-9007199254740991,1e300]',
  ];
  for (const text of texts) assert.deepEqual(parseJsonExact(text), JSON.parse(text), text);
  const proto = parseJsonExact('{"__proto__":{"x":1}}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(proto), Object.prototype, 'an own key, never the prototype');
});

test('integer tokens beyond 2^53 become exact BigInts, wherever they sit', () => {
  const parsed = parseJsonExact('{"k":[9007199254740993,-9223372036854775808,9223372036854775807,1],"n":{"deep":[[18446744073709551617]]},"s":"9007199254740993"}');
  assert.deepEqual(parsed, { k: [9007199254740993n, -9223372036854775808n, 9223372036854775807n, 1], n: { deep: [[18446744073709551617n]] }, s: '9007199254740993' });
  // 2^53 itself is not a safe integer either: 2^53 + 1 would round to it.
  assert.deepEqual(parseJsonExact('[9007199254740992]'), [9007199254740992n]);
  assert.equal(mayHoldWideIntegers('{"id":[9007199254740991]}'), true);
  assert.equal(mayHoldWideIntegers('{"id":[900719925474099]}'), false);
});
