import type { TransformStepSpec } from '../../server/domain/transform-spec.js';
import type { FeatureType } from '../../server/domain/value-type.js';

/**
 * A second, deliberately plain implementation of transform chains (arrays of JS values, one step at a
 * time, straight from docs/transforms.md), so the fuzz test compares the engine with something other
 * than itself. Fitting and applying happen on the same rows, as a first run does. Values: numbers
 * (bool as 1/0), strings, null. Outputs: one column per output, in order (one-hot: the fitted
 * categories, then `other`); their names are not modelled (test/transforms/encode-onehot.test.ts has them).
 */
export type Value = number | string | null;

const nonNull = (xs: Value[]) => xs.filter((x): x is number | string => x !== null);

/** numpy.quantile, linear, with numpy's interpolation formula. */
function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const h = q * (sorted.length - 1);
  const i = Math.floor(h);
  const t = h - i;
  const a = sorted[i];
  const b = sorted[Math.min(i + 1, sorted.length - 1)];
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!);
function codePointCompare(a: string, b: string): number {
  const [x, y] = [codePoints(a), codePoints(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** A category's canonical string: int64 in decimal, bool as true/false. */
const canonical = (type: FeatureType, v: number | string) => (type === 'bool' ? (v === 1 ? 'true' : 'false') : String(v));

/** Categories most frequent first, ties in code-point order. */
function rankedCategories(type: FeatureType, xs: Value[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const x of nonNull(xs)) counts.set(canonical(type, x), (counts.get(canonical(type, x)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || codePointCompare(a[0], b[0]));
}

function mode(type: FeatureType, xs: Value[]): Value {
  const present = nonNull(xs);
  if (present.length === 0) return type === 'string' ? '' : 0;
  if (type === 'string') return rankedCategories(type, xs)[0][0];
  const counts = new Map<number, number>();
  for (const x of present as number[]) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

const affine = (xs: Value[], shift: number, scale: number): Value[] => xs.map((x) => (x === null ? null : scale === 0 ? 0 : ((x as number) - shift) / scale));

/** One step, fitted on `xs` and applied to them; `entities` name each row's entity (contiguous). */
function step(type: FeatureType, s: TransformStepSpec, xs: Value[], entities: string[]): Value[][] {
  const numbers = nonNull(xs) as number[];
  const mean = numbers.length ? numbers.reduce((a, b) => a + b, 0) / numbers.length : 0;
  const median = numbers.length ? quantile(numbers, 0.5) : 0;
  if (s.kind === 'impute') {
    const fill = (v: Value) => [xs.map((x) => (x === null ? v : x))];
    switch (s.spec.strategy) {
      case 'mean':
        return fill(mean);
      case 'median':
        return fill(median);
      case 'mode':
        return fill(mode(type, xs));
      case 'constant':
        return fill(typeof s.spec.value === 'boolean' ? (s.spec.value ? 1 : 0) : s.spec.value);
      case 'ffill': {
        // The last value observed for the same entity earlier; else the fallback (never carried on).
        const last = new Map<string, Value>();
        const fallback = s.spec.fallback === 'median' ? median : null;
        return [
          xs.map((x, i) => {
            if (x !== null) {
              last.set(entities[i], x);
              return x;
            }
            return last.get(entities[i]) ?? fallback;
          }),
        ];
      }
    }
  }
  if (s.kind === 'scale') {
    switch (s.spec.method) {
      case 'standard': {
        const std = numbers.length ? Math.sqrt(numbers.reduce((a, x) => a + (x - mean) ** 2, 0) / numbers.length) : 0;
        return [affine(xs, mean, std)];
      }
      case 'minmax': {
        const [min, max] = numbers.length ? [Math.min(...numbers), Math.max(...numbers)] : [0, 0];
        return [affine(xs, min, max - min)];
      }
      case 'robust':
        return [affine(xs, median, numbers.length ? quantile(numbers, 0.75) - quantile(numbers, 0.25) : 0)];
      case 'maxabs':
        return [affine(xs, 0, numbers.length ? Math.max(...numbers.map(Math.abs)) : 0)];
      case 'log1p':
        if (numbers.some((x) => x <= -1)) throw new Error('log1p needs values greater than -1');
        return [xs.map((x) => (x === null ? null : Math.log1p(x as number)))];
    }
  }
  const ranked = rankedCategories(type, xs);
  const key = (x: number | string) => canonical(type, x);
  const spec = s.spec;
  switch (spec.method) {
    case 'onehot': {
      const categories = ranked.slice(0, spec.maxCategories).map(([c]) => c);
      const columns = categories.map((c) => xs.map((x) => (x !== null && key(x) === c ? 1 : 0)));
      if (spec.unknown === 'other') columns.push(xs.map((x) => (x !== null && !categories.includes(key(x)) ? 1 : 0)));
      return columns;
    }
    case 'ordinal':
      return [xs.map((x) => (x === null ? null : ranked.findIndex(([c]) => c === key(x))))];
    case 'frequency': {
      const n = nonNull(xs).length;
      return [xs.map((x) => (x === null ? null : (ranked.find(([c]) => c === key(x))?.[1] ?? 0) / n))];
    }
    case 'hash':
      return [xs.map((x) => (x === null ? null : fnv1a32(key(x)) % spec.buckets))];
  }
  throw new Error(`no reference for ${JSON.stringify(s)}`);
}

/** The chain's outputs on its fit rows; `types[i]` is the type entering step i (checkChain's walk). */
export function referenceChain(types: FeatureType[], steps: readonly TransformStepSpec[], input: Value[], entities: string[]): Value[][] {
  let columns: Value[][] = [input];
  steps.forEach((s, i) => {
    columns = step(types[i], s, columns[0], entities);
  });
  return columns;
}
