import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column } from '../../server/columns/column.js';
import type { TransformStepSpec } from '../../server/domain/transform-spec.js';
import type { FeatureType } from '../../server/domain/value-type.js';
import { applyChain, chainOutputs, checkChain, fitChain } from '../../server/transforms/chain.js';
import { num, rowsOf, singleRows, str, valuesOf } from './fixtures.js';

const mean: TransformStepSpec = { kind: 'impute', spec: { strategy: 'mean' } };
const standard: TransformStepSpec = { kind: 'scale', spec: { method: 'standard' } };
const onehot = (unknown: 'zeros' | 'other' = 'zeros'): TransformStepSpec => ({ kind: 'encode', spec: { method: 'onehot', maxCategories: 20, unknown } });
const ordinal: TransformStepSpec = { kind: 'encode', spec: { method: 'ordinal' } };
const constant = (value: number | string | boolean): TransformStepSpec => ({ kind: 'impute', spec: { strategy: 'constant', value } });

function failure(type: FeatureType, steps: TransformStepSpec[], feature?: string): { step: number; message: string } {
  const check = checkChain(type, steps, feature);
  assert.ok(!check.ok, 'the chain should be refused');
  return { step: check.step, message: check.message };
}

describe('checkChain', () => {
  it('follows the type through the steps', () => {
    assert.deepEqual(checkChain('int64', [mean, standard]), { ok: true, output: 'float64' });
    assert.deepEqual(checkChain('string', [constant('unknown'), ordinal]), { ok: true, output: 'int64' });
    assert.deepEqual(checkChain('string', [{ kind: 'encode', spec: { method: 'frequency' } }, standard]), { ok: true, output: 'float64' });
    assert.deepEqual(checkChain('bool', [{ kind: 'impute', spec: { strategy: 'mode' } }, onehot()]), { ok: true, output: 'onehot' });
    assert.deepEqual(checkChain('float64', []), { ok: true, output: 'float64' });
  });

  it('refuses scale on a string, naming the feature', () => {
    assert.deepEqual(failure('string', [standard], 'car_type'), {
      step: 0,
      message: "scale standard needs a numeric feature (float64 or int64), but 'car_type' is string at this step",
    });
  });

  it('refuses one-hot on a float, and says why', () => {
    const f = failure('int64', [mean, onehot()], 'price');
    assert.equal(f.step, 1);
    assert.match(f.message, /encode onehot needs categories .*'price' is float64 at this step.*not categories/);
  });

  it('refuses any step after one-hot', () => {
    const f = failure('string', [onehot(), constant(0)]);
    assert.equal(f.step, 1);
    assert.match(f.message, /must be the last step/);
  });

  it('refuses mean, median and ffill fallback median on non-numeric types', () => {
    assert.equal(failure('bool', [mean]).step, 0);
    assert.equal(failure('string', [{ kind: 'impute', spec: { strategy: 'median' } }]).step, 0);
    assert.match(failure('string', [{ kind: 'impute', spec: { strategy: 'ffill', fallback: 'median' } }]).message, /fallback 'median' needs a numeric feature/);
    assert.deepEqual(checkChain('string', [{ kind: 'impute', spec: { strategy: 'ffill', fallback: 'none' } }]), { ok: true, output: 'string' });
  });

  it('checks the constant against the type at its step', () => {
    assert.ok(checkChain('float64', [constant(1.5)]).ok);
    assert.ok(checkChain('int64', [constant(3)]).ok);
    assert.ok(checkChain('string', [constant('x')]).ok);
    assert.ok(checkChain('bool', [constant(false)]).ok);
    assert.match(failure('int64', [constant(1.5)], 'n').message, /1\.5 must be an integer, because 'n' is int64/);
    assert.match(failure('string', [constant(3)]).message, /must be a string/);
    assert.match(failure('bool', [constant(1)]).message, /must be true or false/);
    assert.match(failure('float64', [constant('1')]).message, /must be a number/);
    // after mean, an int64 feature is float64, so 1.5 fits
    assert.ok(checkChain('int64', [mean, constant(1.5)]).ok);
  });
});

describe('fitChain', () => {
  it('fits each step on the output of the one before: scale after impute sees no null', () => {
    // impute mean of [1, 2, 4] = 7/3 -> [1, 7/3, 2, 4]; standard then fits over four values
    const m = 7 / 3;
    const filled = [1, m, 2, 4];
    const mean2 = (1 + m + 2 + 4) / 4;
    const std2 = Math.sqrt(filled.reduce((s, x) => s + (x - mean2) ** 2, 0) / 4);
    const { states, outputs } = fitChain('f', 'int64', [mean, standard], num([1, null, 2, 4]), singleRows(4));
    assert.deepEqual(states[0], { value: m });
    const scaled = states[1] as { mean: number; std: number };
    assert.ok(Math.abs(scaled.mean - mean2) < 1e-15 && Math.abs(scaled.std - std2) < 1e-15);
    assert.equal(outputs.length, 1);
    assert.equal(outputs[0].suffix, '');
    assert.equal(outputs[0].type, 'float64');
    const out = valuesOf(outputs[0].column) as number[];
    filled.forEach((x, i) => assert.ok(Math.abs(out[i] - (x - mean2) / std2) < 1e-12, `row ${i}`));
  });

  it('gives one-hot columns as the outputs', () => {
    const { outputs } = fitChain('car', 'string', [constant('unknown'), onehot('other')], str(['suv', null, 'suv']), singleRows(3));
    assert.deepEqual(
      outputs.map((o) => [o.suffix, o.type, valuesOf(o.column)]),
      [
        ['suv', 'int64', [1, 0, 1]],
        ['unknown', 'int64', [0, 1, 0]],
        ['other', 'int64', [0, 0, 0]],
      ],
    );
  });

  it('refuses an invalid chain and a column of the wrong shape', () => {
    assert.throws(() => fitChain('f', 'string', [standard], str(['a']), singleRows(1)), { code: 'validation', message: /transforms\[0\]/ });
    assert.throws(() => fitChain('f', 'string', [], num([1]), singleRows(1)), { code: 'internal' });
  });

  it('passes the feature name into transform errors', () => {
    assert.throws(() => fitChain('trip_km', 'float64', [{ kind: 'scale', spec: { method: 'log1p' } }], num([3, -4]), singleRows(2)), {
      code: 'transform_error',
      message: /'trip_km'.*-4/,
    });
  });
});

const chains: { name: string; type: FeatureType; steps: TransformStepSpec[]; column: () => Column; entities: string[] }[] = [
  {
    name: 'median + robust',
    type: 'float64',
    steps: [
      { kind: 'impute', spec: { strategy: 'median' } },
      { kind: 'scale', spec: { method: 'robust' } },
    ],
    column: () => num([0.1, null, 0.7, 3, -2, null]),
    entities: ['a', 'a', 'b', 'b', 'c', 'c'],
  },
  {
    name: 'ffill + minmax',
    type: 'int64',
    steps: [
      { kind: 'impute', spec: { strategy: 'ffill', fallback: 'median' } },
      { kind: 'scale', spec: { method: 'minmax' } },
    ],
    column: () => num([null, 4, null, 9, null, 1]),
    entities: ['a', 'a', 'a', 'b', 'b', 'c'],
  },
  {
    name: 'string ffill + frequency',
    type: 'string',
    steps: [
      { kind: 'impute', spec: { strategy: 'ffill', fallback: 'none' } },
      { kind: 'encode', spec: { method: 'frequency' } },
    ],
    column: () => str(['x', null, 'y', null, 'x', null]),
    entities: ['a', 'a', 'b', 'b', 'c', 'c'],
  },
  {
    name: 'mode + onehot',
    type: 'string',
    steps: [{ kind: 'impute', spec: { strategy: 'mode' } }, onehot('other')],
    column: () => str(['Red', 'red', null, 'blue', 'Red', '']),
    entities: ['a', 'b', 'c', 'd', 'e', 'f'],
  },
  { name: 'ordinal + maxabs', type: 'int64', steps: [ordinal, { kind: 'scale', spec: { method: 'maxabs' } }], column: () => num([7, 7, null, 3, 12, 3]), entities: ['a', 'b', 'c', 'd', 'e', 'f'] },
  { name: 'hash', type: 'bool', steps: [{ kind: 'encode', spec: { method: 'hash', buckets: 5 } }], column: () => num([true, null, false]), entities: ['a', 'b', 'c'] },
  { name: 'log1p', type: 'float64', steps: [{ kind: 'scale', spec: { method: 'log1p' } }], column: () => num([0, null, 9]), entities: ['a', 'b', 'c'] },
];

describe('applyChain', () => {
  for (const c of chains) {
    it(`reproduces fitChain's outputs on the fit rows from JSON states: ${c.name}`, () => {
      const fitted = fitChain('f', c.type, c.steps, c.column(), rowsOf(c.entities, new Map()));
      const states: unknown[] = JSON.parse(JSON.stringify(fitted.states));
      assert.deepEqual(states, fitted.states, 'states survive JSON');
      const applied = applyChain('f', c.type, c.steps, states, c.column(), rowsOf(c.entities, new Map()));
      assert.deepEqual(applied, fitted.outputs);
      for (const o of applied) {
        if (o.column.kind === 'numeric') for (const v of o.column.values) assert.ok(Number.isNaN(v) || Number.isFinite(v), `${c.name}: ${v}`);
      }
    });
  }

  it('sees the carry updated by fitChain, so a re-apply needs a fresh carry', () => {
    const steps: TransformStepSpec[] = [{ kind: 'impute', spec: { strategy: 'ffill', fallback: 'none' } }];
    const rows = rowsOf(['a', 'a'], new Map());
    const fitted = fitChain('f', 'float64', steps, num([null, 5]), rows);
    assert.deepEqual(valuesOf(fitted.outputs[0].column), [null, 5]);
    assert.deepEqual(valuesOf(applyChain('f', 'float64', steps, fitted.states, num([null, 5]), rows)[0].column), [5, 5]);
  });

  it('gives each ffill step of a chain a carry of its own, so a second step never sees a later row', () => {
    // ffill (none) then ffill (fallback median 1). Entity a: [null, 5, null], b: [null, 2].
    // Step 1 -> a: [null, 5, 5], b: [null, 2] (nothing earlier for either first row).
    // Step 2 -> the nulls left have nothing earlier either: the median 1. Had step 2 read step 1's
    // carry, a's first row would get 5 and b's 2: values of later rows of the same batch.
    const steps: TransformStepSpec[] = [
      { kind: 'impute', spec: { strategy: 'ffill', fallback: 'none' } },
      { kind: 'impute', spec: { strategy: 'ffill', fallback: 'median' } },
    ];
    const first = new Map<string, number | string>();
    const later = new Map<number, Map<string, number | string>>();
    const rows = { ...rowsOf(['a', 'a', 'a', 'b', 'b'], first), laterCarry: (k: number) => later.get(k) ?? later.set(k, new Map()).get(k)! };
    const out = applyChain('f', 'float64', steps, [{}, { median: 1 }], num([null, 5, null, null, 2]), rows);
    assert.deepEqual(valuesOf(out[0].column), [1, 5, 5, 1, 2]);
    // Each step carries the last value it observed: step 1's input, step 2's (= step 1's output).
    assert.deepEqual([...first].sort(), [
      ['a', 5],
      ['b', 2],
    ]);
    assert.deepEqual([...later.keys()], [1]);
    assert.deepEqual([...later.get(1)!].sort(), [
      ['a', 5],
      ['b', 2],
    ]);
    // The next batch: a gets a real value, then a null; b only a null. Step 1 seeds b from its carry (2);
    // step 2 sees no null. a: [7, null] -> [7, 7].
    const next = applyChain('f', 'float64', steps, [{}, { median: 1 }], num([7, null, null]), { ...rowsOf(['a', 'a', 'b'], first), laterCarry: rows.laterCarry });
    assert.deepEqual(valuesOf(next[0].column), [7, 7, 2]);
  });

  it('keeps a later ffill step without a carry of its own from seeding rows at all', () => {
    // Only the first ffill step's carry is given: the second must not borrow it (it holds 5, a later row's value).
    const steps: TransformStepSpec[] = [
      { kind: 'impute', spec: { strategy: 'ffill', fallback: 'none' } },
      { kind: 'scale', spec: { method: 'maxabs' } },
      { kind: 'impute', spec: { strategy: 'ffill', fallback: 'median' } },
    ];
    // maxabs of 10 -> step 1 output [null, 5, 10] scales to [null, 0.5, 1]; step 2 fills the null with the median 3.
    const out = applyChain('f', 'float64', steps, [{}, { maxAbs: 10 }, { median: 3 }], num([null, 5, 10]), rowsOf(['a', 'a', 'a'], new Map()));
    assert.deepEqual(valuesOf(out[0].column), [3, 0.5, 1]);
  });

  it('refuses states that do not match the steps', () => {
    assert.throws(() => applyChain('f', 'float64', [mean], [], num([1]), singleRows(1)), { code: 'internal' });
  });
});

describe('chainOutputs', () => {
  it('names the feature itself for a one-column chain', () => {
    assert.deepEqual(chainOutputs('conv_rate', 'int64', [mean, standard], null), [{ name: 'conv_rate', type: 'float64' }]);
    assert.deepEqual(chainOutputs('car', 'string', [], null), [{ name: 'car', type: 'string' }]);
  });

  it('is null for one-hot before fitting, then lists feature__suffix columns', () => {
    const steps = [onehot('other')];
    assert.equal(chainOutputs('car_type', 'string', steps, null), null);
    const { states, outputs } = fitChain('car_type', 'string', steps, str(['SUV', 'Other', 'suv']), singleRows(3));
    const names = chainOutputs('car_type', 'string', steps, JSON.parse(JSON.stringify(states)));
    assert.deepEqual(names, [
      { name: 'car_type__other_2', type: 'int64' },
      { name: 'car_type__suv', type: 'int64' },
      { name: 'car_type__suv_2', type: 'int64' },
      { name: 'car_type__other', type: 'int64' },
    ]);
    assert.deepEqual(
      names?.map((n) => n.name),
      outputs.map((o) => `car_type__${o.suffix}`),
      'the same columns as the outputs',
    );
  });

  it('refuses an invalid chain', () => {
    assert.throws(() => chainOutputs('f', 'float64', [onehot()], null), { code: 'validation' });
  });
});

it('fitStates gives exactly the states fitChain gives', async () => {
  const { fitStates } = await import('../../server/transforms/chain.js');
  const input = num([1, null, 4, 9, null, 2]);
  const steps = [
    { kind: 'impute', spec: { strategy: 'median' } },
    { kind: 'scale', spec: { method: 'robust' } },
  ] as const;
  const rows = { entityIds: new Int32Array(0), entityKeys: [] };
  assert.deepEqual(fitStates('x', 'float64', steps, input, rows), fitChain('x', 'float64', steps, input, rows).states);
  const strings = str(['a', null, 'b', 'a']);
  const encode = [
    { kind: 'impute', spec: { strategy: 'constant', value: 'z' } },
    { kind: 'encode', spec: { method: 'onehot', maxCategories: 5, unknown: 'zeros' } },
  ] as const;
  assert.deepEqual(fitStates('c', 'string', encode, strings, rows), fitChain('c', 'string', encode, strings, rows).states);
});
