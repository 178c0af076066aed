import { Worker } from 'node:worker_threads';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { RunOutcome } from './materialize.js';
import type { RunRecord } from '../domain/run.js';
import type { RunExecutor } from './runner.js';

interface Pending {
  resolve: (outcome: RunOutcome) => void;
  reject: (e: Error) => void;
}

/** Executes runs in a worker thread, started on first use and restarted if it dies. */
export class WorkerExecutor implements RunExecutor {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  async execute(run: RunRecord): Promise<RunOutcome> {
    const worker = await this.start();
    const id = this.nextId++;
    return new Promise<RunOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, run });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ close: true });
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  private start(): Promise<Worker> {
    if (this.worker && this.ready) return this.ready.then(() => this.worker!);
    const worker = spawnWorker(this.config);
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (message: { ready?: true; id?: number; outcome?: RunOutcome; error?: string }) => {
        if (message.ready) return resolve();
        const pending = this.pending.get(message.id!);
        if (!pending) return;
        this.pending.delete(message.id!);
        if (message.outcome) pending.resolve(message.outcome);
        else pending.reject(new Error(message.error ?? 'the pipeline worker failed'));
      });
    });
    worker.on('error', (e) => this.logger.error({ err: e }, 'pipeline worker error'));
    worker.on('exit', (code) => {
      if (this.worker === worker) {
        this.worker = null;
        this.ready = null;
      }
      for (const [id, p] of this.pending) {
        p.reject(new Error(`the pipeline worker exited (code ${code})`));
        this.pending.delete(id);
      }
    });
    return this.ready.then(() => worker);
  }
}

/**
 * Compiled, the worker is the .js beside this file. Under tsx (tests, development) it is the .ts file,
 * and a worker thread does not inherit tsx's loader: the thread registers it before importing.
 */
function spawnWorker(config: Config): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./run-worker.js', import.meta.url), { workerData: { config } });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const file = JSON.stringify(new URL('./run-worker.ts', import.meta.url).href);
  return new Worker(`import(${api}).then(({ register }) => { register(); return import(${file}); })`, { eval: true, workerData: { config } });
}
