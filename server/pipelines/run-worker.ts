import { parentPort, workerData } from 'node:worker_threads';
import { lowerThreadPriority } from '../background-priority.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { errorMessage } from '../errors.js';
import { createLogger } from '../logger.js';
import { materializeDeps, openServices } from '../services.js';
import { executeRun } from './materialize.js';
import type { RunRecord } from '../domain/run.js';

/**
 * A pipeline worker thread: opens its own connections to the data dir and executes the runs the
 * main thread hands it, one at a time, so a large run never blocks the HTTP event loop.
 */
const port = parentPort;
if (!port) throw new Error('run-worker.ts runs as a worker thread');
const config = (workerData as { config: Config }).config;
// Runs are batch work: on a contended core, serving wins (set before anything opens, so the threads
// this one creates inherit it).
lowerThreadPriority();
const logger = createLogger(config.logLevel).child({ thread: 'pipeline' });
const services = await openServices(config, logger, systemClock, { predictionLogJournal: false });
// Runs come from serve's runner, under its runner lease: their commits are fenced by it.
const deps = { ...materializeDeps(services), fenceLeases: services.leases };

port.on('message', (message: { id: number; run: RunRecord } | { close: true }) => {
  if ('close' in message) {
    // A failed close is logged and the thread still ends: the main thread waits for its exit.
    services.close().then(
      () => port.close(),
      (e: unknown) => {
        logger.error({ err: e }, 'closing the pipeline worker failed');
        port.close();
      },
    );
    return;
  }
  executeRun(message.run, deps).then(
    (outcome) => port.postMessage({ id: message.id, outcome }),
    (e: unknown) => port.postMessage({ id: message.id, error: errorMessage(e) }),
  );
});
port.postMessage({ ready: true });
