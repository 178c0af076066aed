import type { ColumnStatistics } from '../domain/snapshot.js';
import type { Column } from './column.js';
import { HyperLogLog, hashNumber, hashString } from './hyperloglog.js';
import { SmallCounts } from './small-counts.js';

const HISTOGRAM_BINS = 20;
const RESERVOIR = 16_384;
const TOP = 10;
const STRING_COUNT_LIMIT = 100_000;

/**
 * Statistics of one column over a stream of batches: count, nulls, min, max, mean, population std
 * (merged per batch, Chan et al.), distinct values (exact while there are at most 64, else a
 * HyperLogLog estimate), top values, and a 20-bin histogram over [min, max]. The histogram is exact
 * when the values were counted exactly or number at most 16,384; beyond, it is drawn from a uniform
 * reservoir sample (seeded, so runs are reproducible), scaled, and says `estimated`.
 */
export class StatsAccumulator {
  /**
   * `binary`: the column holds only 0 and 1, never null (one-hot outputs): its statistics follow from
   * the count of ones, so a batch costs one summing pass.
   */
  constructor(
    private readonly kind: Column['kind'],
    private readonly options: { binary?: boolean } = {},
  ) {}

  private count = 0;
  private nulls = 0;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly hll = new HyperLogLog();
  /** Exact counts while the column has few distinct values; then null, and HyperLogLog takes over. */
  private numericCounts: SmallCounts | null = new SmallCounts();
  private readonly stringCounts = new Map<string, number>();
  private stringCountsComplete = true;
  private readonly reservoir = new Float64Array(RESERVOIR);
  private seen = 0;
  private seed = 0x2545f491;
  private w = Math.exp(Math.log(this.random()) / RESERVOIR);
  private nextReplace = RESERVOIR + Math.floor(Math.log(this.random()) / Math.log(1 - this.w));
  private readonly scratch = new Float64Array(1);
  private readonly words = new Int32Array(this.scratch.buffer);

  add(column: Column): void {
    if (column.kind === 'numeric' && this.options.binary) this.addBinary(column.values);
    else if (column.kind === 'numeric') this.addNumeric(column.values);
    else this.addStrings(column.codes, column.dictionary);
  }

  result(): ColumnStatistics {
    const isString = this.kind === 'string';
    const top = isString ? topOf(this.stringCounts) : this.numericCounts ? topOf(new Map(this.numericCounts.entries())) : [];
    return {
      count: this.count,
      nulls: this.nulls,
      min: this.n > 0 && !isString ? this.min : null,
      max: this.n > 0 && !isString ? this.max : null,
      mean: this.n > 0 && !isString ? this.mean : null,
      std: this.n > 0 && !isString ? Math.sqrt(this.m2 / this.n) : null,
      distinct: isString ? (this.stringCountsComplete ? this.stringCounts.size : this.hll.estimate()) : this.numericCounts ? this.numericCounts.size : this.hll.estimate(),
      top,
      histogram: isString || this.n === 0 ? null : this.histogram(),
    };
  }

  private addBinary(values: Float64Array): void {
    let ones = 0;
    for (let i = 0; i < values.length; i++) ones += values[i];
    const n = values.length;
    if (n === 0) return;
    if (ones !== (ones | 0) || ones < 0 || ones > n) {
      this.addNumeric(values);
      return;
    }
    this.addOnes(n, ones);
  }

  /** A batch of `n` values of a binary column, `ones` of them 1 and the rest 0 (a compact one-hot column). */
  addOnes(n: number, ones: number): void {
    if (n === 0) return;
    const counts = this.numericCounts!;
    counts.direct[0] += n - ones;
    counts.direct[1] += ones;
    counts.size = (counts.direct[0] > 0 ? 1 : 0) + (counts.direct[1] > 0 ? 1 : 0);
    this.count += n;
    const batchMean = ones / n;
    const m2 = ones * (1 - batchMean) * (1 - batchMean) + (n - ones) * batchMean * batchMean;
    if (ones < n) this.min = Math.min(this.min, 0);
    if (ones > 0) this.max = Math.max(this.max, 1);
    if (ones === n) this.min = Math.min(this.min, 1);
    if (ones === 0) this.max = Math.max(this.max, 0);
    const total = this.n + n;
    const delta = batchMean - this.mean;
    this.m2 += m2 + (delta * delta * this.n * n) / total;
    this.mean += (delta * n) / total;
    this.n = total;
  }

  private addNumeric(values: Float64Array): void {
    // One pass: moments around the batch's first value (stable enough for a sum of squares), extremes,
    // exact counts or the distinct estimate, and the sample.
    let n = 0;
    let sum = 0;
    let sumsq = 0;
    let shift = NaN;
    let min = this.min;
    let max = this.max;
    let counts = this.numericCounts;
    const direct = counts?.direct;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      if (shift !== shift) shift = v;
      const d = v - shift;
      n++;
      sum += d;
      sumsq += d * d;
      if (v < min) min = v;
      if (v > max) max = v;
      if (counts !== null) {
        // Small non-negative integers (one-hot, ordinal, bool: most counted values) inline.
        if (v >= 0 && v < 64 && (v | 0) === v && (direct![v] > 0 || counts.size < SmallCounts.LIMIT)) {
          if (direct![v]++ === 0) counts.size++;
          continue;
        }
        if (counts.addOther(v)) continue;
        counts = this.overflow(counts);
      }
      this.hll.addHash(hashNumber(v, this.scratch, this.words));
      if (this.seen < RESERVOIR) this.reservoir[this.seen] = v;
      else if (this.seen === this.nextReplace) this.replace(v);
      this.seen++;
    }
    this.count += values.length;
    this.nulls += values.length - n;
    if (n === 0) return;
    const batchMean = shift + sum / n;
    const m2 = Math.max(0, sumsq - (sum * sum) / n);
    const total = this.n + n;
    const delta = batchMean - this.mean;
    this.m2 += m2 + (delta * delta * this.n * n) / total;
    this.mean += (delta * n) / total;
    this.n = total;
    this.min = min;
    this.max = max;
  }

  /**
   * The column has more distinct values than can be counted exactly: from here on, a distinct estimate
   * and a sample. Both start from the exact counts so far (HyperLogLog ignores repeats; the sample
   * gets each value in proportion to its count).
   */
  private overflow(counts: SmallCounts): null {
    const entries = counts.entries();
    const seen = entries.reduce((t, [, c]) => t + c, 0);
    const room = Math.min(seen, RESERVOIR);
    let at = 0;
    for (const [value, count] of entries) {
      this.hll.addHash(hashNumber(value, this.scratch, this.words));
      const share = Math.round((count / seen) * room);
      for (let k = 0; k < share && at < room; k++) this.reservoir[at++] = value;
    }
    this.seen = seen;
    // What rounding left empty repeats the last value counted (the sample stays the right size).
    for (; at < room; at++) this.reservoir[at] = this.reservoir[at - 1];
    if (seen >= RESERVOIR) this.nextReplace = Math.max(this.nextReplace, seen);
    this.numericCounts = null;
    return null;
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

  /**
   * Reservoir sampling, Li's algorithm L: instead of a random draw per value, it draws how many values
   * to skip before the next replacement, so the hot loop pays one comparison per value.
   */
  private replace(v: number): void {
    this.reservoir[Math.floor(this.random() * RESERVOIR)] = v;
    this.w *= Math.exp(Math.log(this.random()) / RESERVOIR);
    this.nextReplace += Math.floor(Math.log(this.random()) / Math.log(1 - this.w)) + 1;
  }

  /** mulberry32: seeded, so a run's statistics are reproducible. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) >>> 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  }

  private histogram(): ColumnStatistics['histogram'] {
    const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
    const width = (this.max - this.min) / HISTOGRAM_BINS;
    const bin = (v: number) => (width === 0 ? 0 : Math.min(HISTOGRAM_BINS - 1, Math.floor((v - this.min) / width)));
    if (this.numericCounts) {
      for (const [value, count] of this.numericCounts.entries()) counts[bin(value)] += count;
      return { min: this.min, max: this.max, counts, estimated: false };
    }
    const sampled = Math.min(this.seen, RESERVOIR);
    for (let i = 0; i < sampled; i++) counts[bin(this.reservoir[i])]++;
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
