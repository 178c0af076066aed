import { execFile } from 'node:child_process';
import { scriptArgs } from '../support/node-child.js';

/**
 * The environment for every process the benchmark starts. Without NODE_TEST_CONTEXT: a child that
 * inherits it (when `npm test` runs the harness) talks to node:test instead of running normally.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return { ...env, ...extra };
}

/** Node flags that write a CPU profile of the child into `dir` when it exits (`--cpu-prof DIR`). */
export function profileFlags(dir: string | undefined): string[] {
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

export interface ChildOptions {
  /** Killed after this long: a benchmark always ends by itself. */
  timeoutMs: number;
  cpuProfDir?: string;
  env?: Record<string, string>;
}

/**
 * Runs a TypeScript script of the benchmark in a fresh Node process (its peak RSS and JIT state are
 * its own) and returns the JSON object on the last line of its stdout.
 */
export function runChild<T>(script: string, args: string[], options: ChildOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const argv = [...profileFlags(options.cpuProfDir), ...scriptArgs(import.meta.url, `./${script}`), ...args];
    execFile(process.execPath, argv, { maxBuffer: 64 << 20, timeout: options.timeoutMs, killSignal: 'SIGKILL', env: childEnv(options.env) }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${script} ${args.join(' ')} failed: ${error.killed ? `killed after ${options.timeoutMs} ms` : error.message}\n${stderr.slice(-3000)}`));
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
  });
}
