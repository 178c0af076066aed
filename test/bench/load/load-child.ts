/**
 * The load generator: autocannon in its own process, so it never shares an event loop with the
 * server it measures. It stays up for a whole scenario (starting a process per measurement costs a
 * second each) and takes one command per stdin line:
 *   {"run": LoadSpec}  warm up, print {"event":"started"}, measure, print {"event":"result","result":LoadResult}
 *   {"stop": true}     end the current `untilStopped` measurement now
 * It exits when stdin closes. Usage: node --import tsx test/bench/load/load-child.ts
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { type AutocannonInstance, autocannon } from './autocannon.js';
import { type LoadSpec, summarize } from './load-spec.js';

const headers = { 'content-type': 'application/json' };
let current: AutocannonInstance | null = null;

/** One autocannon run; the answer times of 2xx responses, in milliseconds. */
function measure(spec: LoadSpec, bodies: string[], seconds: number, amount?: number): Promise<{ latencies: number[]; failed: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    let failed = 0;
    const started = performance.now();
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        // When set, autocannon sends this many requests and waits for their answers; the duration is ignored.
        amount,
        overallRate: spec.rate,
        timeout: spec.timeoutSeconds ?? 10,
        // Otherwise a run ends on a whole second: half a second of quick-mode load would last one.
        sampleInt: 100,
        // The bodies differ in their keys: a server never answers the same key over and over from a cache.
        requests: bodies.map((body) =>
          spec.method === 'GET'
            ? { method: 'GET' as const, path: spec.path, headers: { ...spec.headers } }
            : { method: 'POST' as const, path: spec.path, headers: { ...headers, ...spec.headers }, body },
        ),
      },
      (error, result) => {
        current = null;
        if (error) return reject(error);
        resolve({ latencies, failed: failed + result.errors + result.timeouts, seconds: (performance.now() - started) / 1000 });
      },
    );
    // autocannon's own histogram keeps whole milliseconds and, at a fixed rate, adds synthetic
    // samples for coordinated omission: the raw answer times give sub-millisecond percentiles, and
    // summarize() adds the same synthetic samples for the corrected p99 reported beside the raw one.
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms);
      else failed++;
    });
    current = instance;
  });
}

async function run(spec: LoadSpec): Promise<void> {
  const bodies = JSON.parse(fs.readFileSync(spec.bodiesFile, 'utf8')) as string[];
  const warmup = spec.warmupSeconds > 0 ? await measure(spec, bodies, spec.warmupSeconds) : { latencies: [], failed: 0 };
  process.stdout.write(`${JSON.stringify({ event: 'started' })}\n`);
  const measured = await measure(spec, bodies, spec.seconds);
  while (measured.latencies.length + measured.failed < (spec.minAnswers ?? 0)) {
    const more = await measure(spec, bodies, spec.seconds, spec.connections);
    measured.latencies.push(...more.latencies);
    measured.failed += more.failed;
    measured.seconds += more.seconds;
  }
  // Each connection sends rate / connections requests a second: one due every connections / rate s.
  const intervalMs = spec.rate ? (1000 * spec.connections) / spec.rate : undefined;
  const result = summarize(measured.latencies, measured.failed + warmup.failed, measured.seconds, warmup.latencies.length, intervalMs);
  process.stdout.write(`${JSON.stringify({ event: 'result', result })}\n`);
}

let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line) as { run?: LoadSpec; stop?: boolean };
  if (command.stop) return void current?.stop();
  // One measurement at a time: a second one would load the server (and this process) twice.
  queue = queue.then(() => run(command.run!)).catch((e: unknown) => void process.stdout.write(`${JSON.stringify({ event: 'error', message: String(e) })}\n`));
});
// autocannon's timers can outlive the last measurement: leave once stdin is closed and the work is done.
lines.on('close', () => void queue.then(() => process.exit(0)));
