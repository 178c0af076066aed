import { StatsAccumulator } from '../../../server/columns/column-stats.js';
const n = 65536, batches = 16;
const onehot = Array.from({ length: batches }, (_, b) => Float64Array.from({ length: n }, (_, i) => ((i * 7 + b) % 20 === 0 ? 1 : 0)));
const dense = Array.from({ length: batches }, (_, b) => Float64Array.from({ length: n }, (_, i) => Math.sin(i + b * n) * 100));
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  for (let c = 0; c < 20; c++) { const a = new StatsAccumulator('numeric'); for (const v of onehot) a.add({ kind: 'numeric', values: v }); a.result(); }
  const t1 = performance.now();
  for (let c = 0; c < 7; c++) { const a = new StatsAccumulator('numeric'); for (const v of dense) a.add({ kind: 'numeric', values: v }); a.result(); }
  console.log('onehot x20', (t1 - t).toFixed(0), 'ms; dense x7', (performance.now() - t1).toFixed(0), 'ms');
}
