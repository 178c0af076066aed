import type { AlertStore } from '../alerts/alert-store.js';
import type { MonitorResultStore } from '../monitoring/monitors/monitor-result-store.js';
import type { DatasetStore } from '../datasets/dataset-store.js';
import type { AuthStore } from './auth-store.js';
import type { LogFileStore } from '../prediction-logs/log-file-store.js';
import type { CatalogStore } from './catalog-store.js';
import type { LeaseStore } from './lease-store.js';
import type { RunStore } from './run-store.js';
import type { ValidationStore } from '../validation/validation-store.js';

/** What a backend can tell other processes about: the catalog moved, a run was queued. */
export type RegistryTopic = 'catalog' | 'runs';

/**
 * Everything Tessera keeps in its registry database, built whole by one backend (the way a Kysely
 * `Dialect` creates everything for one database) in `openRegistry`: SQLite in `<dataDir>/registry.db`
 * (`sqlite/`) or PostgreSQL (`postgres/`). Nothing outside `server/registry/` knows which one it is.
 * Each part's contract is in its own file and proved for every backend by the suites in test/registry/.
 */
export interface RegistryBackend {
  /** Where the registry is, for logs and `/health`, without credentials. */
  readonly location: string;
  readonly catalog: CatalogStore;
  readonly runs: RunStore;
  readonly leases: LeaseStore;
  readonly datasets: DatasetStore;
  /** API keys, permissions and the audit log. */
  readonly auth: AuthStore;
  readonly validation: ValidationStore;
  /** The prediction log's published files and journal segments. */
  readonly predictionLogs: LogFileStore;
  readonly alerts: AlertStore;
  /** Scheduled drift monitors' results. */
  readonly monitorResults: MonitorResultStore;
  /** Resolves when the database answers; rejects (code `unavailable`) when it does not. */
  ping(): Promise<void>;
  /**
   * Calls `listener` when another process may have changed `topic`. A backend without notifications
   * never calls it: the catalog cache and the run queue poll as well, so a lost notification only
   * delays a change, never loses it.
   */
  subscribe(topic: RegistryTopic, listener: () => void): () => void;
  close(): Promise<void>;
}
