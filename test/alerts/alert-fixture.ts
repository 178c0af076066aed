import fs from 'node:fs';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';

export const CSV = 'driver_id,ts,rate\n1,2026-11-01T00:00:00Z,0.5\n2,2026-11-01T00:00:00Z,0.7\n';

/** One view over `data/*.csv`: its runs fail while the folder holds no file, and succeed once `healData` wrote one. */
export function alertBundle(extra: Partial<BundleInput> = {}): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'stats', type: 'csv', path: 'data/*.csv', timestampField: 'ts' }],
    featureViews: [{ name: 'stats_view', entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' }] }],
    ...extra,
  };
}

/** A server whose only view fails its runs until its data is written; alerts evaluated on request only. */
export async function alertServer(extra: Partial<BundleInput> = {}, overrides: Record<string, unknown> = {}, options: Parameters<typeof pipelineServer>[3] = {}) {
  const s = await pipelineServer({}, alertBundle(extra), { runAttempts: 1, alertIntervalMs: 0, ...overrides }, options);
  return {
    ...s,
    /** Runs the view once more; returns its status. */
    async run(): Promise<string> {
      return (await s.materialize('stats_view')).status;
    },
    healData: () => {
      fs.mkdirSync(s.file('data'), { recursive: true });
      fs.writeFileSync(s.file('data/stats.csv'), CSV);
    },
    breakData: () => fs.rmSync(s.file('data/stats.csv')),
    tick(ms = 1_000) {
      s.services.clock.set(s.services.clock.now() + ms);
      return s.services.clock.now();
    },
  };
}
