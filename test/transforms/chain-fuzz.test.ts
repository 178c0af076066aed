import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column } from '../../server/columns/column.js';
import type { TransformStepSpec } from '../../server/domain/transform-spec.js';
import type { FeatureType } from '../../server/domain/value-type.js';
import { TesseraError } from '../../server/errors.js';
import { applyChain, chainOutputs, checkChain, fitChain } from '../../server/transforms/chain.js';
import { carriedRows, lcg, num, str, valuesOf } from './fixtures.js';
import { referenceChain } from './reference-chain.js';

/**
 * Random valid chains over random columns (nulls, repeats, all-null and constant columns): whatever
 * the data, the outputs equal those of a plain second implementation (reference-chain.ts), states
 * survive JSON, applyChain on the fit rows equals fitChain, chainOutputs names the outputs, and no
 * output is Infinity. The only error allowed is log1p meeting a value <= -1.
 */
const candidates: TransformStepSpec[] = [
  { kind: 'impute', spec: { strategy: 'mean' } },
  { kind: 'impute', spec: { strategy: 'median' } },
  { kind: 'impute', spec: { strategy: 'mode' } },
  { kind: 'impute', spec: { strategy: 'ffill', fallback: 'none' } },
  { kind: 'impute', spec: { strategy: 'ffill', fallback: 'median' } },
  { kind: 'impute', spec: { strategy: 'constant', value: 0 } },
  { kind: 'impute', spec: { strategy: 'constant', value: 'n/a' } },
  { kind: 'impute', spec: { strategy: 'constant', value: true } },
  { kind: 'scale', spec: { method: 'standard' } },
  { kind: 'scale', spec: { method: 'minmax' } },
  { kind: 'scale', spec: { method: 'robust' } },
  { kind: 'scale', spec: { method: 'maxabs' } },
  { kind: 'scale', spec: { method: 'log1p' } },
  { kind: 'encode', spec: { method: 'onehot', maxCategories: 3, unknown: 'other' } },
  { kind: 'encode', spec: { method: 'onehot', maxCategories: 20, unknown: 'zeros' } },
  { kind: 'encode', spec: { method: 'ordinal' } },
  { kind: 'encode', spec: { method: 'hash', buckets: 4 } },
  { kind: 'encode', spec: { method: 'frequency' } },
];

function randomColumn(type: FeatureType, n: number, rnd: () => number): Column {
  const shape = Math.floor(rnd() * 4); // 0: all null, 1: one value, 2: few values, 3: many
  const pick = (): number | null => (shape === 0 || rnd() < 0.3 ? null : shape === 1 ? 1 : Math.floor(rnd() * (shape === 2 ? 3 : 50)));
  if (type === 'string')
    return str(
      Array.from({ length: n }, () => {
        const v = pick();
        return v === null ? null : ['a', 'B', 'b!', '', 'é'][v % 5] + (v >= 5 ? v : '');
      }),
    );
  if (type === 'bool')
    return num(
      Array.from({ length: n }, () => {
        const v = pick();
        return v === null ? null : v % 2 === 0;
      }),
    );
  if (type === 'int64') return num(Array.from({ length: n }, pick));
  return num(
    Array.from({ length: n }, () => {
      const v = pick();
      return v === null ? null : v / 4;
    }),
  );
}

function isFfill(step: TransformStepSpec): boolean {
  return step.kind === 'impute' && step.spec.strategy === 'ffill';
}

function slice(column: Column, from: number, to: number): Column {
  const values = valuesOf(column).slice(from, to);
  return column.kind === 'string' ? str(values as (string | null)[]) : num(values as (number | null)[]);
}

describe('chains over random data', () => {
  it('keep their invariants', () => {
    const rnd = lcg(2024);
    const types: FeatureType[] = ['float64', 'int64', 'string', 'bool'];
    let tried = 0;
    let checked = 0;
    let skipped = 0;
    let ffillPairs = 0;
    for (let round = 0; round < 2000 && tried < 400; round++) {
      const type = types[Math.floor(rnd() * types.length)];
      const steps = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => candidates[Math.floor(rnd() * candidates.length)]);
      if (!checkChain(type, steps).ok) continue;
      tried++;
      const n = 1 + Math.floor(rnd() * 12);
      const column = randomColumn(type, n, rnd);
      const entities = Array.from({ length: n }, (_, i) => `e${Math.floor(i / 3)}`);
      let fitted: ReturnType<typeof fitChain>;
      try {
        fitted = fitChain('f', type, steps, column, carriedRows(entities));
      } catch (e) {
        // log1p after a centring step meets values <= -1: the one error the data may cause here.
        if (e instanceof TesseraError && e.code === 'transform_error' && /log1p needs/.test(e.message)) {
          skipped++;
          continue;
        }
        throw e;
      }
      const states: unknown[] = JSON.parse(JSON.stringify(fitted.states));
      const label = `${type} ${JSON.stringify(steps)} ${JSON.stringify(fitted.states)}`;
      assert.deepEqual(states, fitted.states, label);
      assert.deepEqual(applyChain('f', type, steps, states, column, carriedRows(entities)), fitted.outputs, label);
      assert.deepEqual(
        chainOutputs('f', type, steps, states)?.map((o) => o.name),
        fitted.outputs.map((o) => (o.suffix === '' ? 'f' : `f__${o.suffix}`)),
        label,
      );
      // Against the plain second implementation: the same values, column by column.
      const entering = steps.map((_, i) => (checkChain(type, steps.slice(0, i)) as { output: FeatureType }).output);
      const reference = referenceChain(entering, steps, valuesOf(column), entities);
      assert.equal(fitted.outputs.length, reference.length, label);
      fitted.outputs.forEach((o, k) => {
        const got = valuesOf(o.column);
        reference[k].forEach((want, i) => {
          const same = want === null || typeof want === 'string' ? got[i] === want : typeof got[i] === 'number' && Math.abs((got[i] as number) - want) <= 1e-9 * Math.max(1, Math.abs(want));
          assert.ok(same, `${label}: output ${k} row ${i} is ${got[i]}, the reference says ${want} (input ${JSON.stringify(valuesOf(column))})`);
        });
      });
      checked++;
      if (steps.filter(isFfill).length > 1) ffillPairs++;
      // Two batches joined by the carries (split anywhere, even inside an entity) equal one batch.
      const cut = Math.floor(rnd() * (n + 1));
      const carries = new Map<number, Map<string, number | string>>();
      const head = applyChain('f', type, steps, states, slice(column, 0, cut), carriedRows(entities.slice(0, cut), carries));
      const tail = applyChain('f', type, steps, states, slice(column, cut, n), carriedRows(entities.slice(cut), carries));
      fitted.outputs.forEach((o, k) => assert.deepEqual([...valuesOf(head[k].column), ...valuesOf(tail[k].column)], valuesOf(o.column), `${label} cut at ${cut}`));
      for (const o of fitted.outputs) {
        if (o.column.kind === 'numeric') for (const v of o.column.values) assert.ok(!(v === Infinity || v === -Infinity), label);
      }
    }
    assert.ok(tried >= 200, `only ${tried} valid chains were tried`);
    assert.equal(checked, tried - skipped, 'every other chain the engine fitted was checked against the reference');
    assert.ok(checked >= 200, `only ${checked} chains were checked against the reference`);
    assert.ok(ffillPairs >= 10, `only ${ffillPairs} chains with two ffill steps were checked`);
  });
});
