import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import type { BundleInput } from '../../server/domain/bundle.js';
import { TesseraError } from '../../server/errors.js';
import { openFeatureStore } from '../../server/sdk/index.js';
import { pipelineServer } from '../support/pipeline-fixture.js';

// Two drivers, two rows each; trips are 10, 20, 30, 40 so min-max scaling gives thirds.
const CSV = `driver_id,ts,rate,trips
1,2026-11-01T10:00:00Z,0.1,10
1,2026-11-01T12:00:00Z,0.2,20
2,2026-11-01T09:00:00Z,5,30
2,2026-11-03T09:00:00Z,6,40
`;

const BUNDLE: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [
    {
      name: 'drv',
      entities: ['driver'],
      source: 'stats',
      ttl: '1d',
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'trips', type: 'int64', transforms: [{ scale: { method: 'minmax' } }] },
      ],
    },
  ],
  featureServices: [{ name: 'drv_model', features: ['drv:trips'] }],
};

const ms = (s: string) => Date.parse(s);

// Entity rows, each for one rule of the point-in-time join (ttl 1 day), in an order that is not sorted.
const ENTITIES = {
  driver_id: [1, 1, 1, 2, 2, 2, 3],
  event_timestamp: [
    '2026-11-01T11:00:00Z', // between driver 1's rows: the 10:00 one
    '2026-11-01T12:00:00Z', // exactly at a row: included
    '2026-11-01T09:59:59.999Z', // before driver 1's first row: null
    '2026-11-02T10:00:00Z', // driver 2's 11-01 09:00 row is 25 h old: outside the ttl, null
    '2026-11-02T08:00:00Z', // the same row 23 h old: inside the ttl
    '2026-11-04T00:00:00+02:00', // an offset: 11-03T22:00Z, after driver 2's second row
    '2026-11-05T00:00:00Z', // an unknown driver: null
  ],
  label: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
};

// By hand: trips scaled with min 10, max 40: (x - 10) / 30.
const EXPECTED = [
  { driver_id: 1n, event_timestamp: ms('2026-11-01T11:00:00Z'), label: 'a', rate: 0.1, trips: 0 },
  { driver_id: 1n, event_timestamp: ms('2026-11-01T12:00:00Z'), label: 'b', rate: 0.2, trips: 10 / 30 },
  { driver_id: 1n, event_timestamp: ms('2026-11-01T09:59:59.999Z'), label: 'c', rate: null, trips: null },
  { driver_id: 2n, event_timestamp: ms('2026-11-02T10:00:00Z'), label: 'd', rate: null, trips: null },
  { driver_id: 2n, event_timestamp: ms('2026-11-02T08:00:00Z'), label: 'e', rate: 5, trips: 20 / 30 },
  { driver_id: 2n, event_timestamp: ms('2026-11-03T22:00:00Z'), label: 'f', rate: 6, trips: 1 },
  { driver_id: 3n, event_timestamp: ms('2026-11-05T00:00:00Z'), label: 'g', rate: null, trips: null },
];

const rowsOf = (t: arrow.Table) => t.toArray().map((r) => ({ ...(r.toJSON() as Record<string, unknown>) }));

/** A data dir with `drv` materialized once, by a server that is still running (close it when done). */
async function materialized() {
  const s = await pipelineServer({ 'stats.csv': CSV }, BUNDLE);
  const run = await s.materialize('drv');
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  assert.equal(run.rowsOut, 4);
  return s;
}

test('openFeatureStore on a data dir whose server has stopped: point-in-time rows as an Arrow table', async () => {
  const s = await materialized();
  await s.close();
  const store = await openFeatureStore({ dataDir: s.dataDir });
  try {
    const table = await store.getHistoricalFeatures({ features: ['drv:rate', 'drv:trips'], entities: ENTITIES });
    assert.ok(table instanceof arrow.Table);
    assert.deepEqual(
      table.schema.fields.map((f) => f.name),
      ['driver_id', 'event_timestamp', 'label', 'rate', 'trips'],
    );
    assert.ok(arrow.DataType.isTimestamp(table.schema.fields[1].type), 'event_timestamp is an Arrow timestamp');
    assert.equal((table.schema.fields[1].type as arrow.Timestamp).timezone, 'UTC');
    assert.ok(arrow.DataType.isInt(table.schema.fields[0].type), 'driver_id keeps its int64 type');
    assert.deepEqual(rowsOf(table), EXPECTED);

    // The same rows from an Arrow table of entities, and with full feature names through a service.
    const entities = new arrow.Table({
      driver_id: arrow.vectorFromArray(ENTITIES.driver_id.map(BigInt), new arrow.Int64()),
      event_timestamp: arrow.vectorFromArray(
        EXPECTED.map((r) => r.event_timestamp),
        new arrow.TimestampMillisecond('UTC'),
      ),
      label: arrow.vectorFromArray(ENTITIES.label, new arrow.Utf8()),
    });
    assert.deepEqual(rowsOf(await store.getHistoricalFeatures({ features: ['drv:rate', 'drv:trips'], entities })), EXPECTED);
    const viaService = await store.getHistoricalFeatures({ featureService: 'drv_model', fullFeatureNames: true, entities: ENTITIES });
    assert.deepEqual(
      viaService.schema.fields.map((f) => f.name),
      ['driver_id', 'event_timestamp', 'label', 'drv__trips'],
    );
    assert.deepEqual(
      [...viaService.getChild('drv__trips')!],
      EXPECTED.map((r) => r.trips),
    );
  } finally {
    await store.close();
  }
});

test('openFeatureStore beside the running server answers the same rows; bad requests are TesseraErrors naming the field', async () => {
  const s = await materialized();
  const store = await openFeatureStore({ dataDir: s.dataDir });
  try {
    assert.deepEqual(rowsOf(await store.getHistoricalFeatures({ features: ['drv:rate', 'drv:trips'], entities: ENTITIES })), EXPECTED);
    await assert.rejects(store.getHistoricalFeatures({ features: ['drv:rate', 'drv:nope'], entities: ENTITIES }), (e: unknown) => {
      assert.ok(e instanceof TesseraError);
      assert.equal(e.errors[0].path, 'features[1]');
      return true;
    });
    await assert.rejects(store.getHistoricalFeatures({ features: ['drv:rate'], entities: { driver_id: [1], event_timestamp: ['whenever'] } }), (e: unknown) => {
      assert.ok(e instanceof TesseraError);
      assert.equal(e.code, 'validation');
      assert.equal(e.errors[0].path, 'entities.event_timestamp[0]');
      return true;
    });
  } finally {
    await store.close();
    await s.close();
  }
});
