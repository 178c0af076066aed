// `any`: JSON printed by the CLI is asserted field by field.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../server/cli/main.js';
import { runCli, runCliHere } from '../support/run-cli.js';
import { T0, testServer } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const TOKEN = /^tsk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
const CACHE_MS = 5_000;

const dir = tempDir();
const dataDir = path.join(dir, 'data');
let bootToken = '';
let server: Awaited<ReturnType<typeof testServer>>;

/** The first key, made on the data dir before any server runs: that is what turns auth on. */
before(async () => {
  const made = await runCli(['keys', 'create', '--name', 'boot', '--role', 'admin', '--data-dir', dataDir], dir);
  assert.equal(made.code, 0, made.stderr);
  bootToken = made.stdout.trim();
  assert.match(bootToken, TOKEN, 'stdout is the token and nothing else');
  server = await testServer({ dataDir, keyCacheMs: CACHE_MS });
});
after(() => server?.close());

const idOf = (token: string) => TOKEN.exec(token)![1];
const status = async (token?: string) => (await fetch(`${server.url}/api/v1/feature-views`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).status;
// Over --url, through main() in this process (a child costs ~2 s of start-up); the exit-code checks and the
// "another process" test spawn the binary.
const remote = (args: string[], token = bootToken) => runCliHere([...args, '--url', server.url, '--api-key', token], dir);

test('a key created on the data dir opens the server: 401 without it, 200 with it', async () => {
  assert.equal(await status(), 401);
  assert.equal(await status(`tsk_${idOf(bootToken)}_${'A'.repeat(43)}`), 401, 'the right id with a wrong secret');
  assert.equal(await status(bootToken), 200);
});

test('bad calls are usage errors (exit 2) naming the mistake, and create nothing', async () => {
  const cases: [string[], RegExp][] = [
    [['keys', 'create', '--role', 'admin'], /missing option '--name <name>'/],
    [['keys', 'create', '--name', 'x'], /missing option '--role <role>'/],
    [['keys', 'create', '--name', 'x', '--role', 'admin', '--expires', 'soon'], /option '--expires': 'soon' is not a duration/],
    [['keys', 'revoke'], /missing argument: tessera keys revoke <id>/],
    [['keys', 'list', '--name', 'x'], /option '--name' is for 'tessera keys create'/],
    [['keys', 'rotate'], /unknown action 'rotate'/],
    [['audit', '--limit', '0'], /option '--limit': '0' is not a whole number from 1 to 1000/],
  ];
  for (const [args, message] of cases) {
    // In this process: a usage error is found before any store is opened.
    let stderr = '';
    const code = await main([...args, '--data-dir', dataDir], { stdout: () => {}, stderr: (t) => void (stderr += t), env: {} });
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
  const list = await remote(['keys', 'list', '--json']);
  assert.deepEqual(
    JSON.parse(list.stdout).map((k: any) => k.name),
    ['boot'],
  );
});

test('over --url: create needs an admin key; list shows keys without secrets; revoke refuses the key at once', async () => {
  const anonymous = await runCli(['keys', 'create', '--name', 'ci', '--role', 'admin', '--url', server.url], dir);
  assert.equal(anonymous.code, 1);
  assert.match(anonymous.stderr, /^error: /);

  const t0 = Date.now();
  const made = await remote(['keys', 'create', '--name', 'ci', '--role', 'admin', '--role', 'reader', '--role', 'admin', '--expires', '1d', '--json']);
  const t1 = Date.now();
  assert.equal(made.code, 0, made.stderr);
  const created = JSON.parse(made.stdout);
  assert.match(created.token, TOKEN);
  assert.equal(created.key.id, idOf(created.token));
  assert.deepEqual(created.key.roles, ['admin', 'reader'], 'a repeated role counts once');
  assert.ok(created.key.expiresAt >= t0 + 86_400_000 && created.key.expiresAt <= t1 + 86_400_000, `expiresAt ${created.key.expiresAt}`);
  assert.equal(await status(created.token), 200);

  const json = await remote(['keys', 'list', '--json']);
  const listed = JSON.parse(json.stdout);
  assert.deepEqual(
    listed.map((k: any) => [k.id, k.name, k.roles, k.revokedAt]).sort(),
    [
      [idOf(bootToken), 'boot', ['admin'], null],
      [created.key.id, 'ci', ['admin', 'reader'], null],
    ].sort(),
  );
  for (const k of listed) assert.deepEqual(Object.keys(k).sort(), ['createdAt', 'createdBy', 'expiresAt', 'id', 'name', 'revokedAt', 'roles']);
  const table = await remote(['keys', 'list']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^ID +NAME +ROLES +CREATED +EXPIRES +REVOKED +BY$/);
  assert.equal(lines.length, 3);
  for (const token of [bootToken, created.token]) {
    const secret = token.slice(-43);
    assert.ok(!json.stdout.includes(secret) && !table.stdout.includes(secret) && !table.stderr.includes(secret), 'no secret in a list');
  }

  const revoked = await remote(['keys', 'revoke', created.key.id]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(revoked.stdout, `revoked key ${created.key.id}\n`);
  // The server revoked it itself: its cache is cleared, the very next request is refused.
  assert.equal(await status(created.token), 401);
  const again = await remote(['keys', 'list', '--json']);
  assert.equal(typeof JSON.parse(again.stdout).find((k: any) => k.id === created.key.id).revokedAt, 'number');
  const unknown = await runCli(['keys', 'revoke', '000000000000', '--url', server.url, '--api-key', bootToken], dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /000000000000/);
});

test('a key revoked on the data dir by another process is refused once the server cache window has passed', async () => {
  const made = await runCli(['keys', 'create', '--name', 'laptop', '--role', 'admin', '--data-dir', dataDir], dir);
  const token = made.stdout.trim();
  assert.equal(await status(token), 200, 'verified, and now cached by the server');
  const revoked = await runCli(['keys', 'revoke', idOf(token), '--data-dir', dataDir], dir);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(await status(token), 200, 'still inside the cache window (TESSERA_KEY_CACHE_MS)');
  server.services.clock.set(T0 + CACHE_MS + 1);
  assert.equal(await status(token), 401);
});

test('audit lists the calls, newest first: local and remote key changes and refused requests', async () => {
  const r = await remote(['audit', '--json', '--limit', '1000']);
  assert.equal(r.code, 0, r.stderr);
  const entries = JSON.parse(r.stdout);
  const ids = entries.map((e: any) => e.id);
  assert.deepEqual(
    ids,
    [...ids].sort((a: number, b: number) => b - a),
    'newest first',
  );
  const seen = entries.map((e: any) => [e.actor, e.action, e.outcome, e.status]);
  const boot = `key:${idOf(bootToken)} (boot)`;
  for (const expected of [
    ['cli (local)', 'keys.create', 'ok', 0],
    ['cli (local)', 'keys.revoke', 'ok', 0],
    [boot, 'POST /api/v1/keys', 'ok', 201],
    [boot, 'DELETE /api/v1/keys/:id', 'ok', 204],
    [boot, 'DELETE /api/v1/keys/:id', 'failed', 404],
  ])
    assert.ok(
      seen.some((s: unknown[]) => JSON.stringify(s) === JSON.stringify(expected)),
      `${JSON.stringify(expected)} in ${JSON.stringify(seen)}`,
    );
  assert.equal(entries.filter((e: any) => e.actor === 'cli (local)' && e.action === 'keys.create').length, 2, 'boot and laptop');
  assert.ok(entries.some((e: any) => e.outcome === 'unauthenticated' && e.status === 401));
  for (const e of entries) assert.ok(!JSON.stringify(e).includes(bootToken.slice(-43)));

  const two = await remote(['audit', '--limit', '2']);
  const lines = two.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^ID +AT +ACTOR +ACTION +RESOURCE +OUTCOME +STATUS +DETAIL$/);
  assert.deepEqual(
    lines.slice(1).map((l) => Number(l.split(' ')[0])),
    ids.slice(0, 2),
  );

  const local = await runCliHere(['audit', '--json', '--actor', 'cli (local)', '--data-dir', dataDir], dir);
  assert.equal(local.code, 0, local.stderr);
  assert.deepEqual(
    JSON.parse(local.stdout).map((e: any) => e.action),
    ['keys.revoke', 'keys.create', 'keys.create'],
  );
});
