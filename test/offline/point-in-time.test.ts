import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { HAND_FILES, handBundle, ms, retrieve } from './fixture.js';

let s: Awaited<ReturnType<typeof pipelineServer>>;

before(async () => {
  s = await pipelineServer(HAND_FILES, handBundle());
  for (const view of ['driver_stats', 'rider_stats', 'zone_stats']) {
    const run = await s.materialize(view);
    assert.equal(run.status, 'succeeded', run.error);
  }
});
after(() => s.close());

test('driver_stats: exact time, created ties, null created, ttl boundary, unknown key, future rows, duplicates, offsets', async () => {
  const cases: [number, string, number | null, bigint | null, string][] = [
    // driver, entity time, expected rate, expected trips, why
    [1, '2026-11-01T11:00:00.000Z', 0.3, 3n, 'a row exactly at the entity time; of three tied rows the greatest created wins, null created loses'],
    [1, '2026-11-01T10:59:59.999Z', 0.1, 1n, 'one ms before the tie group: the 10:00 row, inside the 1h ttl'],
    [1, '2026-11-01T12:00:00+01:00', 0.3, 3n, 'an offset: 12:00+01:00 is 11:00Z'],
    [1, '2026-11-01T12:00:00.000Z', 0.3, 3n, 'the 11:00 group exactly at the ttl boundary (entity - 1h) is still in'],
    [1, '2026-11-01T12:00:00.001Z', null, null, 'one ms later the 11:00 rows are outside the ttl'],
    [2, '2026-11-01T10:00:00.000Z', 5, 50n, 'ttl boundary inclusive: the 09:00 row at entity - 1h'],
    [2, '2026-11-01T10:00:00.001Z', null, null, 'one millisecond outside the ttl'],
    [99, '2026-11-01T11:00:00.000Z', null, null, 'an unknown key'],
    [3, '2026-11-01T12:00:00.000Z', null, null, 'a key with only future rows (12:30)'],
    [4, '2026-11-01T10:30:00.000Z', 8, 80n, 'tie between created 10:00:01 and null created: the non-null wins'],
    [1, '2026-11-01T11:00:00.000Z', 0.3, 3n, 'a duplicate entity row comes back twice'],
  ];
  const { columns, rows } = await retrieve(s.services, ['driver_stats:rate', 'driver_stats:trips'], {
    kind: 'columns',
    columns: { driver_id: cases.map((c) => c[0]), event_timestamp: cases.map((c) => c[1]), label: cases.map((_, i) => i % 2 === 0) },
  });
  assert.deepEqual(columns, ['driver_id', 'event_timestamp', 'label', 'rate', 'trips']);
  assert.equal(rows.length, cases.length);
  cases.forEach(([driver, time, rate, trips, why], i) => {
    assert.deepEqual(rows[i], { driver_id: BigInt(driver), event_timestamp: ms(time), label: i % 2 === 0, rate, trips }, `row ${i}: ${why}`);
  });
});

test('two views with different keys in one request; string keys keep their zeros; no ttl reaches far back', async () => {
  const { columns, rows } = await retrieve(s.services, ['driver_stats:rate', 'rider_stats:score', 'rider_stats:tier'], {
    kind: 'columns',
    columns: {
      rider_id: ['r1', 'r1', '007', '7', null, 'r1'],
      driver_id: [1, 2, 1, 1, 1, null],
      event_timestamp: ['2026-11-01T11:00:00Z', '2026-10-15T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', '2026-11-01T10:30:00Z', '2026-11-01T10:30:00Z'],
    },
  });
  assert.deepEqual(columns, ['driver_id', 'rider_id', 'event_timestamp', 'rate', 'score', 'tier']);
  assert.deepEqual(
    rows.map((r) => [r.rate, r.score, r.tier]),
    [
      [0.3, 2.5, 'silver'], // 11:00: rider r1's 10:30 row
      [null, 1.5, 'gold'], // driver 2 has no row before 2026-10-15; r1's October row, 14 days old, no ttl
      [null, 9, 'bronze'], // '007' at its own row's time; driver 1 has nothing before
      [null, null, null], // '7' is not '007'
      [0.1, null, null], // a null rider key matches nothing; the driver still does
      [null, 2.5, 'silver'], // a null driver key
    ],
  );
});

test('composite keys join on every key column', async () => {
  const { rows } = await retrieve(s.services, ['zone_stats:demand'], {
    kind: 'columns',
    columns: { city: ['paris', 'paris', 'lyon', 'lyon', 'paris'], zone: [2, 1, 1, 2, '2'], event_timestamp: Array(5).fill('2026-11-01T11:00:00Z') },
  });
  assert.deepEqual(
    rows.map((r) => [r.city, r.zone, r.demand]),
    [
      ['paris', 2n, 0.7],
      ['paris', 1n, 0.5],
      ['lyon', 1n, 0.9],
      ['lyon', 2n, null],
      ['paris', 2n, 0.7],
    ],
  );
});

test('instants outside the packed sort-key range (before 1830, after 2109) still join correctly', async () => {
  const { rows } = await retrieve(s.services, ['rider_stats:tier'], {
    kind: 'columns',
    columns: { rider_id: ['r1', 'r1', 'r1'], event_timestamp: ['2150-01-01T00:00:00Z', '1800-01-01T00:00:00Z', '2026-11-01T10:29:59.999Z'] },
  });
  assert.deepEqual(
    rows.map((r) => r.tier),
    ['silver', null, 'gold'],
  );
});

test('full feature names prefix the view with its name', async () => {
  const { columns, rows } = await retrieve(
    s.services,
    ['driver_stats:rate', 'rider_stats:score'],
    { kind: 'columns', columns: { driver_id: [1], rider_id: ['r1'], event_timestamp: ['2026-11-01T11:00:00Z'] } },
    true,
  );
  assert.deepEqual(columns, ['driver_id', 'rider_id', 'event_timestamp', 'driver_stats__rate', 'rider_stats__score']);
  assert.deepEqual([rows[0].driver_stats__rate, rows[0].rider_stats__score], [0.3, 2.5]);
});
