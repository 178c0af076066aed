import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { scriptArgs } from '../support/node-child.js';
import { childEnv } from './child.js';
import type { ScenarioResult } from './format.js';
import { scenarios } from './scenarios/index.js';
import { NO_REDIS } from './scenarios/online-redis.js';

// Keeps `npm run bench` working: every scenario at smoke size, one run. Timing is never asserted
// (this machine is shared); only that each scenario ends and gives finite figures.
// The bounds are for a loaded machine: beside two busy loops the smoke run takes ~10 minutes (~4 quiet).
test('npm run bench -- --quick: every scenario produces finite figures', { timeout: 1_560_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-test-'));
  const json = path.join(dir, 'figures.json');
  const out = path.join(dir, 'report.md');
  try {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        [...scriptArgs(import.meta.url, './run.ts'), '--quick', '--runs', '1', '--json', json, '--out', out],
        { env: childEnv(), timeout: 1_500_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
        (error, stdout, stderr) => (error ? reject(new Error(`the harness failed: ${error.message}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`)) : resolve({ stdout })),
      );
    });
    const { results } = JSON.parse(fs.readFileSync(json, 'utf8')) as { results: ScenarioResult[] };
    assert.deepEqual(
      results.map((r) => r.scenario),
      scenarios.map((s) => s.name),
    );
    for (const r of results) {
      // Without TESSERA_TEST_REDIS_URL (a machine without services) the Redis scenario may only fail for want of Redis.
      if (r.scenario === 'online-redis' && !process.env.TESSERA_TEST_REDIS_URL && r.error?.includes(NO_REDIS)) continue;
      assert.equal(r.error, undefined, `${r.scenario} failed: ${r.error}`);
      assert.ok(r.figures.length > 0, `${r.scenario} gave no figures`);
      for (const f of r.figures) {
        assert.ok(Number.isFinite(f.value), `${r.scenario}: ${f.name} = ${f.value}`);
        assert.ok(f.runs >= 1 && f.unit.length > 0, `${r.scenario}: ${f.name}`);
      }
    }
    const report = fs.readFileSync(out, 'utf8');
    assert.match(report, /## Targets \(issues 3, 4, 5 and 12\)/);
    assert.match(report, /Smoke size/);
    assert.match(stdout, /report: /);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
