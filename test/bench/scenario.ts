/** A measured figure. Values are medians over `runs` runs; ratios compare against a baseline measured in the same run. */
export interface BenchFigure {
  /** e.g. `pipeline 1M rows: rows/s` */
  name: string;
  value: number;
  unit: string;
  runs: number;
  /** The target, when there is one: met when `value op target`. */
  target?: { op: '>=' | '<='; value: number };
  /** A published figure to compare with (Feast, Hopsworks), as text. */
  anchor?: string;
  note?: string;
}

export interface BenchOptions {
  /** Smoke size: seconds, not minutes; used by `npm test`. */
  quick: boolean;
  /** How many times to repeat each measurement (the median is reported). */
  runs: number;
  /** A scratch folder for data; removed afterwards by the harness. */
  workDir: string;
  log: (line: string) => void;
  /** When set, Tessera's processes (servers, pipeline runs) write CPU profiles here (`--cpu-prof`). */
  cpuProfDir?: string;
}

export interface BenchScenario {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchFigure[]>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
