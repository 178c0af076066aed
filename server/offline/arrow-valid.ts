import type * as arrow from '../vendor/arrow.cjs';

/** Whether row `i` of a chunk holds a value. Arrow JS slices values with the data, not the validity bitmap (`offset + i`). */
export function isValid(data: arrow.Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap) return true;
  const j = data.offset + i;
  return (data.nullBitmap[j >> 3] & (1 << (j & 7))) !== 0;
}
