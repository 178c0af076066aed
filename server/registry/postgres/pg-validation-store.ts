import type { ValidationReport } from '../../validation/validation-report.js';
import type { ValidationStore } from '../../validation/validation-store.js';
import type { Queryable } from './pg-database.js';

/** Validation reports on PostgreSQL (migration 0003). */
export class PgValidationStore implements ValidationStore {
  constructor(private readonly db: Queryable) {}

  async save(r: ValidationReport): Promise<void> {
    await this.db.query(
      `INSERT INTO validation_reports (run_id, view, version, policy, passed, report, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (run_id) DO UPDATE SET view = excluded.view, version = excluded.version, policy = excluded.policy,
         passed = excluded.passed, report = excluded.report, checked_at = excluded.checked_at`,
      [r.runId, r.featureView, r.version, r.policy, r.passed, JSON.stringify(r), r.checkedAt],
    );
  }

  async get(runId: number): Promise<ValidationReport | null> {
    const { rows } = await this.db.query<{ report: string }>('SELECT report FROM validation_reports WHERE run_id = $1', [runId]);
    return rows.length ? (JSON.parse(rows[0].report) as ValidationReport) : null;
  }
}
