import fs from 'node:fs';
import * as arrow from '../../server/vendor/arrow.cjs';
import { readParquet } from 'parquet-wasm/node';
import type { BundleInput } from '../../server/domain/bundle.js';
import type { EntityInput } from '../../server/offline/entity-input.js';
import type { RetrievalResult } from '../../server/offline/retrieve.js';
import type { Services } from '../../server/services.js';

/**
 * Three views over hand-written CSVs, each row chosen for one rule of the point-in-time join:
 * - driver_stats (driver_id int64; created timestamp; ttl 1h)
 * - rider_stats (rider_id string; no created timestamp; no ttl)
 * - zone_stats (composite key city + zone; no ttl)
 */
export const DRIVERS_CSV = `driver_id,ts,created,rate,trips
1,2026-11-01T10:00:00Z,2026-11-01T10:00:05Z,0.1,1
1,2026-11-01T11:00:00Z,2026-11-01T11:00:01Z,0.2,2
1,2026-11-01T11:00:00Z,2026-11-01T11:00:09Z,0.3,3
1,2026-11-01T11:00:00Z,,0.4,4
2,2026-11-01T09:00:00Z,,5,50
3,2026-11-01T12:30:00Z,,7,70
4,2026-11-01T10:00:00Z,2026-11-01T10:00:01Z,8,80
4,2026-11-01T10:00:00Z,,9,90
`;

export const RIDERS_CSV = `rider_id,ts,score,tier
r1,2026-10-01T00:00:00Z,1.5,gold
r1,2026-11-01T10:30:00Z,2.5,silver
007,2026-11-01T00:00:00Z,9,bronze
`;

export const ZONES_CSV = `city,zone,ts,demand
paris,1,2026-11-01T10:00:00Z,0.5
paris,2,2026-11-01T10:00:00Z,0.7
lyon,1,2026-11-01T10:00:00Z,0.9
`;

export function handBundle(): BundleInput {
  return {
    entities: [
      { name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' },
      { name: 'rider', joinKeys: ['rider_id'], valueType: 'string' },
      { name: 'zone', joinKeys: ['city', 'zone'], valueType: { city: 'string', zone: 'int64' } },
    ],
    sources: [
      { name: 'drivers', type: 'csv', path: 'data/drivers.csv', timestampField: 'ts', createdTimestampField: 'created' },
      { name: 'riders', type: 'csv', path: 'data/riders.csv', timestampField: 'ts' },
      { name: 'zones', type: 'csv', path: 'data/zones.csv', timestampField: 'ts' },
    ],
    featureViews: [
      {
        name: 'driver_stats',
        entities: ['driver'],
        source: 'drivers',
        ttl: '1h',
        features: [
          { name: 'rate', type: 'float64' },
          { name: 'trips', type: 'int64' },
        ],
      },
      {
        name: 'rider_stats',
        entities: ['rider'],
        source: 'riders',
        features: [
          { name: 'score', type: 'float64' },
          { name: 'tier', type: 'string' },
        ],
      },
      { name: 'zone_stats', entities: ['zone'], source: 'zones', features: [{ name: 'demand', type: 'float64' }] },
    ],
    featureServices: [{ name: 'driver_model', features: ['driver_stats:rate', 'rider_stats:*'] }],
  };
}

export const HAND_FILES = { 'data/drivers.csv': DRIVERS_CSV, 'data/riders.csv': RIDERS_CSV, 'data/zones.csv': ZONES_CSV };

export type Row = Record<string, unknown>;

/** Reads a result Parquet file independently of the engine (parquet-wasm): timestamps as epoch ms, int64 as bigint. */
export function readRows(file: string): { columns: string[]; rows: Row[] } {
  const table = arrow.tableFromIPC(readParquet(fs.readFileSync(file)).intoIPCStream());
  return { columns: table.schema.fields.map((f) => f.name), rows: table.toArray().map((r) => ({ ...(r.toJSON() as Row) })) };
}

/** Runs a point-in-time retrieval in-process and reads the answer back. */
export async function retrieve(services: Services, features: string[], entities: EntityInput, fullFeatureNames = false): Promise<{ columns: string[]; rows: Row[]; result: RetrievalResult }> {
  return services.historical.retrieve({ selection: { features, fullFeatureNames }, entities }, async (result) => ({ ...readRows(result.file), result }));
}

/** Runs a {start, end} retrieval in-process and reads the answer back. */
export async function retrieveRange(services: Services, features: string[], start: number, end: number): Promise<{ columns: string[]; rows: Row[] }> {
  return services.historical.retrieve({ selection: { features, fullFeatureNames: false }, range: { start, end } }, async (result) => readRows(result.file));
}

export const ms = (s: string) => Date.parse(s);
