import { validationError } from '../errors.js';
import { parseYamlBounded } from '../yaml-bounded.js';

/**
 * The most characters a YAML body may hold. The yaml package spends 5-7 us per character of small
 * nodes (a 500 KB flow list of integers: 2.5-3.4 s holding the event loop; 16 MB were allowed), so a
 * YAML body is kept to what it reads in well under a second. A bundle is written by hand; a larger one
 * can be sent as JSON, read ~100 times faster.
 */
export const MAX_YAML_CHARS = 128 * 1024;

/** Decodes a YAML request body: at most MAX_YAML_CHARS, then as parseYamlBounded (its errors are the caller's "not valid YAML"). */
export function parseYamlBody(text: string): unknown {
  if (text.length > MAX_YAML_CHARS) {
    const limit = MAX_YAML_CHARS.toLocaleString('en-US');
    throw validationError(`a YAML body holds at most ${limit} characters; send a larger bundle as JSON`, [
      { path: '(body)', message: `${text.length.toLocaleString('en-US')} characters: at most ${limit} in YAML` },
    ]);
  }
  return parseYamlBounded(text);
}
