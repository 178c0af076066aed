import type { Clock } from '../clock.js';
import { TesseraError, errorMessage } from '../errors.js';
import type { RegistryBackend } from './registry-backend.js';
import { openSqliteRegistry } from './sqlite/open-sqlite-registry.js';

export interface RegistryOptions {
  dataDir: string;
  clock: Clock;
  /** `TESSERA_REGISTRY_URL`: a registry behind a URL (postgres://); unset = `<dataDir>/registry.db`. */
  registryUrl?: string;
  /** How long a registry statement may take before it fails as `unavailable` (PostgreSQL). */
  timeoutMs?: number;
}

const SETTING = 'TESSERA_REGISTRY_URL (--registry-url)';

/** The one place a registry backend is chosen from the configuration and built whole. */
export async function openRegistry(options: RegistryOptions): Promise<RegistryBackend> {
  const url = options.registryUrl;
  if (url === undefined) return openSqliteRegistry(options.dataDir, options.clock);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    // One line: the message names the setting, so no field list follows it.
    throw new TesseraError('validation', `${SETTING}: no registry backend serves '${scheme ? `${scheme}://` : url}' URLs (use postgres://user@host:5432/db)`);
  }
  // Loaded only here: pg costs every process that keeps its registry in SQLite (every CLI call, most tests) a tenth of a second.
  const [{ openPostgresRegistry }, { redactUrl }] = await Promise.all([import('./postgres/open-postgres-registry.js'), import('./postgres/pg-database.js')]);
  try {
    return await openPostgresRegistry({ url, clock: options.clock, timeoutMs: options.timeoutMs });
  } catch (e) {
    // One line naming the setting and the cause: what an operator needs to fix a start that failed.
    const cause = describeCause(e instanceof TesseraError && e.code === 'unavailable' && e.cause ? e.cause : e);
    const code = e instanceof TesseraError ? e.code : 'unavailable';
    throw new TesseraError(code, `${SETTING} ${redactUrl(url)}: ${cause}`, [], { cause: e });
  }
}

/** An error as one line: a connection refused on every address is an AggregateError with no message. */
function describeCause(e: unknown): string {
  const message = errorMessage(e).split('\n')[0];
  if (message) return message;
  const code = (e as { code?: unknown }).code;
  const inner = (e as { errors?: unknown[] }).errors?.[0];
  if (inner) return describeCause(inner);
  return typeof code === 'string' ? code : 'cannot connect';
}
