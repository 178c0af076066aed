import { DAY_MS, lastHour, seeded } from './random.js';

const CUSTOMERS = 20;
const DAYS = 7;
const TIERS = ['bronze', 'silver', 'gold'];
const REGIONS = ['north', 'south', 'east', 'west', 'centre'];

export interface CustomerProfileRow {
  customer_id: string;
  event_timestamp: number;
  age: number | null;
  lifetime_value: number | null;
  tier: string;
  region: string;
}

/**
 * A daily profile snapshot per customer for the 7 days up to the last full hour before `now`:
 * customer i's snapshot lies i minutes before each day's mark. Values depend only on the seed and
 * the day's distance from the end. A few values are missing, for the imputers.
 */
export function customerProfileRows(now: number, seed = 7): CustomerProfileRow[] {
  const end = lastHour(now);
  const random = seeded(seed);
  const rows: CustomerProfileRow[] = [];
  for (let c = 1; c <= CUSTOMERS; c++) {
    const age = 20 + Math.floor(random() * 50);
    const region = REGIONS[Math.floor(random() * REGIONS.length)];
    let value = 200 + random() * 3500;
    for (let k = DAYS - 1; k >= 0; k--) {
      value += random() * 120;
      const gaps = random();
      rows.push({
        customer_id: `c${String(c).padStart(3, '0')}`,
        event_timestamp: end - k * DAY_MS - c * 60_000,
        age: gaps < 0.04 ? null : age,
        lifetime_value: gaps > 0.96 ? null : Math.round(value * 100) / 100,
        tier: TIERS[value > 3000 ? 2 : value > 1500 ? 1 : 0],
        region,
      });
    }
  }
  return rows.sort((a, b) => a.event_timestamp - b.event_timestamp || a.customer_id.localeCompare(b.customer_id));
}

export function customerProfileJsonl(rows: CustomerProfileRow[]): string {
  return rows.map((r) => `${JSON.stringify({ ...r, event_timestamp: new Date(r.event_timestamp).toISOString() })}\n`).join('');
}
