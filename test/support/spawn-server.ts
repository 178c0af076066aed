// `any`: response bodies are asserted field by field by the tests.
import { AssertionError } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { tesseraArgs } from './tessera-bin.js';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `tessera serve` in a child process (tessera-bin.ts says whether compiled or from source). */
export function spawnServe(args: string[], env: Record<string, string> = {}): ChildProcess & { output: () => string } {
  // Without NODE_TEST_CONTEXT: a child that inherits it talks to node:test instead of running normally.
  const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
  const child = spawn(process.execPath, tesseraArgs(['serve', ...args]), {
    env: { ...parentEnv, TESSERA_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // A server that dies at start-up should fail the test at once, with its output.
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) output += `\n[tessera serve exited with code ${code}]`;
  });
  return Object.assign(child, { output: () => output });
}

/**
 * One request on a fresh connection (so cluster workers take turns), JSON answer. `timeoutMs` bounds
 * a request that can hang (a connection handed to a dying worker); a `?wait=true` materialization of
 * many rows on a busy machine needs a larger one. The default is a failure bound for a loaded machine,
 * where a plain request can wait seconds for a CPU.
 */
export function requestJson(url: string, method = 'GET', body?: unknown, timeoutMs = 15_000): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode!, body: text });
        }
      });
    });
    // A connection handed to a worker as it is killed never answers: give up and let callers retry.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/**
 * Polls until `check` returns a value (not undefined), or fails after `ms` (or when `alive` says the server died).
 * Errors such as a refused connection mean "not yet"; a failed assertion inside `check` fails at once.
 */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>, alive: () => string | null = () => null, pollMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    const died = alive();
    if (died) throw new Error(`the server died while waiting for ${what}:\n${died}`);
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      // A failed assertion is a verdict, not a server still starting: report it now, not at the deadline.
      if (e instanceof AssertionError) throw e;
      last = e;
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** For waitFor: the output of a spawned server once it has exited, else null. */
export function exitedWith(child: ChildProcess & { output: () => string }): () => string | null {
  return () => (child.exitCode !== null || child.signalCode !== null ? child.output().slice(-3000) : null);
}

/**
 * The exit code of a child that is meant to exit by itself; past `boundMs` it is killed and this
 * rejects with its output (a bound on a failure, not a wait: the exit usually comes at once).
 */
export function exitCodeOf(child: ChildProcess & { output: () => string }, boundMs = 60_000): Promise<number | null> {
  return new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit:\n${child.output()}`));
    }, boundMs);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
}
