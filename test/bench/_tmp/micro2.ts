import { SqliteOnlineStore } from '../../../server/online/sqlite-online-store.js';
import { openFeatureStore } from '../../../server/sdk/index.js';
import { featureRefs } from '../online-data.js';
const store = new SqliteOnlineStore('/tmp/sdkprof/data/online.db');
const features = Array.from({ length: 10 }, (_, i) => `f${i + 1}`);
const table = { view: 'bench_online', version: 1, keys: [{ name: 'driver_id', type: 'int64' as const }], columns: features.map((name) => ({ name, type: 'float64' as const })) };
const read = store.prepareRead(table, features);
const n = 400_000;
const keys = Int32Array.from({ length: n }, (_, i) => 1 + (i * 7919) % 100000);
let sink = 0;
function run(name: string, f: (k: number) => number) {
  for (let r = 0; r < 3; r++) { const t = performance.now(); for (let i = 0; i < n; i++) sink += f(keys[i]); if (r == 2) console.log(name, ((performance.now() - t) * 1000 / n).toFixed(2), 'us'); }
}
run('readSync', (k) => read.readSync!([[k]]).length);
const sdk = await openFeatureStore({ dataDir: '/tmp/sdkprof/data' });
const refs = featureRefs(10);
run('sdk', (k) => sdk.getOnlineFeaturesSync({ features: refs, entities: { driver_id: [k] } }).results.length);
console.log(sink > 0);
