import fs from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { TesseraError } from '../errors.js';
import type { PredictionLoggerOptions } from './prediction-logger.js';
import { checkPredictionLoggerOptions, invalidOption, MAX_TIMER_MS } from './prediction-logger-options.js';

/** The shortest `refreshMs`: below it the store would spend its time asking the registry for changes. */
export const MIN_REFRESH_MS = 10;
/** The longest `refreshMs`: setInterval takes anything longer as 1 ms (Node warns, then polls every millisecond). */
const MAX_REFRESH_MS = MAX_TIMER_MS;

export interface EmbeddedOptions {
  /** The data dir a Tessera server (or `tessera apply` + `materialize`) writes; created when absent. */
  dataDir: string;
  /** Most entity rows per online request (default 10,000,000, as a server's TESSERA_MAX_ONLINE_ROWS); also most rows per `transform`. */
  maxRows?: number;
  /**
   * How often to look for definition changes made by other processes, in whole milliseconds (default
   * 1000). Values below 10 ms are refused ('validation' naming refreshMs), not raised to 10: a caller
   * who asked for 0 most likely meant "never" or "at once", and neither is what a floor would give.
   */
  refreshMs?: number;
  clock?: Clock;
  /**
   * The online store behind a URL (`redis://...`), as `TESSERA_ONLINE_URL` for a server; unset =
   * `<dataDir>/online.db`. Over Redis `getOnlineFeatures` works; `getOnlineFeaturesSync` throws
   * `unsupported` (it needs the embedded store).
   */
  onlineUrl?: string;
  /** Batching of `logPrediction` (written to this data dir's prediction log, in this process). */
  predictionLog?: PredictionLoggerOptions;
}

/**
 * `openFeatureStore`'s options checked, and the configuration they make (a server's, from them only:
 * TESSERA_* variables are not read). Errors name the option as the caller wrote it (`maxRows`, not
 * the configuration's `maxOnlineRows`).
 */
export function embeddedConfig(options: unknown): { config: Config; refreshMs: number } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw invalidOption('dataDir', 'required: openFeatureStore({ dataDir })');
  const given = options as Partial<Record<keyof EmbeddedOptions, unknown>>;
  const dataDir = given.dataDir;
  if (typeof dataDir !== 'string' || dataDir === '') throw invalidOption('dataDir', dataDir === undefined ? 'required: the data dir a Tessera server writes' : 'expected the path of a directory');
  const resolved = path.resolve(dataDir);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(resolved, { throwIfNoEntry: false });
  } catch (e) {
    // ENOTDIR: a file stands where one of its parent directories should be.
    if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    throw invalidOption('dataDir', `'${resolved}' cannot be a directory: a file stands in its path`);
  }
  if (stat && !stat.isDirectory()) throw invalidOption('dataDir', `'${resolved}' is not a directory`);
  const refreshMs = given.refreshMs ?? 1000;
  if (typeof refreshMs !== 'number' || !Number.isInteger(refreshMs) || refreshMs < MIN_REFRESH_MS || refreshMs > MAX_REFRESH_MS) {
    throw invalidOption('refreshMs', `expected whole milliseconds from ${MIN_REFRESH_MS} to ${MAX_REFRESH_MS}`);
  }
  // Before anything opens: a bad one would leave the stores open behind the error.
  checkPredictionLoggerOptions(given.predictionLog);
  try {
    const config = loadConfig({ dataDir: resolved, maxOnlineRows: given.maxRows, logLevel: 'warn', onlineUrl: given.onlineUrl }, {});
    return { config, refreshMs };
  } catch (e) {
    if (!(e instanceof TesseraError)) throw e;
    const errors = e.errors.map((f) => (f.path === 'maxOnlineRows' ? { ...f, path: 'maxRows' } : f));
    throw new TesseraError(e.code, `invalid options: ${errors.map((f) => `${f.path}: ${f.message}`).join('; ')}`, errors, { cause: e });
  }
}
