import { DAY_MS, HOUR_MS, lastHour, seeded } from './random.js';

/** The drivers of the sample data; the last one stopped reporting three days ago. */
export const SAMPLE_DRIVERS = [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010];
export const STALE_DRIVER = 1010;
/** How long before the end the stale driver's series stops: more than the example view's 2-day ttl. */
export const STALE_BY_MS = 3 * DAY_MS;
const HOURS = 72;
const CARS = ['sedan', 'suv', 'hatchback', 'electric', 'van'];
const CITIES = ['Paris', 'Lyon', 'Lille', 'Nantes'];

export interface DriverStatsRow {
  driver_id: number;
  event_timestamp: number;
  created: number;
  conv_rate: number | null;
  acc_rate: number | null;
  avg_daily_trips: number | null;
  car_type: string | null;
  city: string;
}

/**
 * Hourly statistics per driver for the 72 hours up to the last full hour before `now` (the Feast
 * quickstart's driver_stats, made relative to the current time): every driver is fresh but
 * `STALE_DRIVER`, whose series ends `STALE_BY_MS` earlier. Values depend only on the seed and on
 * how many hours before the end a row lies, so two runs an hour apart show the same numbers shifted
 * by one row. A few values are missing, for the imputers to fill.
 */
export function driverStatsRows(now: number, seed = 42): DriverStatsRow[] {
  const end = lastHour(now);
  const random = seeded(seed);
  const rows: DriverStatsRow[] = [];
  for (const driver of SAMPLE_DRIVERS) {
    const car = CARS[Math.floor(random() * CARS.length)];
    const city = CITIES[Math.floor(random() * CITIES.length)];
    const base = { conv: 0.2 + random() * 0.6, acc: 0.5 + random() * 0.45, trips: 5 + Math.floor(random() * 25) };
    const last = driver === STALE_DRIVER ? end - STALE_BY_MS : end;
    for (let k = HOURS - 1; k >= 0; k--) {
      const ts = last - k * HOUR_MS;
      const conv = clamp(base.conv + (random() - 0.5) * 0.2);
      const acc = clamp(base.acc + (random() - 0.5) * 0.1);
      const trips = Math.max(0, base.trips + Math.round((random() - 0.5) * 8));
      const gaps = random();
      rows.push({
        driver_id: driver,
        event_timestamp: ts,
        created: ts + 60_000,
        conv_rate: gaps < 0.04 ? null : round(conv),
        acc_rate: round(acc),
        avg_daily_trips: gaps > 0.97 ? null : trips,
        car_type: gaps > 0.04 && gaps < 0.06 ? null : car,
        city,
      });
    }
  }
  return rows.sort((a, b) => a.event_timestamp - b.event_timestamp || a.driver_id - b.driver_id);
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));
const round = (v: number) => Math.round(v * 10_000) / 10_000;

export function driverStatsCsv(rows: DriverStatsRow[]): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const cell = (v: unknown) => (v === null ? '' : String(v));
  const lines = ['driver_id,event_timestamp,created,conv_rate,acc_rate,avg_daily_trips,car_type,city'];
  for (const r of rows) lines.push([r.driver_id, iso(r.event_timestamp), iso(r.created), r.conv_rate, r.acc_rate, r.avg_daily_trips, r.car_type, r.city].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}
