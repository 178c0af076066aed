import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScaleSpec } from '../../server/domain/transform-spec.js';
import { TesseraError } from '../../server/errors.js';
import { applyScale, fitScale } from '../../server/transforms/scale.js';
import type { Column } from '../../server/columns/column.js';
import { num, valuesOf } from './fixtures.js';

function scale(method: ScaleSpec['method'], column: Column): { state: unknown; out: (number | string | null)[] } {
  const spec = { method };
  const state = fitScale(spec, column, 'f');
  return { state, out: valuesOf(applyScale(spec, column, state, 'f')) };
}

describe('scale standard', () => {
  it('is (x - mean) / population std, null stays null', () => {
    const mean = 7 / 3; // (1 + 2 + 4) / 3
    const std = Math.sqrt(((1 - mean) ** 2 + (2 - mean) ** 2 + (4 - mean) ** 2) / 3); // divide by n, not n - 1
    const { state, out } = scale('standard', num([1, null, 2, 4]));
    assert.deepEqual(state, { mean, std });
    assert.deepEqual(out, [(1 - mean) / std, null, (2 - mean) / std, (4 - mean) / std]);
  });

  it('gives 0 when std is 0', () => {
    const { state, out } = scale('standard', num([5, 5, null]));
    assert.deepEqual(state, { mean: 5, std: 0 });
    assert.deepEqual(out, [0, 0, null]);
    assert.deepEqual(valuesOf(applyScale({ method: 'standard' }, num([7]), state, 'f')), [0], 'later values too');
  });
});

describe('scale minmax', () => {
  it('is (x - min) / (max - min)', () => {
    const { state, out } = scale('minmax', num([2, 4, null, 10]));
    assert.deepEqual(state, { min: 2, max: 10 });
    assert.deepEqual(out, [0, (4 - 2) / 8, null, 1]);
  });

  it('applies the frozen min and max to later values, beyond [0, 1] too', () => {
    assert.deepEqual(valuesOf(applyScale({ method: 'minmax' }, num([18, -6]), { min: 2, max: 10 }, 'f')), [2, -1]);
  });

  it('gives 0 when max = min', () => {
    assert.deepEqual(scale('minmax', num([3, 3])).out, [0, 0]);
  });
});

describe('scale robust', () => {
  it('is (x - median) / (q75 - q25) with numpy-linear quantiles', () => {
    // sorted [1, 2, 3, 4]: q25 = 1.75, median = 2.5, q75 = 3.25 -> IQR 1.5
    const { state, out } = scale('robust', num([4, 1, null, 3, 2]));
    assert.deepEqual(state, { median: 2.5, iqr: 3.25 - 1.75 });
    assert.deepEqual(out, [(4 - 2.5) / 1.5, (1 - 2.5) / 1.5, null, (3 - 2.5) / 1.5, (2 - 2.5) / 1.5]);
  });

  it('gives 0 when the IQR is 0', () => {
    // sorted [1, 5, 5, 5, 9]: q25 = q75 = 5
    assert.deepEqual(scale('robust', num([5, 1, 5, 9, 5])).out, [0, 0, 0, 0, 0]);
  });
});

describe('scale maxabs', () => {
  it('is x / max|x|', () => {
    const { state, out } = scale('maxabs', num([-4, 2, null]));
    assert.deepEqual(state, { maxAbs: 4 });
    assert.deepEqual(out, [-1, 0.5, null]);
  });

  it('gives 0 when every value is 0', () => {
    assert.deepEqual(scale('maxabs', num([0, 0])).out, [0, 0]);
  });
});

describe('scale log1p', () => {
  it('is ln(1 + x) with no state', () => {
    const { state, out } = scale('log1p', num([0, Math.E - 1, null, -0.5]));
    assert.deepEqual(state, {});
    assert.deepEqual(out, [0, Math.log1p(Math.E - 1), null, Math.log(0.5)]);
    assert.ok(Math.abs((out[1] as number) - 1) < 1e-15);
  });

  it('rejects x <= -1 with a transform_error naming the feature and the value', () => {
    for (const bad of [-1, -2.5]) {
      assert.throws(
        () => applyScale({ method: 'log1p' }, num([0, bad]), {}, 'trip_km'),
        (e: unknown) => e instanceof TesseraError && e.code === 'transform_error' && e.message.includes("'trip_km'") && e.message.includes(String(bad)),
      );
    }
  });
});

describe('scale, degenerate and invalid input', () => {
  it('fits 0 for every state value of an all-null column, and outputs stay null', () => {
    for (const method of ['standard', 'minmax', 'robust', 'maxabs'] as const) {
      const { state, out } = scale(method, num([null, null]));
      assert.ok(
        Object.values(state as object).every((v) => v === 0),
        method,
      );
      assert.deepEqual(out, [null, null], method);
    }
  });

  it('refuses infinite values instead of writing Infinity or NaN', () => {
    assert.throws(() => fitScale({ method: 'standard' }, num([1, Infinity]), 'f'), { code: 'transform_error' });
    assert.throws(() => applyScale({ method: 'maxabs' }, num([Infinity]), { maxAbs: 2 }, 'f'), { code: 'transform_error' });
    assert.throws(() => applyScale({ method: 'log1p' }, num([Infinity]), {}, 'f'), { code: 'transform_error' });
  });

  it('refuses a malformed state', () => {
    assert.throws(() => applyScale({ method: 'standard' }, num([1]), { mean: 1 }, 'f'), { code: 'internal' });
    assert.throws(() => applyScale({ method: 'minmax' }, num([1]), { min: null, max: 1 }, 'f'), { code: 'internal' });
  });

  it('keeps state values that survive JSON', () => {
    for (const method of ['standard', 'minmax', 'robust', 'maxabs', 'log1p'] as const) {
      const state = fitScale({ method }, num([0.1, null, 0.7, 3]), 'f');
      assert.deepEqual(JSON.parse(JSON.stringify(state)), state, method);
    }
  });
});
