import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { scriptArgs } from '../../support/node-child.js';
import { childEnv } from '../child.js';
import type { LoadResult, LoadSpec } from './load-spec.js';

export type { LoadResult, LoadSpec } from './load-spec.js';

export interface RunningLoad {
  /** Resolves when the warm-up is over and the measurement has begun. */
  started: Promise<void>;
  result: Promise<LoadResult>;
  /** Ends an `untilStopped` measurement now. */
  stop(): void;
}

interface Pending {
  onStarted: () => void;
  resolve: (r: LoadResult) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  spec: LoadSpec;
}

/**
 * The load generator process (load-child.ts), kept for a whole scenario; measurements run one at a
 * time. Each is bounded: without a result `warmup + seconds + 30` s after it began, the process is
 * killed and the measurement fails.
 */
export class LoadGenerator {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private stderr = '';
  private dead: Error | null = null;

  /**
   * `quick`: a smoke run, which checks the harness on whatever machine runs the tests. There, a request
   * may wait a long time behind other work; it is a timeout only after 300 s, not after the 10 s
   * that invalidate a real measurement, and a window that ends before the first answer goes on until
   * one arrives (`minAnswers`).
   */
  constructor(private readonly options: { quick?: boolean } = {}) {
    this.child = spawn(process.execPath, scriptArgs(import.meta.url, './load-child.ts'), { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    this.child.once('exit', (code, signal) => {
      this.dead = new Error(`the load generator exited (${code ?? signal}): ${this.stderr}`);
      this.pending?.reject(this.dead);
    });
  }

  start(given: LoadSpec): RunningLoad {
    const spec: LoadSpec = this.options.quick ? { timeoutSeconds: 300, minAnswers: 1, ...given } : { timeoutSeconds: 10, ...given };
    if (!/^http:\/\/127\.0\.0\.1:/.test(spec.url)) throw new Error(`load goes to 127.0.0.1 only, not ${spec.url}`);
    let onStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (onStarted = resolve));
    const result = new Promise<LoadResult>((resolve, reject) => {
      this.chain = this.chain
        .catch(() => undefined)
        .then(
          () =>
            new Promise<void>((done) => {
              if (this.dead) {
                onStarted();
                reject(this.dead);
                return done();
              }
              const timer = setTimeout(() => this.child.kill('SIGKILL'), (spec.warmupSeconds + spec.seconds + 2 * (spec.timeoutSeconds ?? 10) + 30) * 1000);
              const finish = () => {
                clearTimeout(timer);
                this.pending = null;
                onStarted();
                done();
              };
              this.pending = {
                spec,
                timer,
                onStarted,
                resolve: (r) => {
                  finish();
                  resolve(r);
                },
                reject: (e) => {
                  finish();
                  reject(e);
                },
              };
              this.child.stdin.write(`${JSON.stringify({ run: spec })}\n`);
            }),
        );
    });
    // A caller that only awaits `started` must not see an unhandled rejection.
    result.catch(() => undefined);
    return {
      started,
      result,
      stop: () => {
        if (this.pending?.spec === spec) this.child.stdin.write(`${JSON.stringify({ stop: true })}\n`);
      },
    };
  }

  run(spec: LoadSpec): Promise<LoadResult> {
    return this.start(spec).result;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }

  private onLine(line: string): void {
    const message = JSON.parse(line) as { event: 'started' | 'result' | 'error'; result?: LoadResult; message?: string };
    const pending = this.pending;
    if (!pending) return;
    if (message.event === 'started') {
      pending.onStarted();
      return;
    }
    if (message.event === 'error') {
      pending.reject(new Error(`the load generator failed: ${message.message}`));
      return;
    }
    const r = message.result!;
    const where = `${pending.spec.url}${pending.spec.path}`;
    if (r.failed > 0 || r.requests === 0) {
      pending.reject(new Error(`${r.failed} failed requests and ${r.requests} answers from ${where}: not a valid measurement`));
      return;
    }
    pending.resolve(r);
  }
}

/** Writes request bodies for the load child; returns the file. */
export function writeBodies(file: string, bodies: unknown[]): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(bodies.map((b) => JSON.stringify(b))));
  return file;
}
