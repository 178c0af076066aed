import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../server/domain/bundle.js';
import { TesseraError } from '../../server/errors.js';
import { PipelineService } from '../../server/pipelines/pipeline-service.js';
import { openRegistry } from '../../server/registry/open-registry.js';
import type { RunStore } from '../../server/registry/run-store.js';
import { testServices } from '../support/services.js';

const view = (name: string) => ({ name, entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' as const }] });
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [view('a'), view('b'), view('c')],
};
const manual = { trigger: 'manual' as const };
const isConflict = (e: unknown) => e instanceof TesseraError && e.code === 'conflict';

/** Services with views a, b and c applied, and no runner: a queued run stays queued. */
async function withViews() {
  const s = await testServices();
  await s.applyService.apply(parseBundle(bundle), { dryRun: false, actor: 'test' });
  const service = (runs: RunStore) => new PipelineService({ catalog: s.catalog, runs, clock: s.clock, maxAttempts: 1 });
  const queued = async () => (await s.runs.list({ status: 'queued', limit: 10 })).map((r) => [r.featureView, r.trigger]).sort();
  return { s, service, queued };
}

/**
 * `runs`, with another process over the same registry (its own connection) queuing a scheduled run of
 * `view` the moment this process starts to queue: after every check of the request passed.
 */
async function racedBy(s: Awaited<ReturnType<typeof withViews>>['s'], view: string) {
  const other = await openRegistry({ dataDir: s.config.dataDir, clock: s.clock });
  const race = { raced: false, close: () => other.close() };
  const runs = new Proxy(s.runs, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (String(prop).startsWith('enqueue') && !race.raced) {
          race.raced = true;
          await other.runs.enqueue({ featureView: view, version: 1, trigger: 'schedule', start: null, end: null, maxAttempts: 1 }, s.clock.now());
        }
        return value.apply(target, args);
      };
    },
  });
  return { runs, race };
}

test('materializeAll: a run of a later view queued elsewhere after the checks refuses the whole request, and queues nothing', async () => {
  const { s, service, queued } = await withViews();
  const { runs: racing, race } = await racedBy(s, 'b');
  try {
    const items = ['a', 'b', 'c'].map((v, i) => ({ view: v, request: manual, fields: { name: `feature_views[${i}]`, version: 'version', end: 'end_ts' } }));
    const refused = await service(racing)
      .materializeAll(items)
      .then(
        () => assert.fail('queued while b had a run'),
        (e: unknown) => e,
      );
    assert.ok(race.raced);
    assert.deepEqual(await queued(), [['b', 'schedule']], "only the other process's run: neither a's nor c's");
    assert.ok(isConflict(refused), String(refused));
    assert.deepEqual(
      (refused as TesseraError).errors.map((f) => f.path),
      ['feature_views[1]'],
    );
    assert.match((refused as TesseraError).errors[0].message, /^run \d+ is queued$/);
  } finally {
    await race.close();
    await s.close();
  }
});

test('refit: a run of the view queued elsewhere after the check refuses the refit: no new version, no run of it', async () => {
  const { s, service, queued } = await withViews();
  const { runs: racing, race } = await racedBy(s, 'a');
  try {
    const refused = await service(racing)
      .refit('a')
      .then(
        (made) => assert.fail(`refitted while a had a run: ${JSON.stringify({ version: made.version, run: made.run?.id })}`),
        (e: unknown) => e,
      );
    assert.ok(race.raced);
    assert.ok(isConflict(refused), String(refused));
    assert.deepEqual(
      (refused as TesseraError).errors.map((f) => f.path),
      ['name'],
    );
    assert.deepEqual(await queued(), [['a', 'schedule']], "only the other process's run");
    assert.deepEqual(
      (await s.catalog.latest()).featureViews.get('a')!.versions.map((v) => v.version),
      [1],
      'no version 2',
    );
    // Once that run is over, the refit makes version 2 and queues its run, together.
    await s.runs.fail((await s.runs.list({ status: 'queued', limit: 1 }))[0].id, 'internal', 'stopped', s.clock.now());
    const made = await service(s.runs).refit('a');
    assert.equal(made.version, 2);
    assert.deepEqual([made.run?.version, made.run?.trigger, made.run?.status], [2, 'refit', 'queued']);
  } finally {
    await race.close();
    await s.close();
  }
});

test('materializeAll: two requests at once over overlapping views: exactly one queues its runs, the other queues nothing', async () => {
  const { s, service, queued } = await withViews();
  try {
    const pipelines = service(s.runs);
    const results = await Promise.allSettled([
      pipelines.materializeAll([
        { view: 'a', request: manual },
        { view: 'b', request: manual },
      ]),
      pipelines.materializeAll([
        { view: 'c', request: { trigger: 'cli' } },
        { view: 'b', request: { trigger: 'cli' } },
      ]),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
    const winner = won[0].value;
    assert.deepEqual(await queued(), winner.map((r) => [r.featureView, r.trigger]).sort());
    assert.equal(winner.length, 2);
  } finally {
    await s.close();
  }
});
