import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { POSTGRES_SKIP, TEST_POSTGRES_URL, createTestDatabase } from '../support/postgres.js';
import { testServices } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

/** Connections open to database `name`, other than the asking one. */
async function connections(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL! });
  await client.connect();
  try {
    const r = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    return r.rows[0].n as number;
  } finally {
    await client.end();
  }
}

// The OIDC verifier reads its JWKS file as services open, after the stores: a missing file failed the
// start but left the registry's connections open, so a `serve` that could not start never exited.
test('a start that fails on its OIDC settings closes the stores it opened', { skip: POSTGRES_SKIP ?? false }, async (t) => {
  const db = await createTestDatabase();
  t.after(() => db.drop());
  const missing = path.join(tempDir(), 'no-such-jwks.json');
  await assert.rejects(
    testServices({ registryUrl: db.url, oidcJwks: missing, oidcIssuer: 'https://issuer.example', oidcAudience: 'tessera' }),
    (e: unknown) => e instanceof Error && e.message.includes('no-such-jwks.json'),
  );
  await waitFor('the registry connections to close', 15_000, async () => ((await connections(db.name)) === 0 ? true : undefined));
});
