import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PORT, loadConfig } from '../server/config.js';
import { TesseraError } from '../server/errors.js';

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
