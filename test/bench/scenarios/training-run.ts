/**
 * Runs the training scenario alone, until the shared harness (issue 6) does:
 *   node --import tsx test/bench/scenarios/training-run.ts [--quick] [--runs N] [--work-dir DIR]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { training } from './training.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, runs: { type: 'string' }, 'work-dir': { type: 'string' } } });
const workDir = values['work-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
try {
  const figures = await training.run({ quick: values.quick === true, runs: Number(values.runs ?? 3), workDir, log: (line) => console.log(line) });
  for (const f of figures) {
    const value = f.unit === 'rows/s' ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(f.unit === 'x' ? 3 : 2);
    const target = f.target ? ` (target ${f.target.op} ${f.target.value}: ${(f.target.op === '<=' ? f.value <= f.target.value : f.value >= f.target.value) ? 'met' : 'MISSED'})` : '';
    console.log(`${f.name}: ${value} ${f.unit}${target}${f.note ? `; ${f.note}` : ''}`);
  }
} finally {
  if (!values['work-dir']) fs.rmSync(workDir, { recursive: true, force: true });
}
