import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { freePort, spawnServe } from '../../support/spawn-server.js';
import { tempDir } from '../../support/temp-dir.js';

/** Runs `tessera serve` to its exit: code and output. */
async function serveExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawnServe(args, env);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, output: child.output() };
}

const errorLines = (output: string) => output.split('\n').filter((l) => l.startsWith('error: '));

test('an unreachable or wrong registry URL: one line naming the setting and the cause, a non-zero exit, nothing written', async () => {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const closed = await freePort();
  const cases: [string[], Record<string, string>, RegExp][] = [
    [
      ['--registry-url', `postgres://tessera@127.0.0.1:${closed}/registry`],
      {},
      new RegExp(`^error: TESSERA_REGISTRY_URL \\(--registry-url\\) postgres://tessera@127\\.0\\.0\\.1:${closed}/registry: connect ECONNREFUSED 127\\.0\\.0\\.1:${closed}$`),
    ],
    [
      [],
      { TESSERA_REGISTRY_URL: 'postgres://tessera:hunter2@no-such-host.invalid/registry' },
      /^error: TESSERA_REGISTRY_URL \(--registry-url\) postgres:\/\/tessera:\*\*\*@no-such-host\.invalid\/registry: getaddrinfo ENOTFOUND no-such-host\.invalid$/,
    ],
    [
      [],
      { TESSERA_REGISTRY_URL: 'mysql://root@127.0.0.1/registry' },
      /^error: TESSERA_REGISTRY_URL \(--registry-url\): no registry backend serves 'mysql:\/\/' URLs \(use postgres:\/\/user@host:5432\/db\)$/,
    ],
  ];
  for (const [args, env, expected] of cases) {
    const { code, output } = await serveExit(['--port', '0', '--data-dir', dataDir, '--definitions', dir, ...args], env);
    assert.notEqual(code, 0, output);
    const lines = errorLines(output);
    assert.equal(lines.length, 1, output);
    assert.match(lines[0], expected);
    assert.doesNotMatch(output, /hunter2/, 'the password never shows');
    assert.equal(fs.existsSync(dataDir), false, 'nothing written');
  }
});
