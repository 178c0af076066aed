import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import { pinFeatures } from '../../server/offline/retrieve.js';
import { PipelineService } from '../../server/pipelines/pipeline-service.js';
import { CatalogCache } from '../../server/registry/catalog-cache.js';
import { OnlineService } from '../../server/serving/online-service.js';
import { testServices } from '../support/services.js';
import { writeFiles } from '../support/temp-dir.js';

const view = (name: string, feature: string) => ({ name, entities: ['driver'], source: 'stats', features: [{ name: feature, type: 'float64' as const }] });
const bundle = (views: ReturnType<typeof view>[]): BundleInput => ({
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: views,
});

test("another process's catalog cache, loaded before an apply, serves what the apply made: online, offline and materialize", async () => {
  const s = await testServices();
  try {
    writeFiles(s.config.definitions, { 'stats.csv': 'driver_id,ts,rate,trips\n1,2026-11-01T00:00:00Z,0.5,3\n' });
    await s.applyService.apply(parseBundle(bundle([view('old', 'rate')])), { dryRun: false, actor: 'test' });
    // The other process: its own cache over the same registry, loaded now and not told of what follows.
    const other = new CatalogCache(s.catalogStore);
    const offline = new CatalogCache(s.catalogStore);
    await other.get();
    await offline.get();
    await s.applyService.apply(parseBundle(bundle([view('old', 'trips'), view('fresh', 'rate')])), { dryRun: false, actor: 'test' });
    assert.equal((await other.get()).featureViews.has('fresh'), false, 'the cache is stale, as between processes');

    const online = new OnlineService({ catalog: () => other.peek()!, store: s.online, clock: s.clock, maxRows: 100, reloadIfMoved: () => other.reloadIfMoved() });
    const answer = await online.get({ features: ['fresh:rate'], entities: { driver_id: [1] } });
    assert.deepEqual(answer.metadata.feature_names, ['driver_id', 'rate'], 'found, not a 404');
    await assert.rejects(online.get({ features: ['ghost:rate'], entities: { driver_id: [1] } }), /feature view 'ghost' does not exist/, 'a real miss is still a 404');

    assert.equal((await offline.get()).featureViews.has('fresh'), false);
    const pinned = await pinFeatures({ engine: s.historical.engine, catalog: offline, runs: s.runs, files: s.files }, { features: ['fresh:rate'], fullFeatureNames: false });
    assert.equal(pinned.plan.views[0].view, 'fresh');

    const stale = new CatalogCache(s.catalogStore);
    await stale.get();
    await s.applyService.apply(parseBundle(bundle([view('old', 'rate'), view('fresh', 'rate')])), { dryRun: false, actor: 'test' });
    const pipelines = new PipelineService({ catalog: stale, runs: s.runs, clock: s.clock, maxAttempts: 1 });
    const queued = await pipelines.materialize('old', { start: null, end: null, trigger: 'manual' });
    assert.equal(queued.version, 3, 'the version just applied (trips made 2, rate again 3), not the cached latest');
  } finally {
    await s.close();
  }
});
