import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LogRow, rowLine } from '../../server/prediction-logs/log-row.js';

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
