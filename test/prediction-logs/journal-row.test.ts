import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JournalRow, LineBlock } from '../../server/prediction-logs/journal-row.js';
import { type LogRow, lineShared, rowLine } from '../../server/prediction-logs/log-row.js';

const AT = 1_765_000_000_000;

// Rows as a batch shares them (model, version, log time), with values that need escaping in a line.
const rows: LogRow[] = [
  {
    id: '0192f3a4-0000-7000-8000-000000000001',
    model: 'churn',
    model_version: '3',
    logged_at: AT,
    predicted_at: AT - 5,
    entity: '{"customer_id":"c\\"1"}',
    entity_key: 'c"1',
    features: '{"note":"a\\nb","é":1.5}',
    feature_versions: '{"customers":2}',
    prediction: 'true',
    probability: 0.25,
    status: 'ok',
    error: null,
  },
  {
    id: '0192f3a4-0000-7000-8000-000000000002',
    model: 'churn',
    model_version: '3',
    logged_at: AT,
    predicted_at: AT,
    entity: '{"customer_id":"😀"}',
    entity_key: '😀',
    features: '{}',
    feature_versions: '{}',
    prediction: 'null',
    probability: null,
    status: 'failed',
    error: 'timed out\n(upstream)',
  },
  {
    id: '0192f3a4-0000-7000-8000-000000000003',
    model: 'churn',
    model_version: '3',
    logged_at: AT,
    predicted_at: AT + 1,
    entity: '{"store":3,"sku":"a"}',
    entity_key: 'a|3',
    features: '{"x":"\\\\"}',
    feature_versions: '{}',
    prediction: '"yes"',
    probability: 1,
    status: 'ok',
    error: null,
  },
];

const FIELDS: (keyof LogRow)[] = ['id', 'model', 'model_version', 'logged_at', 'predicted_at', 'entity', 'entity_key', 'features', 'feature_versions', 'prediction', 'probability', 'status', 'error'];

test('a row kept in memory reads back every field of its journal line, in any order of access', () => {
  const shared = lineShared('churn', '3', AT);
  const block = new LineBlock('churn', '3', AT);
  const kept = rows.map((r, i) => new JournalRow(r.id, r.entity_key, r.status, i !== 1, block, i));
  block.fill(Buffer.from(rows.map((r) => rowLine(r, shared)).join('')), rows.length);
  // The last row first: the line ends are found on the first parse, whichever row asks.
  for (const i of [2, 0, 1]) {
    const got = Object.fromEntries(FIELDS.map((f) => [f, kept[i][f]]));
    assert.deepEqual(got, rows[i]);
    assert.equal(kept[i].given, i !== 1);
  }
});
