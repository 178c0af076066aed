import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PORT, loadConfig } from '../server/config.js';
import { TesseraError } from '../server/errors.js';

test('a bad whole number is explained by its range, a bad flag by its forms, and a variable is named with the value it holds', () => {
  const errorOf = (flags: Record<string, unknown>, env: Record<string, string>) => {
    try {
      loadConfig(flags, env);
    } catch (e) {
      if (e instanceof TesseraError) return e.errors;
    }
    assert.fail('no configuration error');
  };
  assert.deepEqual(errorOf({ port: 'abc' }, {}), [{ path: 'port', message: 'expected a whole number from 0 to 65535, in decimal digits' }]);
  assert.deepEqual(errorOf({ port: '70000' }, {}), [{ path: 'port', message: 'expected a whole number from 0 to 65535' }]);
  assert.deepEqual(errorOf({}, { TESSERA_BATCH_SIZE: '1.5' }), [{ path: 'batchSize', message: "expected a whole number from 1 to 10000000, in decimal digits (TESSERA_BATCH_SIZE is '1.5')" }]);
  assert.deepEqual(errorOf({}, { TESSERA_METRICS: 'maybe' }), [{ path: 'metrics', message: "expected true, false, 1, 0, yes or no (TESSERA_METRICS is 'maybe')" }]);
  // A flag wins over the variable, and so does its error.
  assert.deepEqual(errorOf({ port: '-1' }, { TESSERA_PORT: '7000' }), [{ path: 'port', message: 'expected a whole number from 0 to 65535, in decimal digits' }]);
});

test('whole-number settings take decimal digits only: blank, hex and exponent forms are refused, naming the setting', () => {
  assert.equal(loadConfig({ port: '7105' }, {}).port, 7105);
  assert.equal(loadConfig({}, { TESSERA_PORT: '7106' }).port, 7106);
  assert.equal(loadConfig({ port: 0 }, {}).port, 0, 'code may ask for any free port');
  // An empty variable is an unset one.
  assert.equal(loadConfig({}, { TESSERA_PORT: '' }).port, DEFAULT_PORT);
  for (const [flags, env, path] of [
    [{ port: '' }, {}, 'port'],
    [{ port: ' ' }, {}, 'port'],
    [{}, { TESSERA_PORT: ' ' }, 'port'],
    [{ port: '0x10' }, {}, 'port'],
    [{ port: '7.16e3' }, {}, 'port'],
    [{ port: '70000' }, {}, 'port'],
    [{ workers: '1.5' }, {}, 'workers'],
  ] as const) {
    assert.throws(
      () => loadConfig(flags, env),
      (e: unknown) => e instanceof TesseraError && e.errors.some((f) => f.path === path),
      JSON.stringify({ flags, env }),
    );
  }
});
