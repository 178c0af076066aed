import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal values serialize equally. A BigInt (an int64
 * beyond 2^53 read exactly from a request) is written as its exact digits, which JSON.stringify refuses.
 */
export function canonicalJson(value: unknown): string {
  return jsonWithBigInts(sortKeys(value));
}

/** JSON.stringify, except that a BigInt is written as its exact digits (JSON.stringify refuses it). */
export function jsonWithBigInts(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (e) {
    // A BigInt (or a cycle, which the replacer path throws on again) makes it throw: the slower path, then.
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIGINT_MARK}${v}${BIGINT_MARK}` : v)).replace(BIGINT_TEXT, '$1');
  }
}

// A BigInt travels through JSON.stringify as a marked string, then loses its quotes and marks.
const BIGINT_MARK = '\u0000';
const BIGINT_TEXT = /"\\u0000(-?\d+)\\u0000"/g;

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
