import path from 'node:path';
import { TesseraError, errorMessage } from '../../errors.js';
import type { Clock } from '../../clock.js';
import { migrationsDir } from '../../paths.js';
import { loadMigrations } from '../migrations.js';
import type { RegistryBackend } from '../registry-backend.js';
import { PgAuthStore } from './pg-auth-store.js';
import { PgAlertStore } from './pg-alert-store.js';
import { PgCatalogStore } from './pg-catalog-store.js';
import { PgDatabase, redactUrl } from './pg-database.js';
import { PgMonitorResultStore } from './pg-monitor-result-store.js';
import { PgDatasetStore } from './pg-dataset-store.js';
import { PgLeaseStore } from './pg-lease-store.js';
import { migratePostgres } from './pg-migrate.js';
import { PgNotifier } from './pg-notifier.js';
import { PgPredictionLogStore } from './pg-prediction-log-store.js';
import { PgRunStore } from './pg-run-store.js';
import { PgValidationStore } from './pg-validation-store.js';

export interface PostgresRegistryOptions {
  url: string;
  clock: Clock;
  /** How long a statement or connection attempt may take before it fails as `unavailable`. */
  timeoutMs?: number;
  /** Tests only: another migrations folder. */
  migrations?: string;
}

/**
 * The registry on PostgreSQL, shared by every Tessera process on every machine: one pool of
 * connections for the stores, one LISTEN connection for `subscribe`. Its schema is brought up to date
 * (under an advisory lock) before anything else runs; a database that cannot be reached, or that newer
 * code wrote, fails here.
 */
export async function openPostgresRegistry(options: PostgresRegistryOptions): Promise<RegistryBackend> {
  const location = redactUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const db = new PgDatabase({ url: options.url, timeoutMs, location });
  try {
    await migratePostgres(db, loadMigrations(options.migrations ?? path.join(migrationsDir(), 'postgres')), location);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  let runs: PgRunStore | null = null;
  const catalog = new PgCatalogStore(db, options.clock, (q, view, now) => runs!.forgetView(q, view, now));
  runs = new PgRunStore(
    db,
    (q, view, version, state, at) => catalog.fitVersion(q, view, version, state, at),
    (q, view, at) => catalog.refitVersion(q, view, at),
  );
  const notifier = new PgNotifier(options.url, Math.min(timeoutMs, 1_000));
  return {
    location,
    catalog,
    runs,
    leases: new PgLeaseStore(db),
    datasets: new PgDatasetStore(db),
    auth: new PgAuthStore(db),
    validation: new PgValidationStore(db),
    predictionLogs: new PgPredictionLogStore(db),
    alerts: new PgAlertStore(db),
    monitorResults: new PgMonitorResultStore(db),
    async ping() {
      try {
        await db.query('SELECT 1');
      } catch (e) {
        if (e instanceof TesseraError) throw e;
        throw new TesseraError('unavailable', `the registry (${location}) does not answer: ${errorMessage(e)}`, [], { cause: e });
      }
    },
    subscribe: (topic, listener) => notifier.subscribe(topic, listener),
    async close() {
      await notifier.close();
      await db.close();
    },
  };
}
