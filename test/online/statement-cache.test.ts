import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatementCache } from '../../server/online/statement-cache.js';

test('a statement is prepared once per SQL text; past the limit the cache starts over', () => {
  const prepared: string[] = [];
  const cache = new StatementCache<{ sql: string }>(2);
  const prepare = (sql: string) => {
    prepared.push(sql);
    return { sql };
  };
  const a = cache.get('A', prepare);
  assert.equal(cache.get('A', prepare), a);
  cache.get('B', prepare);
  assert.deepEqual(prepared, ['A', 'B']);
  // A third text reaches the limit of 2: the cache is emptied, so A is prepared again afterwards.
  cache.get('C', prepare);
  assert.notEqual(cache.get('A', prepare), a);
  assert.deepEqual(prepared, ['A', 'B', 'C', 'A']);
  cache.clear();
  cache.get('C', prepare);
  assert.deepEqual(prepared, ['A', 'B', 'C', 'A', 'C']);
});
