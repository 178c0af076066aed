import { validationError } from '../errors.js';
import { findPath } from './json-path.js';

/**
 * The most keys one object of a request body may hold. No request needs more: entity rows carry at
 * most 1,000 columns and a request names at most 10,000 features. Without a bound, one object of a
 * million keys (a 16 MB body holds about that many) kept the event loop for seconds: JSON.parse
 * alone takes 2-3 s to build it, then enumerating its keys ~0.5-1 s, and zod visiting them 8-10 s.
 */
export const MAX_OBJECT_KEYS = 10_000;

/**
 * Refuses a JSON text holding an object of more than MAX_OBJECT_KEYS keys: a 400 naming it. Runs on
 * the text, before JSON.parse builds the object. Every key is followed by a colon, so a text of at
 * most MAX_OBJECT_KEYS colons is not scanned: the hot paths' bodies are that small. The text need
 * not be valid JSON (JSON.parse judges that next); then what is named may not be an object.
 */
export function checkJsonObjectSizes(text: string): void {
  if (!hasMoreThan(text, ':', MAX_OBJECT_KEYS)) return;
  const found = scanForBigObject(text, MAX_OBJECT_KEYS);
  if (found !== null) throw tooManyKeys(found.path, found.keys);
}

/** Refuses a decoded value (YAML: no JSON text to scan) holding an object of more than MAX_OBJECT_KEYS keys. */
export function checkObjectSizes(value: unknown): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const items = Array.isArray(v) ? v : Object.values(v);
    if (!Array.isArray(v) && items.length > MAX_OBJECT_KEYS) throw tooManyKeys(findPath(value, { value: (x) => x === v }) ?? '', items.length);
    for (const item of items) if (typeof item === 'object' && item !== null) stack.push(item);
  }
}

function tooManyKeys(path: string, keys: number): Error {
  const limit = MAX_OBJECT_KEYS.toLocaleString('en-US');
  return validationError(`the request body holds an object of ${keys.toLocaleString('en-US')} keys, more than the ${limit} one object may hold`, [
    { path: path || '(body)', message: `${keys.toLocaleString('en-US')} keys: at most ${limit}` },
  ]);
}

function hasMoreThan(text: string, char: string, count: number): boolean {
  // A text that short holds fewer of any character: the usual request pays one comparison.
  if (text.length <= count) return false;
  let at = -1;
  for (let seen = 0; seen <= count; seen++) {
    at = text.indexOf(char, at + 1);
    if (at === -1) return false;
  }
  return true;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * The first object of more than `max` keys in a JSON text (its path, and all its keys counted), or
 * null. One pass over the characters; per open container a count (keys, or the array's index) and,
 * for an object, where its current key is in the text.
 */
function scanForBigObject(text: string, max: number): { path: string; keys: number } | null {
  const isObject: boolean[] = [];
  const counts: number[] = [];
  const keyAt: number[] = [];
  const keyEnd: number[] = [];
  let top = -1;
  let inObject = false;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        keyAt[top] = i;
        keyEnd[top] = end;
        expectKey = false;
      }
      i = end - 1;
    } else if (c === COLON) {
      if (inObject && ++counts[top] > max) return { path: pathAt(text, isObject, counts, keyAt, keyEnd, top), keys: keysFrom(text, i + 1, counts[top]) };
    } else if (c === COMMA) {
      if (inObject) expectKey = true;
      else if (top >= 0) counts[top]++;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      top++;
      inObject = c === OPEN_OBJECT;
      isObject[top] = inObject;
      counts[top] = 0;
      keyAt[top] = -1;
      expectKey = inObject;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      top--;
      inObject = top >= 0 && isObject[top];
      expectKey = false;
    }
  }
  return null;
}

/** The index just past the string that opens at `start` (or the text's end, when it does not close). */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** Counts the rest of the object's keys from `from` (its keys so far: `seen`), to report them all. */
function keysFrom(text: string, from: number, seen: number): number {
  let keys = seen;
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) - 1;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth-- === 0) break;
    } else if (c === COLON && depth === 0) keys++;
  }
  return keys;
}

/** The path of the container at `top`: each enclosing object's current key, each array's index. */
function pathAt(text: string, isObject: boolean[], counts: number[], keyAt: number[], keyEnd: number[], top: number): string {
  let path = '';
  for (let level = 0; level < top; level++) {
    if (!isObject[level]) path += `[${counts[level]}]`;
    else {
      const key = keyAt[level] === -1 ? '' : readKey(text.slice(keyAt[level], keyEnd[level]));
      path += level === 0 ? key : `.${key}`;
    }
  }
  return path;
}

function readKey(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted;
  }
}
