import fs from 'node:fs';
import type { WeatherRow } from './raw-weather.js';

/** An observation as the source file will hold it: a row of a past year, re-dated to a recent instant. */
export interface PlantedRow {
  location: string;
  at: number;
  row: WeatherRow;
}

/**
 * Re-dates `rows` to instants spread evenly over [from, from + span) and shifts their temperatures by
 * `shiftC` degrees (0: the observations as they were). The drift loop plants "a warmer year" this way:
 * the observations of a past year arrive again as today's, every temperature `shiftC` higher.
 */
export function replayAsRecent(rows: WeatherRow[], from: number, span: number, shiftC: number): PlantedRow[] {
  return rows.map((row, i) => ({
    location: row.location,
    at: Math.floor(from + (i * span) / rows.length),
    row: { ...row, temp_max: round1(row.temp_max + shiftC), temp_min: round1(row.temp_min + shiftC) },
  }));
}

/**
 * Appends rows to the weather source file (a copy the server reads, never the checked-in one): the next
 * materialization commits them, as a new snapshot, through the view's frozen transforms.
 */
export function appendObservations(csvPath: string, planted: PlantedRow[]): void {
  const lines = planted.map(({ location, at, row }) => [location, new Date(at).toISOString(), row.precipitation, row.temp_max, row.temp_min, row.wind, row.weather].join(','));
  const text = fs.readFileSync(csvPath, 'utf8');
  fs.appendFileSync(csvPath, `${text.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`);
}

// Temperatures in the file have one decimal: keep them so (0.1 + 5 is not 5.1 in binary).
const round1 = (x: number) => Math.round(x * 10) / 10;
