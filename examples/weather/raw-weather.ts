import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../server/paths.js';

/** One row of vega-datasets' weather.csv (copied into the definitions folder, where sources may read it). */
export interface WeatherRow {
  location: string;
  date: string;
  precipitation: number;
  temp_max: number;
  temp_min: number;
  wind: number;
  weather: string;
}

export function weatherCsvPath(): string {
  return path.join(packageRoot(), 'feature-definitions', 'weather', 'weather.csv');
}

/** The raw observations, as the source file has them (no quoting in this file: a split is exact). */
export function readWeather(): WeatherRow[] {
  const [header, ...lines] = fs.readFileSync(weatherCsvPath(), 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const row = Object.fromEntries(names.map((n, i) => [n, cells[i]]));
    return {
      location: row.location,
      date: row.date,
      precipitation: Number(row.precipitation),
      temp_max: Number(row.temp_max),
      temp_min: Number(row.temp_min),
      wind: Number(row.wind),
      weather: row.weather,
    };
  });
}

/** The label: it rains (any precipitation) on the day after `date` at `location`; null when that day is missing. */
export function rainTomorrow(rows: WeatherRow[]): Map<string, number | null> {
  const byKey = new Map(rows.map((r) => [`${r.location}|${r.date}`, r]));
  const out = new Map<string, number | null>();
  for (const r of rows) {
    const next = new Date(Date.parse(`${r.date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const tomorrow = byKey.get(`${r.location}|${next}`);
    out.set(`${r.location}|${r.date}`, tomorrow ? (tomorrow.precipitation > 0 ? 1 : 0) : null);
  }
  return out;
}
