import type { Column } from '../columns/column.js';
import type { FeatureType } from '../domain/value-type.js';

/**
 * Rows' entities, for transforms that look across rows of one entity (ffill). The caller passes rows
 * sorted by entity, then event time, then created time.
 */
export interface RowContext {
  /** Dense entity id per row: rows of one entity share an id and are contiguous. */
  entityIds: Int32Array;
  /** The entity key (join key values joined by `\u0001`) for each dense id. */
  entityKeys: readonly string[];
  /**
   * Last non-null value per entity key seen before these rows (earlier batches or runs), for the
   * chain's first ffill step. ffill reads it and writes its own last values back, so the caller can
   * carry it to the next batch.
   */
  carry?: Map<string, number | string>;
  /**
   * The same for the chain's later ffill steps (1 = its second ffill step). Each step keeps its own: a
   * step carries the last value of its own input, and a step reading another's map would be seeded with
   * the value of a later row of the same batch. Without it, a later ffill step carries nothing.
   */
  laterCarry?: (ordinal: number) => Map<string, number | string>;
}

/** One output column of a chain. `suffix` is '' for the feature itself, or the category slug (`__` not included). */
export interface OutputColumn {
  suffix: string;
  type: FeatureType;
  column: Column;
}
