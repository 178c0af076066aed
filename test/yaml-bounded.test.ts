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

test('every nesting the bound lets through is read, with stack to spare', () => {
  // At 1,000, '- ' x 1,000 overflowed yaml's recursion (and could abort the process in V8's regex
  // compiler); flow brackets overflowed from ~850. Run from a stack already half used, as a server's is.
  const nest = (depth: number, text: string): void => {
    if (depth > 0) nest(depth - 1, text);
    else parseYamlBounded(text);
  };
  const n = MAX_YAML_DEPTH;
  for (const text of ['- '.repeat(n - 1) + 'x', `${'['.repeat(n)}${']'.repeat(n)}`, Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')]) {
    assert.doesNotThrow(() => nest(3_000, text), text.slice(0, 12));
  }
  let value = parseYamlBounded('- '.repeat(n - 1) + 'x');
  let depth = 0;
  while (Array.isArray(value)) {
    value = value[0];
    depth++;
  }
  assert.equal(depth, n - 1);
  assert.equal(value, 'x');
});
