import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test server's URL (TESSERA_TEST_POSTGRES_URL), or null where it is unset. */
export const TEST_POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL || null;

/** Why PostgreSQL suites are skipped on this machine, or null when they run. */
export const POSTGRES_SKIP = TEST_POSTGRES_URL ? null : 'TESSERA_TEST_POSTGRES_URL is unset: the PostgreSQL registry suites need a server (CI sets it)';

/** A database of its own for one test: created empty, dropped (connections and all) after. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL! });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** `CREATE DATABASE tessera_test_<random>` on the test server; the server is shared, so only this one is dropped. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_POSTGRES_URL) throw new Error(POSTGRES_SKIP!);
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
