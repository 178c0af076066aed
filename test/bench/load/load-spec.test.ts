import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correctedForOmission, summarize } from './load-spec.js';

test('the coordinated-omission correction adds the samples of the requests a slow answer held back', () => {
  // One request due every 1 ms; a 3.5 ms answer delayed the ones due 1, 2 and (almost) 3 ms later.
  assert.deepEqual(correctedForOmission([0.2, 3.5, 0.4], 1), [0.2, 3.5, 2.5, 1.5, 0.4]);
  // Answers within the interval delayed nothing.
  assert.deepEqual(correctedForOmission([0.9, 1], 1), [0.9, 1]);
});

test('summarize: the raw p99 ignores the stall that the corrected p99 shows', () => {
  // 990 answers of 0.1 ms and 10 of 50 ms at 1 ms intervals: raw, 1% of answers are slow (p99 = 0.1 ms,
  // nearest rank 990 of 1,000); corrected, each slow answer also stands for the 49 requests queued behind it.
  const latencies = [...Array(990).fill(0.1), ...Array(10).fill(50)];
  const r = summarize(latencies, 0, 1, 0, 1);
  assert.equal(r.p99, 0.1);
  // 1,000 + 10 x 49 = 1,490 samples; rank ceil(0.99 x 1,490) = 1,476 of the sorted values: 990 of 0.1 ms,
  // then 10 each of 1, 2, ..., 49 and 50 ms: 1,476 - 990 = 486 -> within the 10 samples of 49 ms (481-490).
  assert.equal(r.p99Corrected, 49);
  assert.ok(Number.isNaN(summarize(latencies, 0, 1).p99Corrected), 'no rate, no correction');
});
