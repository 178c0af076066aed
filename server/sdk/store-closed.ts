import { TesseraError } from '../errors.js';

/**
 * What every call on a closed store throws, embedded or over `connect()`. 'unavailable', as for a store
 * that does not answer: the caller's code is the same whichever store it holds, and the raw errors of
 * the closed databases underneath (a TypeError from SQLite) say nothing about what happened.
 */
export function storeClosed(): TesseraError {
  return new TesseraError('unavailable', 'the feature store is closed');
}
