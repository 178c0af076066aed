import { OnlineService } from '../../../server/serving/online-service.js';
import { openFeatureStore } from '../../../server/sdk/index.js';
import { featureRefs } from '../online-data.js';
const sdk = await openFeatureStore({ dataDir: '/tmp/sdkprof/data' });
const catalog = sdk.services.catalog.peek()!;
const row = { eventTs: 1795000000000, createdTs: null, values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
const fake = { prepareRead: () => ({ read: async () => [row], readSync: () => [{ ...row }] }) } as never;
const svc = new OnlineService({ catalog: () => catalog, store: fake, clock: { now: () => Date.now() }, maxRows: 1000 });
const refs = featureRefs(10);
const n = 400_000;
let sink = 0;
function run(name: string, f: (i: number) => number) {
  for (let r = 0; r < 3; r++) { const t = performance.now(); for (let i = 0; i < n; i++) sink += f(i); if (r == 2) console.log(name, ((performance.now() - t) * 1000 / n).toFixed(3), 'us'); }
}
run('service fake store', (i) => svc.getSync({ features: refs, entities: { driver_id: [i] } }).results.length);
console.log(sink > 0);
await sdk.close();
