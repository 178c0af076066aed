import fs from 'node:fs';
import path from 'node:path';
import { runChild } from '../child.js';
import { type BenchFigure, type BenchOptions, type BenchScenario, median } from '../scenario.js';
import { FULL, QUICK } from './offline-layout-data.js';

/** What the children of this scenario and of push-offline print. */
export interface Measured {
  seconds: number;
  cpuSeconds?: number;
  rows?: number;
  files?: number;
  merged?: number;
  snapshots?: number;
}

/** Runs a bench child script (`scenarios/...`) to its figures. */
export const runMeasured = <T extends Measured>(script: string, args: string[], options: BenchOptions) => runChild<T>(script, args, { timeoutMs: 1_800_000, cpuProfDir: options.cpuProfDir });
export const layoutChild = <T extends Measured>(args: string[], options: BenchOptions) => runMeasured<T>('scenarios/offline-layout-child.ts', args, options);
const child = (args: string[], options: BenchOptions) => layoutChild<LayoutMeasured>(args, options);
interface LayoutMeasured extends Measured {
  maxRssMB: number;
}

/**
 * Issue 12's read targets: a view filled by many small incremental runs, once compacted, answers a
 * point-in-time read as fast as the same rows committed by one run; a view with a created timestamp
 * (deduplicated on write) answers as fast as a bare DuckDB ASOF JOIN over its files.
 */
export const offlineLayout: BenchScenario = {
  name: 'offline-layout',
  description: 'point-in-time reads after 1,000 incremental runs, compacted, vs one run; a view with a created timestamp vs a bare ASOF JOIN',
  async run(options) {
    const size = options.quick ? QUICK : FULL;
    const data = path.join(options.workDir, 'offline-layout');
    fs.mkdirSync(data, { recursive: true });
    const generated = await child(['generate', data, options.quick ? 'quick' : 'full'], options);
    options.log(`offline-layout: ${size.runs} runs of ${size.rowsPerRun} rows, the same as one run, ${size.createdRows} rows with created times: ${generated.seconds.toFixed(1)} s`);
    const entities = path.join(data, 'entities.parquet');
    const createdEntities = path.join(data, 'created-entities.parquet');
    const out = path.join(data, 'out.parquet');
    const before = await child(['tessera', data, 'incremental', entities, out], options);
    options.log(`offline-layout: before compaction, ${before.files} files: ${before.seconds.toFixed(2)} s`);
    const compacted = await child(['compact', data], options);
    options.log(`offline-layout: compaction ${compacted.seconds.toFixed(1)} s, ${compacted.merged} merged snapshot(s); ${compacted.snapshots} snapshot(s) left`);

    const incremental: LayoutMeasured[] = [];
    const oneRun: LayoutMeasured[] = [];
    const ratios: number[] = [];
    const created: LayoutMeasured[] = [];
    const bare: LayoutMeasured[] = [];
    const createdRatios: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      const a = await child(['tessera', data, 'incremental', entities, out], options);
      const b = await child(['tessera', data, 'one_run', entities, out], options);
      incremental.push(a);
      oneRun.push(b);
      ratios.push(a.seconds / b.seconds);
      const c = await child(['baseline', data, 'with_created', createdEntities, out], options);
      const d = await child(['tessera', data, 'with_created', createdEntities, out], options);
      bare.push(c);
      created.push(d);
      createdRatios.push(d.seconds / c.seconds);
      options.log(
        `offline-layout run ${r + 1}: compacted ${a.seconds.toFixed(2)} s (${a.files} files), one run ${b.seconds.toFixed(2)} s (${b.files}) = ${ratios[r].toFixed(3)}x; created: Tessera ${d.seconds.toFixed(2)} s, bare ASOF ${c.seconds.toFixed(2)} s = ${createdRatios[r].toFixed(3)}x`,
      );
    }
    const runs = options.runs;
    const label = `point-in-time ${size.entityRows / 1000}k entity rows over ${size.runs} runs of ${size.rowsPerRun} rows`;
    const createdLabel = `point-in-time ${size.createdEntityRows / 1e6}M entity rows x 1 view of ${size.createdRows / 1e6}M rows with a created timestamp`;
    const seconds = (m: Measured[]) => median(m.map((x) => x.seconds));
    const figures: BenchFigure[] = [
      { name: `${label}: before compaction`, value: before.seconds, unit: 's', runs: 1, note: `${before.files} files` },
      { name: `${label}: compaction`, value: compacted.seconds, unit: 's', runs: 1, note: `${compacted.merged} merged snapshot(s), ${compacted.snapshots} left` },
      { name: `${label}: compacted`, value: seconds(incremental), unit: 's', runs },
      { name: `${label}: the same rows committed by one run`, value: seconds(oneRun), unit: 's', runs },
      { name: `${label}: compacted / one run`, value: median(ratios), unit: 'x', runs, target: { op: '<=', value: 1.2 }, note: `per run: ${ratios.map((x) => x.toFixed(3)).join(', ')}` },
      { name: `${createdLabel}: Tessera`, value: seconds(created), unit: 's', runs, note: `peak RSS ${Math.max(...created.map((m) => m.maxRssMB))} MB` },
      { name: `${createdLabel}: bare DuckDB ASOF JOIN`, value: seconds(bare), unit: 's', runs },
      {
        name: `${createdLabel}: Tessera / bare ASOF`,
        value: median(createdRatios),
        unit: 'x',
        runs,
        target: { op: '<=', value: 1.3 },
        note: `per run: ${createdRatios.map((x) => x.toFixed(3)).join(', ')}`,
      },
      {
        name: `${createdLabel}: Tessera / bare ASOF, CPU time`,
        value: median(created.map((m) => m.cpuSeconds!)) / median(bare.map((m) => m.cpuSeconds!)),
        unit: 'x',
        runs,
        note: 'all threads; steadier than wall time when other work shares the cores',
      },
      {
        name: `${label}: compacted / one run, CPU time`,
        value: median(incremental.map((m) => m.cpuSeconds!)) / median(oneRun.map((m) => m.cpuSeconds!)),
        unit: 'x',
        runs,
      },
    ];
    return figures;
  },
};
