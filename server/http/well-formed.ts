import { validationError } from '../errors.js';
import { findPath } from './json-path.js';

// JSON and YAML can spell a lone UTF-16 surrogate as an escape (`"\ud800"`); raw UTF-8 cannot (decodeBody
// refuses invalid bytes). Such a string is not text: DuckDB's JSON reader refuses the line it is written
// to, Parquet and SQLite store U+FFFD in its place, so a key or value would change, or a log stop
// publishing, long after the request was accepted.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/**
 * Refuses a decoded body holding a string (a value or a key) with a lone surrogate: a 400 naming it.
 * `json`: the JSON text it was decoded from, when it was JSON: only a text with a surrogate escape is
 * walked (the hot paths' bodies have none). YAML has more escape forms, so a YAML body is always walked.
 */
export function checkWellFormed(value: unknown, json?: string): void {
  if (json !== undefined && !(json.includes('\\u') && SURROGATE_ESCAPE.test(json))) return;
  const bad = findPath(value, { value: (v) => typeof v === 'string' && LONE_SURROGATE.test(v), key: (k) => LONE_SURROGATE.test(k) });
  if (bad !== null) {
    throw validationError('the request body holds a string that is not valid Unicode', [
      { path: bad || '(body)', message: 'a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape) is not text' },
    ]);
  }
}
