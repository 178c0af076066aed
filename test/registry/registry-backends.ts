import { test } from 'node:test';
import { type Clock, systemClock } from '../../server/clock.js';
import { openRegistry } from '../../server/registry/open-registry.js';
import type { RegistryBackend } from '../../server/registry/registry-backend.js';
import { POSTGRES_SKIP, createTestDatabase } from '../support/postgres.js';
import { tempDir } from '../support/temp-dir.js';

/** A fresh, empty registry database: `open` connects to it as one more process would. */
export interface TestRegistry {
  open(clock?: Clock): Promise<RegistryBackend>;
  drop(): Promise<void>;
}

export interface RegistryBackendUnderTest {
  name: string;
  /** Why the backend's suites are skipped on this machine, or null when they run. */
  skip: string | null;
  create(): Promise<TestRegistry>;
}

const sqlite: RegistryBackendUnderTest = {
  name: 'sqlite',
  skip: null,
  async create() {
    const dataDir = tempDir();
    return { open: (clock = systemClock) => openRegistry({ dataDir, clock }), drop: async () => {} };
  },
};

const postgres: RegistryBackendUnderTest = {
  name: 'postgres',
  skip: POSTGRES_SKIP,
  async create() {
    const database = await createTestDatabase();
    return { open: (clock = systemClock) => openRegistry({ dataDir: tempDir(), clock, registryUrl: database.url }), drop: () => database.drop() };
  },
};

/** Every registry backend; each contract suite runs against each. Adding a backend is one line here. */
export const REGISTRY_BACKENDS: RegistryBackendUnderTest[] = [sqlite, postgres];

export interface RegistryTestContext {
  registry: RegistryBackend;
  /** The same database opened again: another process's view of it. */
  another(): Promise<RegistryBackend>;
}

/**
 * A contract test, once per backend: `registry` over a fresh database, closed and dropped after. The
 * suites call it instead of `test` (Hono's `runTest`, Kysely's dialect loop).
 */
export function registryTest(suite: string, title: string, fn: (t: RegistryTestContext) => Promise<void>): void {
  for (const backend of REGISTRY_BACKENDS) {
    test(`${backend.name}: ${suite}: ${title}`, { skip: backend.skip ?? false }, async () => {
      const db = await backend.create();
      const opened: RegistryBackend[] = [];
      const open = async () => {
        const r = await db.open();
        opened.push(r);
        return r;
      };
      try {
        await fn({ registry: await open(), another: open });
      } finally {
        // The database goes even when a close fails: the server is shared.
        try {
          for (const r of opened) await r.close();
        } finally {
          await db.drop();
        }
      }
    });
  }
}
