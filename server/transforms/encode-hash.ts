import { numericColumn } from '../columns/column.js';
import type { Column, NumericColumn } from '../columns/column.js';
import type { FeatureType } from '../domain/value-type.js';
import { categoryView, mapCodes } from './categories.js';

/**
 * Hash encoding: bucket = fnv1a32(category) % buckets, over the canonical category string (integers in
 * decimal, booleans "true"/"false"). Output int64; null stays null. Nothing is fitted (state `{}`), so
 * unseen categories hash like any other and the buckets are stable across versions and languages.
 *
 * FNV-1a, 32 bits, over the UTF-8 bytes of the string (a lone surrogate is encoded as U+FFFD, as
 * TextEncoder does):
 *
 *     h = 0x811c9dc5                       // offset basis, 2166136261
 *     for each byte b: h = ((h XOR b) * 0x01000193) mod 2^32   // FNV prime, 16777619
 *     bucket = h mod buckets               // h read as an unsigned 32-bit integer
 */
export type HashState = Record<string, never>;

export function fitHash(): HashState {
  return {};
}

export function applyHash(buckets: number, type: FeatureType, column: Column): NumericColumn {
  const view = categoryView(column, type);
  const perCode = new Float64Array(view.dictionary.length);
  for (let c = 0; c < perCode.length; c++) perCode[c] = fnv1a32(view.dictionary[c]) % buckets;
  return numericColumn(mapCodes(view.codes, perCode, NaN));
}

export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    }
    // Math.imul multiplies modulo 2^32 without losing bits to float rounding.
    if (cp < 0x80) {
      h = Math.imul(h ^ cp, 0x01000193);
    } else if (cp < 0x800) {
      h = Math.imul(h ^ (0xc0 | (cp >> 6)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), 0x01000193);
    } else if (cp < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (cp >> 12)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), 0x01000193);
    } else {
      h = Math.imul(h ^ (0xf0 | (cp >> 18)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((cp >> 12) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((cp >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (cp & 0x3f)), 0x01000193);
    }
  }
  return h >>> 0;
}
