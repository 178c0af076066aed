import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumn } from '../../server/columns/column.js';
import { LatestRows } from '../../server/pipelines/latest-rows.js';
import type { OutputBatch } from '../../server/pipelines/output-batch.js';

test('the latest row per key, from any starting capacity (a 1-row push sizes it to 1 and it grows), equals a brute-force pass', () => {
  let seed = 11;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const n = 3000;
  const keys = Float64Array.from({ length: n }, () => rand(700));
  const ts = Float64Array.from({ length: n }, () => rand(50));
  const value = Float64Array.from({ length: n }, (_, i) => i);
  // Brute force: the greatest event time wins; a later row wins a tie (created times are all null).
  const best = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const j = best.get(keys[i]);
    if (j === undefined || ts[i] >= ts[j]) best.set(keys[i], i);
  }
  const expected = [...best.entries()].map(([k, i]) => [k, ts[i], value[i]]).sort((a, b) => a[0] - b[0]);
  for (const capacity of [1, 3, 1024]) {
    const latest = new LatestRows(capacity);
    // In two batches, as a run adds them.
    const half = (from: number, to: number): OutputBatch => ({
      length: to - from,
      keys: [numericColumn(keys.slice(from, to))],
      eventTs: ts.slice(from, to),
      createdTs: null,
      columns: [{ name: 'v', type: 'float64', column: numericColumn(value.slice(from, to)) }],
    });
    latest.add(half(0, 1));
    latest.add(half(1, n));
    const rows = latest.rows(false);
    const got = Array.from({ length: rows.length }, (_, i) => [(rows.keys[0] as { values: Float64Array }).values[i], rows.eventTs[i], (rows.columns[0] as { values: Float64Array }).values[i]]).sort(
      (a, b) => a[0] - b[0],
    );
    assert.deepEqual(got, expected, `capacity ${capacity}`);
  }
});
