import { NumberIndex } from '../../../server/pipelines/number-index.js';
const n = 1_000_000;
const keys = Float64Array.from({ length: n }, (_, i) => Math.floor(((i * 2654435761) % 4294967296) / 4294967296 * 100000));
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  const idx = new NumberIndex();
  let s = 0;
  for (let i = 0; i < n; i++) s += idx.getOrAdd(keys[i]);
  const a = performance.now() - t;
  t = performance.now();
  const m = new Map<number, number>();
  for (let i = 0; i < n; i++) { let v = m.get(keys[i]); if (v === undefined) { v = m.size; m.set(keys[i], v); } s += v; }
  console.log('index', a.toFixed(1), 'ms; map', (performance.now() - t).toFixed(1), 'ms', s > 0);
}
