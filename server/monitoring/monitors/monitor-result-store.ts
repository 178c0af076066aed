import type { DriftReport } from '../drift/drift-report.js';

/** One run of a monitor: its report, or why it could not compute one. */
export interface MonitorResult {
  id: number;
  monitor: string;
  status: 'ok' | 'failed';
  datasetDrift: boolean | null;
  share: number | null;
  report: DriftReport | null;
  error: string | null;
  startedAt: number;
  finishedAt: number;
}

export type NewMonitorResult = Omit<MonitorResult, 'id'>;

/**
 * Monitor results, one part of a `RegistryBackend`. Contract, proved for every backend by
 * `test/registry/monitor-result-store.contract.ts`:
 * - `add` keeps a result as given and returns its id; ids grow with each result.
 * - `list` returns a monitor's results newest first, at most `limit`, those with id < `beforeId`
 *   when given (paging); other monitors' results never.
 */
export interface MonitorResultStore {
  add(result: NewMonitorResult): Promise<number>;
  list(monitor: string, options: { limit: number; beforeId?: number }): Promise<MonitorResult[]>;
}
