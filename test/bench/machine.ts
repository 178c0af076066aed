import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  date: string;
  /** 1, 5 and 15-minute load averages when the run began: other work on a shared machine shows here. */
  loadAtStart: number[];
  /**
   * A fixed single-threaded JS loop's time in ms (median of 5) when the run began: hosts differ in
   * speed, so compare it before comparing absolute figures (rows/s, req/s) between two reports.
   */
  loopMs: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    loopMs: referenceLoopMs(),
  };
}

function referenceLoopMs(): number {
  const times: number[] = [];
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < 300_000_000; i++) sink += i % 7;
    times.push(performance.now() - started);
  }
  // `sink` is used, so the loop cannot be optimised away.
  if (sink < 0) throw new Error('unreachable');
  return Math.round(times.sort((a, b) => a - b)[2]);
}
