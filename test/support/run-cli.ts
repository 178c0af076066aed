import { spawn, spawnSync } from 'node:child_process';
import { main } from '../../server/cli/main.js';
import { tesseraArgs } from './tessera-bin.js';

/**
 * Runs `tessera <args>` in `cwd`, asynchronously: a server under test may live in this process, and
 * spawnSync would block the event loop that has to answer the CLI. No data dir or definitions come from
 * the environment, so a CLI that wrote locally would do it in `cwd`, where a test can look.
 */
export function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, tesseraArgs(args), { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** runCli, blocking: for tests with no server in their own process. */
export function runCliSync(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, tesseraArgs(args), { cwd, encoding: 'utf8', env: childEnv() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Without NODE_TEST_CONTEXT (a child that inherits it talks to node:test instead of running normally) and without a data dir or definitions from the environment. */
function childEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return { ...env, TESSERA_DATA_DIR: '', TESSERA_DEFINITIONS: '' };
}

/**
 * `tessera <args>` through the CLI's `main()` in this process, in `cwd` (relative paths resolve there, as
 * in a child), with the environment runCli gives a child. A child costs ~2 s of start-up; tests that check
 * the exit code of the real binary keep spawning it. Not for concurrent tests: it changes the process's cwd.
 */
export async function runCliHere(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const before = process.cwd();
  // main() puts `--api-key` into process.env, where a child's would die with it: put it back after the call.
  const apiKey = process.env.TESSERA_API_KEY;
  process.chdir(cwd);
  try {
    const env = { ...process.env, TESSERA_DATA_DIR: '', TESSERA_DEFINITIONS: '', ...extraEnv };
    const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env });
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
    if (apiKey === undefined) delete process.env.TESSERA_API_KEY;
    else process.env.TESSERA_API_KEY = apiKey;
  }
}
