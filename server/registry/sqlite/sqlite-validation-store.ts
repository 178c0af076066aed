import type Database from 'better-sqlite3';
import type { ValidationReport } from '../../validation/validation-report.js';
import type { ValidationStore } from '../../validation/validation-store.js';

/** Validation reports in registry.db (migration 0006). */
export class SqliteValidationStore implements ValidationStore {
  constructor(private readonly db: Database.Database) {}

  async save(r: ValidationReport): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO validation_reports (run_id, view, version, policy, passed, report, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET view = excluded.view, version = excluded.version, policy = excluded.policy,
           passed = excluded.passed, report = excluded.report, checked_at = excluded.checked_at`,
      )
      .run(r.runId, r.featureView, r.version, r.policy, r.passed ? 1 : 0, JSON.stringify(r), r.checkedAt);
  }

  async get(runId: number): Promise<ValidationReport | null> {
    const row = this.db.prepare('SELECT report FROM validation_reports WHERE run_id = ?').get(runId) as { report: string } | undefined;
    return row ? (JSON.parse(row.report) as ValidationReport) : null;
  }
}
