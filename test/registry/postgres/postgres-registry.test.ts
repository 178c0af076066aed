import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { systemClock } from '../../../server/clock.js';
import { TesseraError } from '../../../server/errors.js';
import { migrationsDir } from '../../../server/paths.js';
import { loadMigrations } from '../../../server/registry/migrations.js';
import { openRegistry } from '../../../server/registry/open-registry.js';
import type { RegistryBackend } from '../../../server/registry/registry-backend.js';
import { POSTGRES_SKIP, type TestDatabase, createTestDatabase } from '../../support/postgres.js';
import { waitFor } from '../../support/spawn-server.js';
import { tempDir } from '../../support/temp-dir.js';
import { applyBundle } from '../catalog-store.contract.js';

/** What only the PostgreSQL backend promises beyond the shared contracts: migrations, its clock, notifications. */
const skip = POSTGRES_SKIP ?? false;

async function withDatabase(fn: (db: TestDatabase, open: (clock?: typeof systemClock) => Promise<RegistryBackend>) => Promise<void>): Promise<void> {
  const db = await createTestDatabase();
  const opened: RegistryBackend[] = [];
  try {
    await fn(db, async (clock = systemClock) => {
      const r = await openRegistry({ dataDir: tempDir(), clock, registryUrl: db.url });
      opened.push(r);
      return r;
    });
  } finally {
    // The database goes even when a close fails: the server is shared.
    try {
      for (const r of opened) await r.close();
    } finally {
      await db.drop();
    }
  }
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

test('four processes opening one empty database together: each migration is applied once', { skip }, async () => {
  await withDatabase(async (db, open) => {
    const registries = await Promise.all([open(), open(), open(), open()]);
    const expected = loadMigrations(path.join(migrationsDir(), 'postgres')).map((m) => m.version);
    assert.ok(expected.length >= 1);
    const applied = await sql<{ version: number }>(db.url, 'SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(
      applied.map((r) => r.version),
      expected,
    );
    // Every one of them works on the one schema.
    await applyBundle(registries[0].catalog);
    for (const r of registries) assert.equal(await r.catalog.revision(), 1);
  });
});

test('a database migrated by newer code is refused, naming the setting, and left as it was', { skip }, async () => {
  await withDatabase(async (db, open) => {
    const first = await open();
    await first.close();
    await sql(db.url, "INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'from_the_future', 'x')");
    const error = await openRegistry({ dataDir: tempDir(), clock: systemClock, registryUrl: db.url }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof TesseraError);
    assert.equal(error.code, 'schema_too_new');
    assert.match(error.message, /^TESSERA_REGISTRY_URL \(--registry-url\) postgres:\/\/.*: .*9999_from_the_future/);
    assert.equal((await sql<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM schema_migrations'))[0].n, loadMigrations(path.join(migrationsDir(), 'postgres')).length + 1);
  });
});

test('lease expiry is decided by the database clock: a process whose clock runs an hour ahead cannot take a running lease', { skip }, async () => {
  await withDatabase(async (_db, open) => {
    const ahead = { now: () => Date.now() + 3_600_000 };
    const a = await open();
    const b = await open(ahead);
    assert.equal(await a.leases.tryAcquire('scheduler', 'A', 60_000), true);
    assert.equal(await b.leases.tryAcquire('scheduler', 'B', 60_000), false);
    assert.equal(await b.leases.holderOf('scheduler'), 'A');
  });
});

test('subscribers in another process hear of catalog writes and queued runs (LISTEN/NOTIFY)', { skip }, async () => {
  await withDatabase(async (_db, open) => {
    const writer = await open();
    const reader = await open();
    let catalogEvents = 0;
    let runEvents = 0;
    reader.subscribe('catalog', () => catalogEvents++);
    reader.subscribe('runs', () => runEvents++);
    // The LISTEN connection opens on the first subscription: wait until a write is heard.
    await waitFor('the listener to hear an apply', 60_000, async () => {
      await writer.catalog.addRefitVersion('driver_hourly_stats').catch(async () => applyBundle(writer.catalog));
      return catalogEvents > 0 ? true : undefined;
    });
    assert.equal(runEvents, 0);
    await writer.runs.enqueue({ featureView: 'driver_hourly_stats', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, Date.now());
    await waitFor('the listener to hear a queued run', 60_000, async () => (runEvents > 0 ? true : undefined));
  });
});

test('a URL that is not postgres:// is refused before anything is opened', async () => {
  const error = await openRegistry({ dataDir: tempDir(), clock: systemClock, registryUrl: 'mysql://root@127.0.0.1/x' }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof TesseraError);
  assert.equal(error.message.split('\n').length, 1);
  assert.match(error.message, /^TESSERA_REGISTRY_URL \(--registry-url\): no registry backend serves 'mysql:\/\/' URLs/);
});
