import type { ColumnStatistics } from '../pipelines/run-store.js';
import type { Column } from './column.js';
import { HyperLogLog, hashNumber, hashString } from './hyperloglog.js';

const HISTOGRAM_BINS = 20;
const RESERVOIR = 65_536;
const TOP = 10;
/** Numeric columns keep exact value counts while they have this few distinct values (one-hot, ordinal, bool). */
const NUMERIC_TOP_LIMIT = 64;
const STRING_COUNT_LIMIT = 100_000;

/**
 * Statistics of one column over a stream of batches: count, nulls, min, max, mean, population std
 * (merged per batch, Chan et al.), a distinct estimate (HyperLogLog), top values, and a 20-bin
 * histogram over [min, max]. The histogram is exact up to 65,536 values; beyond, it is drawn from a
 * uniform reservoir sample (seeded, so runs are reproducible) and scaled, and says `estimated`.
 */
export class StatsAccumulator {
  constructor(private readonly kind: Column['kind']) {}

  private count = 0;
  private nulls = 0;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly hll = new HyperLogLog();
  private numericCounts: Map<number, number> | null = new Map();
  private readonly stringCounts = new Map<string, number>();
  private stringCountsComplete = true;
  private readonly reservoir = new Float64Array(RESERVOIR);
  private seen = 0;
  private seed = 0x2545f491;
  private readonly scratch = new Float64Array(1);
  private readonly words = new Int32Array(this.scratch.buffer);

  add(column: Column): void {
    if (column.kind === 'numeric') this.addNumeric(column.values);
    else this.addStrings(column.codes, column.dictionary);
  }

  result(): ColumnStatistics {
    const isString = this.kind === 'string';
    const top = isString ? topOf(this.stringCounts) : this.numericCounts ? topOf(this.numericCounts) : [];
    return {
      count: this.count,
      nulls: this.nulls,
      min: this.n > 0 && !isString ? this.min : null,
      max: this.n > 0 && !isString ? this.max : null,
      mean: this.n > 0 && !isString ? this.mean : null,
      std: this.n > 0 && !isString ? Math.sqrt(this.m2 / this.n) : null,
      distinct: isString && this.stringCountsComplete ? this.stringCounts.size : this.numericCounts && !isString ? this.numericCounts.size : this.hll.estimate(),
      top,
      histogram: isString || this.n === 0 ? null : this.histogram(),
    };
  }

  private addNumeric(values: Float64Array): void {
    let n = 0;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.count += values.length;
    this.nulls += values.length - n;
    if (n === 0) return;
    const batchMean = sum / n;
    let m2 = 0;
    const counts = this.numericCounts;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      m2 += (v - batchMean) * (v - batchMean);
      this.hll.addHash(hashNumber(v, this.scratch, this.words));
      this.sample(v);
      if (counts) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    if (counts && counts.size > NUMERIC_TOP_LIMIT) this.numericCounts = null;
    const total = this.n + n;
    const delta = batchMean - this.mean;
    this.m2 += m2 + (delta * delta * this.n * n) / total;
    this.mean += (delta * n) / total;
    this.n = total;
    this.min = min;
    this.max = max;
  }

  private addStrings(codes: Int32Array, dictionary: readonly string[]): void {
    const perCode = new Float64Array(dictionary.length);
    let nulls = 0;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < 0) nulls++;
      else perCode[codes[i]]++;
    }
    this.count += codes.length;
    this.nulls += nulls;
    this.numericCounts = null;
    for (let c = 0; c < dictionary.length; c++) {
      if (perCode[c] === 0) continue;
      const value = dictionary[c];
      this.hll.addHash(hashString(value));
      const known = this.stringCounts.get(value);
      if (known !== undefined) this.stringCounts.set(value, known + perCode[c]);
      else if (this.stringCounts.size < STRING_COUNT_LIMIT) this.stringCounts.set(value, perCode[c]);
      else this.stringCountsComplete = false;
    }
  }

  /** Reservoir sampling (algorithm R) with a xorshift generator. */
  private sample(v: number): void {
    if (this.seen < RESERVOIR) this.reservoir[this.seen] = v;
    else {
      this.seed ^= this.seed << 13;
      this.seed ^= this.seed >>> 17;
      this.seed ^= this.seed << 5;
      const j = (this.seed >>> 0) % (this.seen + 1);
      if (j < RESERVOIR) this.reservoir[j] = v;
    }
    this.seen++;
  }

  private histogram(): ColumnStatistics['histogram'] {
    const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
    const sampled = Math.min(this.seen, RESERVOIR);
    const width = (this.max - this.min) / HISTOGRAM_BINS;
    for (let i = 0; i < sampled; i++) {
      const bin = width === 0 ? 0 : Math.min(HISTOGRAM_BINS - 1, Math.floor((this.reservoir[i] - this.min) / width));
      counts[bin]++;
    }
    const estimated = this.seen > RESERVOIR;
    if (estimated) {
      const scale = this.n / sampled;
      for (let b = 0; b < HISTOGRAM_BINS; b++) counts[b] = Math.round(counts[b] * scale);
    }
    return { min: this.min, max: this.max, counts, estimated };
  }
}

function topOf<K extends string | number>(counts: Map<K, number>): { value: K; count: number }[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, TOP)
    .map(([value, count]) => ({ value, count }));
}
