import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_YAML_DEPTH, parseYamlBounded } from '../server/yaml-bounded.js';

test('block indicators separated by a tab or a carriage return count toward the depth bound', () => {
  // yaml composes `-\t-\t...` recursively before it reports the tab: 100,000 of them (a 200 KB
  // definitions file) aborted the process in V8's regex compiler, as 100,000 `[` did.
  for (const sep of ['\t', '\r']) {
    const text = `-${sep}`.repeat(MAX_YAML_DEPTH + 1) + 'x';
    assert.throws(() => parseYamlBounded(text), { message: `nested more than ${MAX_YAML_DEPTH} levels` }, JSON.stringify(sep));
  }
});
