import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TesseraError } from '../../server/errors.js';
import { decodeBody } from '../../server/http/body.js';
import { findPath } from '../../server/http/json-path.js';
import { MAX_OBJECT_KEYS, checkJsonObjectSizes } from '../../server/http/object-size.js';

const keys = (n: number, value: unknown = 1) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));

function refusal(fn: () => unknown): TesseraError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TesseraError, String(e));
    return e;
  }
  assert.fail('expected a refusal');
}

test('an object of MAX_OBJECT_KEYS keys is accepted and one more key is a 400 naming the object', () => {
  assert.equal(MAX_OBJECT_KEYS, 10_000);
  const fits = { model: 'm', predictions: [{ features: keys(10_000) }] };
  assert.doesNotThrow(() => checkJsonObjectSizes(JSON.stringify(fits)));
  const over = { model: 'm', predictions: [{ features: {} }, { features: keys(10_001, 'x') }] };
  const e = refusal(() => checkJsonObjectSizes(JSON.stringify(over)));
  assert.equal(e.code, 'validation');
  assert.deepEqual(e.errors, [{ path: 'predictions[1].features', message: '10,001 keys: at most 10,000' }]);
  assert.match(e.message, /an object of 10,001 keys, more than the 10,000 one object may hold/);
});

test('the root object and a YAML body (checked once decoded) are refused too', () => {
  assert.deepEqual(refusal(() => checkJsonObjectSizes(JSON.stringify(keys(10_001)))).errors, [{ path: '(body)', message: '10,001 keys: at most 10,000' }]);
  const yaml = `tags:\n${Object.keys(keys(10_001))
    .map((k) => `  ${k}: v`)
    .join('\n')}\n`;
  const e = refusal(() => decodeBody(Buffer.from(yaml), 'application/yaml', { allowYaml: true }));
  assert.deepEqual(e.errors, [{ path: 'tags', message: '10,001 keys: at most 10,000' }]);
});

test('the text scan names the object through escaped keys, colons and brackets inside strings, and nested arrays', () => {
  const tricky = { 'a"b\\': 'x:y', list: [[0], { s: '[{"k": 1}]', 'c\\"': [1, 2, { deep: keys(10_001, '":,{[') }] }] };
  const text = JSON.stringify(tricky);
  const e = refusal(() => checkJsonObjectSizes(text));
  assert.deepEqual(e.errors, [{ path: 'list[1].c\\"[2].deep', message: '10,001 keys: at most 10,000' }]);
  // The same body one key short passes, and decodes to the same value.
  const fits = { ...tricky, list: [[0], { ...tricky.list[1], 'c\\"': [1, 2, { deep: keys(10_000, '":,{[') }] }] };
  assert.deepEqual(decodeBody(Buffer.from(JSON.stringify(fits)), 'application/json'), fits);
});

test('many objects of allowed size pass, however many keys they hold together', () => {
  const body = { rows: Array.from({ length: 2_000 }, () => keys(10)) };
  const text = JSON.stringify(body);
  assert.ok(text.split(':').length - 1 > MAX_OBJECT_KEYS, 'the text is walked');
  assert.deepEqual(decodeBody(Buffer.from(text), 'application/json'), body);
});

test('findPath names values and keys in document order, through arrays and nesting deeper than the call stack', () => {
  const body = { a: [1, { b: 'x', c: ['y', 'target'] }], d: 'target' };
  assert.equal(findPath(body, { value: (v) => v === 'target' }), 'a[1].c[1]');
  assert.equal(findPath(body, { key: (k) => k === 'c' }), 'a[1].c');
  assert.equal(findPath(body, { value: (v) => v === 'absent' }), null);
  assert.equal(findPath('target', { value: (v) => v === 'target' }), '');
  let deep: unknown = 'target';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(findPath({ x: deep }, { value: (v) => v === 'target' }), `x${'[0]'.repeat(100_000)}`);
});
