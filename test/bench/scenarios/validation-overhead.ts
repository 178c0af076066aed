import fs from 'node:fs';
import path from 'node:path';
import { runChild } from '../child.js';
import { pipelineBundle, pipelineCsv } from '../data.js';
import { type BenchFigure, type BenchOptions, type BenchScenario, median } from '../scenario.js';

interface PipelineRun {
  status: string;
  error: string | null;
  rows: number;
  seconds: number;
  steps: { name: string; ms: number }[];
}

const SIZES = { full: 1_000_000, quick: 20_000 };
const CARS = Array.from({ length: 20 }, (_, i) => `model_${String.fromCharCode(97 + i)}`);

/**
 * The pipeline benchmark's view with an expectation of every kind that applies on every feature, and
 * every view-level one (warn: the run commits whatever they find). The bounds hold for the generated
 * data except the null fractions, so failing rows are collected too.
 */
function checkedBundle(csv: string, options: { online: boolean }) {
  const bundle = pipelineBundle(csv, options);
  const view = bundle.featureViews[0];
  const numeric = { maxNullFraction: 0.01, min: -200, max: 800 };
  return {
    ...bundle,
    featureViews: [
      {
        ...view,
        validation: { policy: 'warn' as const, rowCount: { min: 1 }, uniqueKeys: true, maxLag: '3650d' },
        features: view.features.map((f) =>
          f.type === 'string'
            ? { ...f, expect: { notNull: true, allowedValues: CARS, regex: '^model_[a-t]$' } }
            : { ...f, expect: f.name === 'trips' ? { maxNullFraction: 0.1, min: 0, max: 49 } : numeric },
        ),
      },
    ],
  };
}

async function runOnce(options: BenchOptions, csv: string, name: string, bundle: (csv: string, o: { online: boolean }) => unknown): Promise<PipelineRun> {
  const dir = path.join(options.workDir, 'validation', name);
  fs.mkdirSync(dir, { recursive: true });
  const bundleFile = path.join(dir, 'bundle.json');
  fs.writeFileSync(bundleFile, JSON.stringify(bundle(csv, { online: false })));
  try {
    const run = await runChild<PipelineRun>('pipeline-child.ts', [path.join(dir, 'data'), bundleFile, 'bench_view'], {
      timeoutMs: 600_000,
      cpuProfDir: options.cpuProfDir,
      env: { TESSERA_SOURCE_ROOTS: path.dirname(csv) },
    });
    if (run.status !== 'succeeded') throw new Error(`the pipeline run ${run.status}: ${run.error}`);
    return run;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Issue 14's target: validation adds at most 15% to the pipeline benchmark's run (1M rows x 10
 * columns to Parquet), with expectations on every feature. Runs with and without them alternate, each
 * in a fresh process; the ratio is taken within each pair.
 */
export const validationOverhead: BenchScenario = {
  name: 'validation',
  description: "the pipeline benchmark's run with expectations on every feature against the same run without: time ratio",
  async run(options) {
    const rows = options.quick ? SIZES.quick : SIZES.full;
    const csv = pipelineCsv(options.workDir, rows);
    const ratios: number[] = [];
    const validateMs: number[] = [];
    for (let r = 0; r < options.runs; r++) {
      const plain = await runOnce(options, csv, `plain-${r + 1}`, pipelineBundle);
      const checked = await runOnce(options, csv, `checked-${r + 1}`, checkedBundle);
      ratios.push(checked.seconds / plain.seconds);
      validateMs.push(checked.steps.find((s) => s.name === 'validate')?.ms ?? 0);
      options.log(`validation run ${r + 1}: without ${plain.seconds.toFixed(2)} s, with ${checked.seconds.toFixed(2)} s (${ratios[r].toFixed(3)}x), validate step ${Math.round(validateMs[r])} ms`);
    }
    const figure: BenchFigure = {
      name: `pipeline ${rows.toLocaleString('en-US')} rows with expectations on every feature / without: time`,
      value: median(ratios),
      unit: 'x',
      runs: options.runs,
      target: { op: '<=', value: 1.15 },
      note: `per pair: ${ratios.map((x) => x.toFixed(3)).join(', ')}; median validate step ${Math.round(median(validateMs))} ms`,
    };
    return [figure];
  },
};
