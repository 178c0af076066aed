import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_NICE } from '../server/background-priority.js';
import { moduleUrl, needsTsx } from './support/node-child.js';

const linux = process.platform === 'linux';

/** A thread's nice value as the kernel reports it (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceOf(tid: number): number {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

test('lowerThreadPriority lowers the calling thread only, and never raises it again', { skip: !linux && 'nice values are per thread on Linux only' }, async () => {
  const module = moduleUrl(import.meta.url, '../server/background-priority.ts').href;
  // From source, the worker needs tsx to load a .ts module; compiled, it imports the .js.
  const loader = needsTsx(import.meta.url) ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => register())` : 'Promise.resolve()';
  // The worker reports its own thread id (from /proc/thread-self) and its priority after each call.
  const code = `
    const { parentPort } = require('node:worker_threads');
    const fs = require('node:fs');
    const os = require('node:os');
    ${loader}.then(() => import(${JSON.stringify(module)})).then(({ lowerThreadPriority }) => {
      const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
      lowerThreadPriority();
      const first = os.getPriority();
      lowerThreadPriority(3);
      parentPort.postMessage({ tid, first, second: os.getPriority() });
      parentPort.once('message', () => process.exit(0));
    });`;
  const worker = new Worker(code, { eval: true });
  try {
    const seen = await new Promise<{ tid: number; first: number; second: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(seen.first, BACKGROUND_NICE);
    assert.equal(seen.second, BACKGROUND_NICE, 'a lower nice value asked later does not raise the thread back');
    // The kernel agrees, for that thread, while this (the process's main) thread keeps its own.
    assert.equal(niceOf(seen.tid), BACKGROUND_NICE);
    assert.equal(niceOf(process.pid), os.getPriority());
    assert.notEqual(os.getPriority(), BACKGROUND_NICE);
  } finally {
    worker.postMessage('stop');
    await new Promise((resolve) => worker.once('exit', resolve));
  }
});
