import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { scriptArgs } from '../../support/node-child.js';
import { type BenchFigure, type BenchOptions, type BenchScenario, median } from '../scenario.js';
import { FULL, QUICK } from './training-data.js';

const ANCHOR = 'Hopsworks reports ~960,000 rows/s for a 10M-row point-in-time read; Feast users report hours for far smaller jobs';

interface Measured {
  seconds: number;
  cpuSeconds?: number;
  rows: number;
  maxRssMB: number;
  retrieveSeconds?: number;
  writeSeconds?: number;
  differing?: number;
}

/** Runs one measurement in a fresh Node process (its peak RSS is that measurement's alone). */
function child(args: string[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...scriptArgs(import.meta.url, './training-child.ts'), ...args],
      { maxBuffer: 1 << 20, env: { ...process.env, TESSERA_LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${args[0]} failed: ${stderr || error.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as Measured);
      },
    );
  });
}

/**
 * Training-dataset retrieval: 1,000,000 entity rows (100,000 ids, random instants over a year) against
 * 3 views of 5,000,000 rows each, answered as Parquet, measured against a bare DuckDB ASOF JOIN over
 * the same files with the same DuckDB settings, side by side (alternating) in one run. Also the
 * rows/s of the JSON, CSV and Arrow answers, and every measurement's peak RSS.
 */
export const training: BenchScenario = {
  name: 'training',
  description: 'point-in-time training dataset: 1M entity rows x 3 views of 5M rows, vs a bare DuckDB ASOF JOIN',
  async run(options: BenchOptions): Promise<BenchFigure[]> {
    const size = options.quick ? QUICK : FULL;
    const data = path.join(options.workDir, 'training');
    if (fs.existsSync(path.join(data, 'entities.parquet'))) options.log(`training: reusing the data in ${data}`);
    else {
      const generated = await child(['generate', data, options.quick ? 'quick' : 'full']);
      options.log(`training: generated ${size.views} x ${size.rowsPerView} feature rows in ${generated.seconds.toFixed(1)} s, ${size.entityRows} entity rows`);
    }
    const baseline: Measured[] = [];
    const tessera: Measured[] = [];
    for (let r = 0; r < options.runs; r++) {
      baseline.push(await child(['baseline', data, path.join(data, 'baseline.parquet')]));
      tessera.push(await child(['tessera', data, path.join(data, 'answer.parquet'), 'parquet']));
      options.log(
        `training run ${r + 1}: bare ASOF ${baseline[r].seconds.toFixed(2)} s (cpu ${baseline[r].cpuSeconds!.toFixed(2)}), Tessera ${tessera[r].seconds.toFixed(2)} s (cpu ${tessera[r].cpuSeconds!.toFixed(2)}; retrieve ${tessera[r].retrieveSeconds!.toFixed(2)} + write ${tessera[r].writeSeconds!.toFixed(2)})`,
      );
    }
    // The ratio compares the same work only if both answer the same rows: checked on the last pair.
    const compared = await child(['compare', data, path.join(data, 'baseline.parquet'), path.join(data, 'answer.parquet')]);
    if (compared.differing !== 0) throw new Error(`training: the bare ASOF JOIN and Tessera answer differently (${compared.differing} rows in one and not the other)`);
    const formats: Record<string, Measured[]> = { json: [], csv: [], arrow: [] };
    for (const format of Object.keys(formats)) {
      for (let r = 0; r < options.runs; r++) formats[format].push(await child(['tessera', data, path.join(data, `answer.${format}`), format]));
      options.log(`training ${format}: ${formats[format].map((m) => m.seconds.toFixed(2)).join(', ')} s`);
    }
    const seconds = (runs: Measured[]) => median(runs.map((m) => m.seconds));
    const perRunRatios = (of: (m: Measured) => number) => tessera.map((t, i) => of(t) / of(baseline[i]));
    const perRun = (of: (m: Measured) => number) => median(perRunRatios(of));
    const ratios = (of: (m: Measured) => number) =>
      perRunRatios(of)
        .map((x) => x.toFixed(3))
        .join(', ');
    const rows = size.entityRows;
    const label = `training ${size.entityRows / 1e6}M x ${size.views} views of ${size.rowsPerView / 1e6}M`;
    const runs = options.runs;
    const figures: BenchFigure[] = [
      { name: `${label}: Tessera to Parquet`, value: seconds(tessera), unit: 's', runs },
      { name: `${label}: bare DuckDB ASOF JOIN to Parquet`, value: seconds(baseline), unit: 's', runs },
      {
        name: `${label}: Tessera / bare ASOF`,
        value: perRun((m) => m.seconds),
        unit: 'x',
        runs,
        target: { op: '<=', value: 1.3 },
        note: `median of per-run ratios (each run measures both, side by side); same answer (compared row by row); per run: ${ratios((m) => m.seconds)}`,
      },
      {
        name: `${label}: Tessera / bare ASOF, CPU time`,
        value: perRun((m) => m.cpuSeconds!),
        unit: 'x',
        runs,
        note: `median of per-run ratios; all threads, steadier than wall time when other work shares the cores; per run: ${ratios((m) => m.cpuSeconds!)}`,
      },
      { name: `${label}: Tessera to Parquet rows/s`, value: rows / seconds(tessera), unit: 'rows/s', runs, anchor: ANCHOR },
      { name: `${label}: peak RSS, Tessera to Parquet`, value: Math.max(...tessera.map((m) => m.maxRssMB)), unit: 'MB', runs, target: { op: '<=', value: 2048 } },
      { name: `${label}: peak RSS, bare ASOF`, value: Math.max(...baseline.map((m) => m.maxRssMB)), unit: 'MB', runs },
    ];
    for (const [format, measured] of Object.entries(formats)) {
      figures.push({ name: `${label}: Tessera to ${format} rows/s`, value: rows / seconds(measured), unit: 'rows/s', runs, note: `peak RSS ${Math.max(...measured.map((m) => m.maxRssMB))} MB` });
    }
    return figures;
  },
};

export default training;
