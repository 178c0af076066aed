import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { fixedClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { loadDefinitions } from '../../server/definitions/load-definitions.js';
import { TesseraError } from '../../server/errors.js';
import { createLogger } from '../../server/logger.js';
import { openServices } from '../../server/services.js';
import { systemResolver } from '../../server/sources/http-access.js';
import type { ChildProcess } from 'node:child_process';
import { runCliHere } from '../support/run-cli.js';
import { spawnServe } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

/**
 * The same escapes as test/http/source-escapes.test.ts, written in a definitions folder: `tessera apply`
 * and `tessera serve` (which applies the folder at start-up) refuse them all, naming file and field,
 * write nothing, and serve does not start.
 */
const dir = tempDir();
const defs = path.join(dir, 'defs');
const secret = path.join(dir, 'secret');
writeFiles(dir, { 'secret/creds.csv': 'driver_id,ts,v\n1,2026-11-29T10:00:00Z,hunter2\n', 'secret/creds.jsonl': '{}\n' });
fs.mkdirSync(path.join(defs, 'data'), { recursive: true });
const okDb = new Database(path.join(defs, 'data', 'ok.db'));
okDb.exec('CREATE TABLE t (driver_id INTEGER, ts TEXT, v TEXT)');
okDb.close();
fs.symlinkSync(path.join(secret, 'creds.csv'), path.join(defs, 'data', 'link.csv'));

const source = (name: string, fields: string) => `sources:\n  - {name: ${name}, timestampField: ts, ${fields}}\n`;
/** file -> [its source, the field the refusal must name]. */
const files: Record<string, [string, string]> = {
  'absolute.yaml': [source('absolute', `type: csv, path: ${JSON.stringify(path.join(secret, 'creds.csv'))}`), 'path'],
  'dotdot.yaml': [source('dotdot', 'type: csv, path: ../secret/creds.csv'), 'path'],
  'symlink.yaml': [source('symlink', 'type: csv, path: data/link.csv'), 'path'],
  'glob.yaml': [source('glob', 'type: jsonl, path: "../secret/*.jsonl"'), 'path'],
  'attach.yaml': [source('attach', `type: sqlite, database: data/ok.db, query: ${JSON.stringify(`ATTACH '${secret}/x.db' AS x`)}`), 'query'],
  'extension.yaml': [source('extension', `type: sqlite, database: data/ok.db, query: "SELECT load_extension('/tmp/evil.so')"`), 'query'],
  'write.yaml': [source('write', 'type: sqlite, database: data/ok.db, query: "DELETE FROM t RETURNING *"'), 'query'],
  'loopback.yaml': [source('loopback', 'type: http, url: "http://127.0.0.1:9/x"'), 'url'],
  'ipv6.yaml': [source('ipv6', 'type: http, url: "http://[::1]:9/x"'), 'url'],
  'metadata.yaml': [source('metadata', 'type: http, url: "http://169.254.169.254/latest/meta-data/"'), 'url'],
  'localhost.yaml': [source('localhost', 'type: http, url: "http://localhost:9/x"'), 'url'],
};
for (const [file, [text]] of Object.entries(files)) fs.writeFileSync(path.join(defs, file), text);

function expectEveryRefusal(output: string): void {
  for (const [file, [, field]] of Object.entries(files)) assert.match(output, new RegExp(`${file.replace('.', '\\.')}: sources\\[0\\]\\.${field.replace('.', '\\.')}: `), `${file} at ${field}`);
  assert.ok(!output.includes('hunter2'), 'no secret text in the output');
}

test('tessera apply refuses every escape in a definitions folder, naming file and field; nothing is written', async () => {
  const r = await runCliHere(['apply', defs, '--data-dir', path.join(dir, 'data')], dir, { TESSERA_SOURCE_ROOTS: '', TESSERA_HTTP_SOURCE_ALLOW: '' });
  assert.equal(r.code, 1, r.stderr);
  expectEveryRefusal(r.stderr);
  const listed = await runCliHere(['list', 'sources', '--data-dir', path.join(dir, 'data'), '--json'], dir);
  assert.deepEqual(JSON.parse(listed.stdout), []);
});

test('a credential header written in clear is refused when the folder is read, without repeating it', async () => {
  const only = path.join(dir, 'header-defs');
  writeFiles(only, { 'header.yaml': source('header', 'type: http, url: "https://api.example.com/x", headers: {Authorization: "Bearer hunter2"}') });
  const r = await runCliHere(['apply', only, '--data-dir', path.join(dir, 'header-data')], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /header\.yaml: sources\[0\]\.headers\.Authorization: 'Authorization' carries a credential: write it as a reference to an environment variable of the server, \{env: NAME\}/);
  assert.ok(!r.stderr.includes('hunter2'));
});

test('tessera serve refuses the folder at start-up and does not listen', { timeout: 60_000 }, async () => {
  const child: ChildProcess & { output: () => string } = spawnServe(['--definitions', defs, '--data-dir', path.join(dir, 'serve-data'), '--port', '0'], {
    TESSERA_SOURCE_ROOTS: '',
    TESSERA_HTTP_SOURCE_ALLOW: '',
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 1, child.output());
  expectEveryRefusal(child.output());
  assert.ok(!child.output().includes('tessera listening'));
});

test('a name that resolves to loopback only through the test resolver is refused too (the start-up apply, in process)', async () => {
  const only = path.join(dir, 'resolver-defs');
  writeFiles(only, { 'evil.yaml': source('evil', 'type: http, url: "http://evil.example:9/x"') });
  const config = loadConfig({ dataDir: path.join(dir, 'resolver-data'), definitions: only, logLevel: 'silent' }, {});
  const services = await openServices(config, createLogger('silent'), fixedClock(0), {
    sources: { resolve: async (host) => (host === 'evil.example' ? [{ address: '127.0.0.1', family: 4 }] : systemResolver(host)) },
  });
  try {
    const loaded = loadDefinitions(only);
    await assert.rejects(
      services.applyService.apply(loaded.bundle, { dryRun: false, actor: 'serve (startup)', origin: loaded.origin }),
      (e: unknown) => e instanceof TesseraError && e.errors.some((f) => f.path === 'evil.yaml: sources[0].url' && /evil\.example resolves to 127\.0\.0\.1, a loopback address/.test(f.message)),
    );
    assert.equal((await services.catalog.refresh()).sources.size, 0);
  } finally {
    await services.close();
  }
});
