import { type TesseraError, validationError } from '../errors.js';
import type { PredictionLoggerOptions } from './prediction-logger.js';

/** The longest a timer can wait: setInterval takes anything longer as 1 ms (Node warns, then fires every millisecond). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The shortest `flushMs`: below it the logger would spend its time waking up to find nothing queued. */
export const MIN_FLUSH_MS = 10;

/** A bad option, named as the caller wrote it (`predictionLog.flushMs`). */
export function invalidOption(field: string, message: string): TesseraError {
  return validationError(`invalid options: ${field}: ${message}`, [{ path: field, message }]);
}

/**
 * Whole numbers and their bounds. `flushMs: 0` armed a timer every millisecond, and `maxBatch: 0` made
 * a flush cut its queue in batches of nothing, for ever. Refused rather than raised to the bound, as
 * `refreshMs` is: 0 may have meant "at once" or "never", and a floor gives neither.
 */
const BOUNDS: Record<'flushMs' | 'maxBatch' | 'maxQueued' | 'attempts' | 'retryDelayMs', [number, number, string]> = {
  flushMs: [MIN_FLUSH_MS, MAX_TIMER_MS, 'whole milliseconds'],
  maxBatch: [1, Number.MAX_SAFE_INTEGER, 'a whole number of predictions'],
  maxQueued: [1, Number.MAX_SAFE_INTEGER, 'a whole number of predictions'],
  attempts: [1, Number.MAX_SAFE_INTEGER, 'a whole number of attempts'],
  retryDelayMs: [0, MAX_TIMER_MS, 'whole milliseconds'],
};

/** `predictionLog`'s options checked: a 'validation' error naming the first bad one. */
export function checkPredictionLoggerOptions(options: unknown): PredictionLoggerOptions {
  // null as undefined: the defaults, as a spread of it gave before these checks.
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidOption('predictionLog', 'expected an object: { flushMs, maxBatch, ... }');
  const given = options as Record<string, unknown>;
  for (const [name, [min, max, what]] of Object.entries(BOUNDS)) {
    const value = given[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max))
      throw invalidOption(`predictionLog.${name}`, `expected ${what} from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}`);
  }
  if (given.onError !== undefined && typeof given.onError !== 'function') throw invalidOption('predictionLog.onError', 'expected a function (error, dropped) => void');
  return options as PredictionLoggerOptions;
}
