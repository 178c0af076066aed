import type { ValidationReport } from './validation-report.js';

/**
 * Runs' validation reports, one part of a `RegistryBackend`. Contract, proved for every backend by
 * `test/validation/validation-store.contract.test.ts`:
 * - `save` keeps a run's report; saving again for the same run (a retried attempt) replaces it.
 * - `get` returns the report as saved, or null for a run without one.
 */
export interface ValidationStore {
  save(report: ValidationReport): Promise<void>;
  get(runId: number): Promise<ValidationReport | null>;
}
