import { LatestRows } from '../../../server/pipelines/latest-rows.js';
const n = 65536, batches = 16, cols = 27;
const mk = (b: number) => {
  const keys = Float64Array.from({ length: n }, (_, i) => Math.floor(((((b * n + i) * 2654435761) % 4294967296) / 4294967296) * 100000));
  const ts = Float64Array.from({ length: n }, (_, i) => 1e12 + b * n + i);
  return { length: n, keys: [{ kind: 'numeric' as const, values: keys }], eventTs: ts, createdTs: ts.map((x) => x + 1), columns: Array.from({ length: cols }, (_, c) => ({ name: `c${c}`, type: 'float64' as const, column: { kind: 'numeric' as const, values: new Float64Array(n).fill(c) } })) };
};
const data = Array.from({ length: batches }, (_, b) => mk(b));
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  const l = new LatestRows();
  for (const b of data) l.add(b);
  console.log('latest', (performance.now() - t).toFixed(1), 'ms', l.length);
}
