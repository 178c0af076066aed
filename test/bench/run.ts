/**
 * `npm run bench [-- <scenario>...] [--quick] [--runs N] [--out FILE] [--json FILE] [--cpu-prof DIR] [--keep]`
 * Runs the scenarios (all by default), prints a table and writes BENCHMARKS.md at the repo root.
 * `npm run bench` runs it compiled (scripts/bench.sh), so the servers it measures run what dist/ does. A
 * smoke run (`--quick`) or a subset of scenarios writes its report to a temp file instead, so the
 * full run's report is never replaced by a partial one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../server/paths.js';
import { type ScenarioResult, textTable } from './format.js';
import { describeMachine } from './machine.js';
import { writeReport } from './report.js';
import { scenarios } from './scenarios/index.js';
import { stopAllServers } from './servers/processes.js';

const REPO = packageRoot();
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    out: { type: 'string' },
    json: { type: 'string' },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${values.runs}`);
// A name picks its scenario, or every scenario it is the first word of: `online` runs online-sdk, online-http, online-under-load and online-redis.
const picks = (name: string, scenario: { name: string }) => scenario.name === name || scenario.name.startsWith(`${name}-`);
const unknown = positionals.filter((name) => !scenarios.some((s) => picks(name, s)));
if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; the scenarios are ${scenarios.map((s) => s.name).join(', ')}`);
const chosen = positionals.length ? scenarios.filter((s) => positionals.some((name) => picks(name, s))) : scenarios;
const complete = !values.quick && chosen.length === scenarios.length;
const defaultOut = complete ? path.join(REPO, 'BENCHMARKS.md') : path.join(os.tmpdir(), `tessera-bench-${values.quick ? 'quick-' : ''}${process.pid}.md`);
const out = path.resolve(values.out ?? defaultOut);
if (values.quick && out === path.join(REPO, 'BENCHMARKS.md')) throw new Error('--quick figures are not the benchmark: they never replace BENCHMARKS.md');
const cpuProfDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;

const args = process.argv.slice(2);
// Run by hand, from source (through tsx) or compiled (`node .bench-build/test/bench/run.js`): the report says which.
const script = path.relative(REPO, fileURLToPath(import.meta.url));
const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
    : `node ${script.endsWith('.ts') ? '--import tsx ' : ''}${script}${args.length ? ` ${args.join(' ')}` : ''}`;
const machine = describeMachine();
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const t0 = performance.now();

// Interrupted: stop the servers the scenarios started and remove the scratch data.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAllServers().finally(() => {
      if (!values.keep) fs.rmSync(workDir, { recursive: true, force: true });
      process.exit(130);
    });
  });
}

log(
  `${command}: ${chosen.map((s) => s.name).join(', ')}; ${runs} run(s); ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${machine.loadAtStart.join(', ')}; scratch ${workDir}`,
);
const results: ScenarioResult[] = [];
try {
  for (const scenario of chosen) {
    const started = performance.now();
    log(`== ${scenario.name}: ${scenario.description}`);
    const result: ScenarioResult = { scenario: scenario.name, description: scenario.description, figures: [], seconds: 0 };
    try {
      result.figures = await scenario.run({ quick: values.quick === true, runs, workDir, log, cpuProfDir });
      const broken = result.figures.filter((f) => !Number.isFinite(f.value));
      if (broken.length) throw new Error(`figures without a finite value: ${broken.map((f) => f.name).join('; ')}`);
    } catch (e) {
      // One broken scenario must not cost the others' figures.
      result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      log(`${scenario.name} FAILED: ${result.error}`);
      await stopAllServers();
    }
    result.seconds = (performance.now() - started) / 1000;
    log(`== ${scenario.name}: ${result.seconds.toFixed(0)} s`);
    results.push(result);
  }
} finally {
  if (!values.keep) fs.rmSync(workDir, { recursive: true, force: true });
}

const minutes = (performance.now() - t0) / 60_000;
console.log(`\n${textTable(results)}\n`);
const findingsFile = path.join(REPO, 'test/bench/FINDINGS.md');
writeReport(out, {
  machine,
  loadAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  command,
  compiled: !script.endsWith('.ts'),
  runs,
  quick: values.quick === true,
  minutes,
  results,
  findings: complete && fs.existsSync(findingsFile) ? fs.readFileSync(findingsFile, 'utf8') : undefined,
});
if (values.json) fs.writeFileSync(values.json, JSON.stringify({ machine, command, runs, quick: values.quick, results }, null, 2));
console.log(`report: ${out}${values.keep ? `; scratch data kept in ${workDir}` : ''}; ${minutes.toFixed(1)} minutes`);
process.exitCode = results.some((r) => r.error) ? 1 : 0;
