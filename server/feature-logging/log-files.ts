import { randomBytes } from 'node:crypto';
import { utcDate } from '../domain/time.js';

/** The feature logs' folder in the offline root (a view may not be called `logs`). */
export const FEATURE_LOG_ROOT = 'offline/logs/feature_services';

/** A service's log folder: `<offline root>/logs/feature_services/service=<name>/`, Hive-partitioned by date. */
export function serviceLogFolder(service: string): string {
  return `${FEATURE_LOG_ROOT}/service=${service}`;
}

/**
 * A new log file for rows whose earliest request time is `firstAt`: under that day's `date=`
 * folder, named by that time (so names sort by time within a day) and a random suffix (so two
 * processes never pick one name).
 */
export function logFilePath(service: string, firstAt: number): string {
  return `${serviceLogFolder(service)}/date=${utcDate(firstAt)}/${firstAt}-${randomBytes(4).toString('hex')}.parquet`;
}

/**
 * Whether a log file may hold rows in [start, end]: its date is that of its earliest row, and a file
 * holds at most one flush interval of rows, so it can hold rows of its day and the next one only.
 */
export function fileMayHold(file: string, start: number, end: number): boolean {
  const match = /\/date=(\d{4}-\d{2}-\d{2})\//.exec(file);
  if (!match || !file.endsWith('.parquet')) return false;
  const day = Date.parse(`${match[1]}T00:00:00Z`);
  return day <= end && day + 2 * 86_400_000 > start;
}
