import path from 'node:path';
import type { Clock } from '../../clock.js';
import { TesseraError, errorMessage } from '../../errors.js';
import type { RegistryBackend } from '../registry-backend.js';
import { openSqliteDb } from './open-sqlite-db.js';
import { SqliteAuthStore } from './sqlite-auth-store.js';
import { SqliteAlertStore } from './sqlite-alert-store.js';
import { SqliteCatalogStore } from './sqlite-catalog-store.js';
import { SqliteDatasetStore } from './sqlite-dataset-store.js';
import { SqliteMonitorResultStore } from './sqlite-monitor-result-store.js';
import { SqliteLeaseStore } from './sqlite-lease-store.js';
import { SqlitePredictionLogStore } from './sqlite-prediction-log-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';
import { SqliteValidationStore } from './sqlite-validation-store.js';

/**
 * The embedded registry: `<dataDir>/registry.db`, one SQLite file shared by the processes of one
 * machine. The stores share one connection, so the cross-store parts of a transaction (a view's
 * deletion forgetting its runs, a commit fitting its version) are one SQLite transaction.
 */
export function openSqliteRegistry(dataDir: string, clock: Clock, options: { migrations?: string } = {}): RegistryBackend {
  const db = openSqliteDb(dataDir, options);
  let runs: SqliteRunStore | null = null;
  const catalog = new SqliteCatalogStore(db, clock, (view, now) => runs!.forgetView(view, now));
  runs = new SqliteRunStore(
    db,
    (view, version, state, at) => catalog.fitVersion(view, version, state, at),
    (view, at) => catalog.refitVersion(view, at),
  );
  return {
    location: path.join(dataDir, 'registry.db'),
    catalog,
    runs,
    leases: new SqliteLeaseStore(db, clock),
    datasets: new SqliteDatasetStore(db),
    auth: new SqliteAuthStore(db),
    validation: new SqliteValidationStore(db),
    predictionLogs: new SqlitePredictionLogStore(db),
    alerts: new SqliteAlertStore(db),
    monitorResults: new SqliteMonitorResultStore(db),
    async ping() {
      try {
        db.prepare('SELECT 1').get();
      } catch (e) {
        throw new TesseraError('unavailable', `the registry (${db.name}) does not answer: ${errorMessage(e)}`, [], { cause: e });
      }
    },
    // One machine, one file: the catalog cache and the runner poll it cheaply.
    subscribe: () => () => {},
    async close() {
      db.close();
    },
  };
}
