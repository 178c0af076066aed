import assert from 'node:assert/strict';
import type { ValidationReport } from '../../server/validation/validation-report.js';
import { registryTest } from '../registry/registry-backends.js';

const T = 1_800_000_000_000;

function report(runId: number, passed: boolean): ValidationReport {
  return {
    runId,
    featureView: 'v',
    version: 2,
    policy: 'strict',
    passed,
    rows: 3,
    checkedAt: T,
    expectations: [
      {
        expectation: 'notNull',
        feature: 'a',
        column: 'a_src',
        observed: passed ? 0 : 1,
        threshold: 0,
        passed,
        failingCount: passed ? 0 : 1,
        failingRows: passed ? [] : [{ row: 2, values: { id: 7, ts: '2027-01-15T08:00:00.000Z', a_src: null, flag: true } }],
      },
      { expectation: 'rowCount', feature: null, column: null, observed: 3, threshold: { min: 1, max: null }, passed: true, failingCount: 0, failingRows: [] },
      { expectation: 'allowedValues', feature: 'k', column: 'k', observed: 0, threshold: ['x', 1, false], passed: true, failingCount: 0, failingRows: [] },
    ],
  };
}

// The validation store contract (server/validation/validation-store.ts), once per registry backend.
const suite = 'validation store';

registryTest(suite, 'a saved report reads back as saved, from another process too; an unknown run has none', async ({ registry, another }) => {
  assert.equal(await registry.validation.get(1), null);
  await registry.validation.save(report(1, false));
  assert.deepEqual(await registry.validation.get(1), report(1, false));
  const other = await another();
  assert.deepEqual(await other.validation.get(1), report(1, false));
  assert.equal(await other.validation.get(2), null);
});

registryTest(suite, 'saving again for one run (a retried attempt) replaces its report', async ({ registry }) => {
  await registry.validation.save(report(5, false));
  await registry.validation.save(report(6, false));
  await registry.validation.save(report(5, true));
  assert.deepEqual(await registry.validation.get(5), report(5, true));
  assert.deepEqual(await registry.validation.get(6), report(6, false));
});
