import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { checkBind, isLoopbackHost } from '../../server/auth/bind-guard.js';
import { loadConfig } from '../../server/config.js';
import { TesseraError } from '../../server/errors.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

test('loopback addresses are told apart from every other', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.10', 'fe80::1', 'myhost.example', '::ffff:10.0.0.1']) assert.equal(isLoopbackHost(host), false, host);
});

test('without authentication, a non-loopback host needs --insecure-no-auth; loopback never does', () => {
  const config = (flags: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig(flags, env);
  assert.equal(checkBind(config({}), false), null);
  assert.equal(checkBind(config({ host: '::1' }), false), null);
  assert.throws(
    () => checkBind(config({ host: '0.0.0.0' }), false),
    (e: unknown) =>
      e instanceof TesseraError && /refusing to listen on 0\.0\.0\.0 without authentication/.test(e.message) && /--insecure-no-auth \(env TESSERA_INSECURE_NO_AUTH=true\)/.test(e.message),
  );
  assert.throws(() => checkBind(config({ host: '192.168.1.10' }, { TESSERA_INSECURE_NO_AUTH: 'false' }), false), TesseraError);
  assert.match(checkBind(config({ host: '0.0.0.0', insecureNoAuth: true }), false) ?? '', /without authentication \(--insecure-no-auth\)/);
  assert.match(checkBind(config({ host: '::' }, { TESSERA_INSECURE_NO_AUTH: 'true' }), false) ?? '', /without authentication/);
  // Authentication on (a key exists, or OIDC is configured): any address.
  assert.equal(checkBind(config({ host: '0.0.0.0' }), true), null);
  const oidc = { TESSERA_OIDC_JWKS: '/jwks.json', TESSERA_OIDC_ISSUER: 'https://id.example', TESSERA_OIDC_AUDIENCE: 'tessera' };
  assert.equal(checkBind(config({ host: '0.0.0.0' }, oidc), false), null);
  assert.throws(
    () => config({}, { TESSERA_INSECURE_NO_AUTH: 'maybe' }),
    (e: unknown) => e instanceof TesseraError && e.errors.some((f) => f.path === 'insecureNoAuth'),
  );
});

test('tessera serve --host 0.0.0.0 refuses to start, naming the flag; with the flag (or its variable) it starts and warns', { timeout: 120_000 }, async () => {
  const dir = tempDir();
  const args = (port: number) => ['--host', '0.0.0.0', '--port', String(port), '--data-dir', path.join(dir, 'data'), '--no-apply'];
  const refused = spawnServe(args(await freePort()), { TESSERA_INSECURE_NO_AUTH: '' });
  const code = await new Promise<number | null>((resolve) => refused.once('exit', (c) => resolve(c)));
  assert.equal(code, 1, refused.output());
  assert.match(refused.output(), /refusing to listen on 0\.0\.0\.0 without authentication.*--insecure-no-auth \(env TESSERA_INSECURE_NO_AUTH=true\)/);

  for (const [extra, env] of [
    [['--insecure-no-auth'], { TESSERA_INSECURE_NO_AUTH: '' }],
    [[], { TESSERA_INSECURE_NO_AUTH: 'true' }],
  ] as const) {
    const port = await freePort();
    const child = spawnServe([...args(port), ...extra], env);
    try {
      // Only 127.0.0.1 is ever asked.
      await waitFor('the server', 60_000, async () => ((await requestJson(`http://127.0.0.1:${port}/health`)).status === 200 ? true : undefined), exitedWith(child));
      assert.match(child.output(), /listening on 0\.0\.0\.0 without authentication \(--insecure-no-auth\)/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    }
  }
});
