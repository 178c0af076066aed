import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import { TesseraError } from '../../server/errors.js';
import { getHistoricalFeatures, getHistoricalFeaturesRemote } from '../../server/sdk/historical.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { HAND_FILES, handBundle, ms } from './fixture.js';

let s: Awaited<ReturnType<typeof pipelineServer>>;

before(async () => {
  s = await pipelineServer(HAND_FILES, handBundle());
  assert.equal((await s.materialize('driver_stats')).status, 'succeeded');
});
after(() => s.close());

const rowsOf = (t: arrow.Table) => t.toArray().map((r) => ({ ...(r.toJSON() as Record<string, unknown>) }));
// By hand (test/offline/fixture.ts): driver 1 at 11:00 -> 0.3 (the greatest created of the tie), driver 2 at 10:00:00.001 -> outside the ttl.
const expected = [
  { driver_id: 1n, event_timestamp: ms('2026-11-01T11:00:00Z'), rate: 0.3 },
  { driver_id: 2n, event_timestamp: ms('2026-11-01T10:00:00.001Z'), rate: null },
];

test('getHistoricalFeatures in-process and over HTTP, from JSON columns or an Arrow table', async () => {
  const columns = { driver_id: [1, 2], event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T10:00:00.001Z'] };
  const table = new arrow.Table({
    driver_id: arrow.vectorFromArray([1n, 2n], new arrow.Int64()),
    event_timestamp: arrow.vectorFromArray([ms('2026-11-01T11:00:00Z'), ms('2026-11-01T10:00:00.001Z')], new arrow.TimestampMillisecond('UTC')),
  });
  for (const entities of [columns, table]) {
    const local = await getHistoricalFeatures(s.services.historical, { features: ['driver_stats:rate'], entities });
    assert.deepEqual(
      local.schema.fields.map((f) => f.name),
      ['driver_id', 'event_timestamp', 'rate'],
    );
    assert.deepEqual(rowsOf(local), expected);
    const remote = await getHistoricalFeaturesRemote(s.url, { features: ['driver_stats:rate'], entities });
    assert.deepEqual(rowsOf(remote), expected);
  }
});

test('errors come back as TesseraErrors naming the field, in-process and remote', async () => {
  const bad = { features: ['driver_stats:rate'], entities: { driver_id: [1], event_timestamp: ['whenever'] } };
  for (const call of [() => getHistoricalFeatures(s.services.historical, bad), () => getHistoricalFeaturesRemote(s.url, bad)]) {
    await assert.rejects(call(), (e: unknown) => e instanceof TesseraError && e.code === 'validation' && e.errors[0].path === 'entities.event_timestamp[0]');
  }
});
