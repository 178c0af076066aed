import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LogRow, entityKey, lineShared, quotedScalar, rowLine } from '../../server/prediction-logs/log-row.js';

const row: LogRow = {
  id: '0192f3a4-0000-7000-8000-000000000001',
  model: 'churn',
  model_version: 'v "3"\n\\',
  logged_at: 1764417600000,
  predicted_at: 1764417599123,
  entity: '{"customer_id":"c\\"1"}',
  entity_key: 'c"1',
  features: '{"age":0.5,"note":"line\\nbreak ☃"}',
  feature_versions: '{}',
  prediction: 'true',
  probability: 1e-7,
  status: 'failed',
  error: 'timeout \u0000 "quoted"',
};

test('a journal line is the row as JSON and a newline', () => {
  for (const r of [row, { ...row, probability: null, error: null, status: 'ok' as const }, { ...row, probability: 0.25 }]) {
    const line = rowLine(r);
    assert.equal(line.endsWith('}\n'), true);
    assert.equal(line.indexOf('\n'), line.length - 1, 'one line');
    assert.deepEqual(JSON.parse(line), r);
  }
});

test("a batch's shared middle makes the same line, and an entity's key is its values in the order of their names", () => {
  assert.equal(rowLine(row, lineShared(row.model, row.model_version, row.logged_at)), rowLine(row));
  assert.deepEqual(JSON.parse(rowLine({ ...row, model: 'other' }, lineShared('churn', row.model_version, row.logged_at))), row);
  assert.equal(entityKey({ customer_id: 'c"1' }), 'c"1');
  assert.equal(entityKey({ store: 3, sku: 'a' }), 'a|3');
  assert.equal(entityKey({ n: 7 }), '7');
});

test('a prediction quoted for its line is its JSON text as a JSON string, for every kind of scalar', () => {
  for (const v of [true, false, null, 0, -0, 1, -2.5, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 'yes', 'a "b" \\ \n ☃', '']) {
    assert.equal(quotedScalar(v), JSON.stringify(JSON.stringify(v)), String(v));
  }
});
