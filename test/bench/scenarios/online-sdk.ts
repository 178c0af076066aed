import path from 'node:path';
import { runChild } from '../child.js';
import { prepareOnlineData } from '../online-data.js';
import { type BenchFigure, type BenchScenario, median } from '../scenario.js';

export const ONLINE_ROWS = { full: 100_000, quick: 2_000 };
const READS = { full: 200_000, quick: 20_000 };

/**
 * Issue 4's SDK target: single-key reads of 10 features through `getOnlineFeaturesSync` and the
 * Promise `getOnlineFeatures`, against a bare better-sqlite3 prepared statement doing the same lookup
 * on the same table, same random keys over 100k rows, interleaved in one process.
 */
export const onlineSdk: BenchScenario = {
  name: 'online-sdk',
  description: 'in-process SDK single-key reads of 10 features vs a bare better-sqlite3 prepared statement',
  async run(options) {
    const rows = options.quick ? ONLINE_ROWS.quick : ONLINE_ROWS.full;
    const data = await prepareOnlineData(path.join(options.workDir, 'online'), rows);
    const reads = options.quick ? READS.quick : READS.full;
    type PerMethod = Record<'sync' | 'promise' | 'bare' | 'plain', number[]>;
    const measured = await runChild<{ perSecond: PerMethod; perCpuSecond: PerMethod }>('scenarios/online-sdk-child.ts', [data.dataDir, String(rows), String(reads), String(options.runs)], {
      timeoutMs: 300_000,
      cpuProfDir: options.cpuProfDir,
    });
    const { sync, promise, bare, plain } = measured.perSecond;
    const cpu = measured.perCpuSecond;
    for (let r = 0; r < options.runs; r++) {
      options.log(`online-sdk round ${r + 1}: sync ${Math.round(sync[r])}, promise ${Math.round(promise[r])}, bare ${Math.round(bare[r])}, plain ${Math.round(plain[r])} reads/s`);
    }
    // Ratios are taken within each round (the same minute of a shared machine), then the median.
    const ratio = (a: number[], b: number[]) => median(a.map((v, i) => v / b[i]));
    const n = options.runs;
    const what = `online SDK, 1 key x 10 features over ${rows / 1000}k rows`;
    const per = `${reads.toLocaleString('en-US')} reads per run`;
    const figures: BenchFigure[] = [
      { name: `${what}: getOnlineFeaturesSync`, value: median(sync), unit: 'reads/s', runs: n, note: per },
      { name: `${what}: getOnlineFeatures (Promise)`, value: median(promise), unit: 'reads/s', runs: n, note: 'awaited one at a time' },
      { name: `${what}: bare better-sqlite3 statement`, value: median(bare), unit: 'reads/s', runs: n, note: "same SQL, pragmas and .raw() rows as the online store's" },
      { name: `${what}: plain better-sqlite3 statement`, value: median(plain), unit: 'reads/s', runs: n, note: 'default connection, rows as objects' },
      {
        name: `${what}: sync SDK / bare statement`,
        value: ratio(sync, bare),
        unit: 'x',
        runs: n,
        target: { op: '>=', value: 0.8 },
        note: `median of per-round ratios; per run: ${sync.map((v, i) => (v / bare[i]).toFixed(3)).join(', ')}`,
      },
      { name: `${what}: Promise SDK / bare statement`, value: ratio(promise, bare), unit: 'x', runs: n, target: { op: '>=', value: 0.8 }, note: 'median of per-round ratios' },
      { name: `${what}: sync SDK / plain statement`, value: ratio(sync, plain), unit: 'x', runs: n },
      {
        name: `${what}: sync SDK / bare statement, reads per CPU second`,
        value: ratio(cpu.sync, cpu.bare),
        unit: 'x',
        runs: n,
        note: `process CPU time, which the neighbours' load moves much less than wall time; per run: ${cpu.sync.map((v, i) => (v / cpu.bare[i]).toFixed(3)).join(', ')}`,
      },
      { name: `${what}: Promise SDK / bare statement, reads per CPU second`, value: ratio(cpu.promise, cpu.bare), unit: 'x', runs: n, note: 'process CPU time' },
    ];
    return figures;
  },
};
