import type { ViewValidation } from '../domain/expectations.js';

export type ExpectationKind = 'notNull' | 'maxNullFraction' | 'min' | 'max' | 'allowedValues' | 'regex' | 'rowCount' | 'uniqueKeys' | 'maxLag';

/** A source row that failed: its position among the run's typed rows (read order, from 0) and its values. */
export interface FailingRow {
  row: number;
  values: Record<string, string | number | boolean | null>;
}

/** One expectation's outcome over all of a run's rows. */
export interface ExpectationResult {
  expectation: ExpectationKind;
  /** The feature it belongs to, or null for a view-level expectation. */
  feature: string | null;
  /** The source column checked (the feature's `from`), or null. */
  column: string | null;
  /** Nulls, a fraction, the smallest or largest value, rows not allowed, duplicates, rows, or seconds of lag. */
  observed: number | null;
  threshold: number | string | (string | number | boolean)[] | { min: number | null; max: number | null };
  passed: boolean;
  /** Rows that failed it: for maxNullFraction the null rows (the fraction decides); 0 for rowCount and maxLag. */
  failingCount: number;
  /** The first failing rows, at most the view's `failingRows`. */
  failingRows: FailingRow[];
}

/** What a run's validation found; stored per run, whatever the outcome. */
export interface ValidationReport {
  runId: number;
  featureView: string;
  version: number;
  policy: ViewValidation['policy'];
  passed: boolean;
  /** Typed source rows checked. */
  rows: number;
  checkedAt: number;
  expectations: ExpectationResult[];
}

/** The report of a run that checked nothing (its view has no expectations). */
export function emptyReport(run: { id: number; featureView: string; version: number; finishedAt: number | null; createdAt: number }): ValidationReport {
  return { runId: run.id, featureView: run.featureView, version: run.version, policy: 'warn', passed: true, rows: 0, checkedAt: run.finishedAt ?? run.createdAt, expectations: [] };
}
