import fs from 'node:fs';
import path from 'node:path';
import { type BenchFigure, type BenchOptions, type BenchScenario, median } from '../scenario.js';
import { postJson, startTessera } from '../servers/processes.js';
import { layoutChild, type Measured as LayoutMeasured, runMeasured } from './offline-layout.js';
import { FULL, QUICK, pushOfflineBundle, pushedRows } from './push-offline-data.js';

const IN_FLIGHT = 8;
interface Measured extends LayoutMeasured {
  differing?: number;
}
const child = (script: string, args: string[], options: BenchOptions) => runMeasured<Measured>(script, args, options);
const layout = (args: string[], options: BenchOptions) => layoutChild<Measured>(args, options);

/**
 * Issue 13's offline push target: point-in-time retrieval after 10,000 single-row offline pushes to one
 * view, compacted, within 1.3x of the same rows committed by one run. The pushes go through POST /push
 * of `tessera serve` (8 in flight, `TESSERA_PUSH_COMMIT_MS=0` so each commit takes only what arrived
 * while the last one was written: many small snapshots, the worst case; the default 1 s window would
 * make fewer, larger ones). The server's own compaction is off so the files before compaction can be
 * counted; compaction then runs as offline-layout's does, pass after pass until a pass merges nothing.
 */
export const pushOffline: BenchScenario = {
  name: 'push-offline',
  description: 'point-in-time reads after 10,000 single-row offline pushes, compacted, vs the same rows committed by one run',
  async run(options) {
    const size = options.quick ? QUICK : FULL;
    const data = path.join(options.workDir, 'push-offline');
    fs.mkdirSync(data, { recursive: true });
    const rows = pushedRows(size);
    const bodies = rows.map((r) =>
      JSON.stringify({
        push_source_name: 'driver_push',
        df: { driver_id: [r.id], event_timestamp: [new Date(r.ts).toISOString()], conv_rate: [r.rate], trips: [r.trips] },
        to: 'offline',
      }),
    );
    const server = await startTessera({ dataDir: data, cpuProfDir: options.cpuProfDir, env: { TESSERA_PUSH_COMMIT_MS: '0', TESSERA_COMPACTION_INTERVAL_MS: '0' } });
    let pushSeconds: number;
    try {
      await postJson(`${server.url}/api/v1/apply`, pushOfflineBundle());
      let next = 0;
      const worker = async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const res = await fetch(`${server.url}/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
          await res.arrayBuffer();
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      pushSeconds = (performance.now() - started) / 1000;
    } finally {
      await server.stop();
    }
    const oneRun = await child('scenarios/push-offline-child.ts', ['one-run', data, options.quick ? 'quick' : 'full'], options);
    options.log(`push-offline: ${size.pushes} single-row offline pushes in ${pushSeconds.toFixed(1)} s; the same rows as one run ${oneRun.seconds.toFixed(1)} s`);
    const entities = path.join(data, 'entities.parquet');
    const out = { pushed: path.join(data, 'pushed.parquet'), one_run: path.join(data, 'one-run.parquet') };
    const before = await layout(['tessera', data, 'pushed', entities, out.pushed], options);
    options.log(`push-offline: before compaction, ${before.files} files: ${before.seconds.toFixed(2)} s`);
    // Compaction until a pass finds nothing left to merge (a condition, not a delay).
    let passes = 0;
    let merged = 0;
    let compactSeconds = 0;
    let left = 0;
    for (;;) {
      const pass = await layout(['compact', data, 'pushed'], options);
      passes++;
      compactSeconds += pass.seconds;
      left = pass.snapshots!;
      if (pass.merged === 0) break;
      merged += pass.merged!;
      if (passes > 20) throw new Error(`push-offline: compaction still merging after ${passes} passes`);
    }
    options.log(`push-offline: compaction ${compactSeconds.toFixed(1)} s over ${passes} pass(es), ${merged} merged snapshot(s); ${left} snapshot(s) left`);

    const pushed: Measured[] = [];
    const single: Measured[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      // Alternating which goes first, so neither always reads a warmer page cache.
      const first = r % 2 === 0;
      const b = first ? undefined : await layout(['tessera', data, 'one_run', entities, out.one_run], options);
      const a = await layout(['tessera', data, 'pushed', entities, out.pushed], options);
      const c = b ?? (await layout(['tessera', data, 'one_run', entities, out.one_run], options));
      pushed.push(a);
      single.push(c);
      ratios.push(a.seconds / c.seconds);
      options.log(`push-offline run ${r + 1}: compacted ${a.seconds.toFixed(2)} s (${a.files} files), one run ${c.seconds.toFixed(2)} s (${c.files}) = ${ratios[r].toFixed(3)}x`);
    }
    // The ratio compares the same work only if both answer the same rows: checked on the last pair.
    const compared = await child('scenarios/training-child.ts', ['compare', data, out.pushed, out.one_run], options);
    if (compared.differing !== 0 || pushed.at(-1)!.rows !== size.entityRows) {
      throw new Error(`push-offline: the compacted pushes and the one run answer differently (${compared.differing} rows in one and not the other)`);
    }
    const runs = options.runs;
    const label = `point-in-time ${size.entityRows / 1000}k entity rows after ${size.pushes.toLocaleString('en')} single-row offline pushes`;
    const seconds = (m: Measured[]) => median(m.map((x) => x.seconds));
    const figures: BenchFigure[] = [
      { name: `${label}: pushes/s`, value: size.pushes / pushSeconds, unit: 'req/s', runs: 1, note: `${IN_FLIGHT} in flight, TESSERA_PUSH_COMMIT_MS=0` },
      { name: `${label}: before compaction`, value: before.seconds, unit: 's', runs: 1, note: `${before.files} files` },
      { name: `${label}: compaction`, value: compactSeconds, unit: 's', runs: 1, note: `${passes} pass(es), ${merged} merged snapshot(s), ${left} left` },
      { name: `${label}: compacted`, value: seconds(pushed), unit: 's', runs, note: `${pushed.at(-1)!.files} files` },
      { name: `${label}: the same rows committed by one run`, value: seconds(single), unit: 's', runs },
      {
        name: `${label}: compacted / one run`,
        value: median(ratios),
        unit: 'x',
        runs,
        target: { op: '<=', value: 1.3 },
        note: `same answer (compared row by row); per run: ${ratios.map((x) => x.toFixed(3)).join(', ')}`,
      },
      {
        name: `${label}: compacted / one run, CPU time`,
        value: median(pushed.map((m) => m.cpuSeconds!)) / median(single.map((m) => m.cpuSeconds!)),
        unit: 'x',
        runs,
        note: 'all threads; steadier than wall time when other work shares the cores',
      },
    ];
    return figures;
  },
};
