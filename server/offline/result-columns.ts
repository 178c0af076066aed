import { type FieldError, validationError } from '../errors.js';
import { ENTITY_TIMESTAMP, entityPath } from './entity-input.js';
import type { EntityColumn } from './entity-relation.js';
import type { RetrievalPlan } from './retrieval-plan.js';

export type ColumnRole = 'key' | 'timestamp' | 'entity' | 'feature';

const ROLE_NAMES: Record<ColumnRole, string> = { key: 'join key', timestamp: 'timestamp', entity: 'entity', feature: 'feature' };

/** A column of a retrieval's answer. */
export interface ResultColumn {
  name: string;
  role: ColumnRole;
  /** DuckDB type, as written to the result Parquet file. */
  type: string;
}

/**
 * The answer's columns: join keys, `event_timestamp`, the entity's extra columns, then the features.
 * Two with one name would make an ambiguous answer: a 400 naming the entity column or the feature
 * list (full_feature_names tells features apart). Names are compared ignoring case, as DuckDB's
 * identifiers are: it would rename `conv_rate` beside a `CONV_RATE` label to `conv_rate_1` unasked.
 */
export function resultColumns(plan: RetrievalPlan, extras: EntityColumn[], extraTimes: string[] = []): Omit<ResultColumn, 'type'>[] {
  const columns: Omit<ResultColumn, 'type'>[] = [
    ...plan.keys.map((k) => ({ name: k.name, role: 'key' as const })),
    { name: ENTITY_TIMESTAMP, role: 'timestamp' },
    ...extraTimes.map((name) => ({ name, role: 'timestamp' as const })),
    ...extras.map((c) => ({ name: c.name, role: 'entity' as const })),
  ];
  const fold = (name: string) => name.toLowerCase();
  const taken = new Map(columns.map((c) => [fold(c.name), c]));
  const errors: FieldError[] = [];
  for (const f of plan.features) {
    const clash = taken.get(fold(f.outputName));
    const inCase = clash && clash.name !== f.outputName ? ' (column names ignore case)' : '';
    if (clash?.role === 'entity')
      errors.push({ path: entityPath(clash.name), message: `clashes with the feature column '${f.outputName}'${inCase}; rename the entity column or ask with full_feature_names` });
    else if (clash)
      errors.push({
        path: 'features',
        message: `feature column '${f.outputName}' clashes with the ${ROLE_NAMES[clash.role]} column '${clash.name}'${inCase}; ask with full_feature_names`,
      });
    else {
      const column = { name: f.outputName, role: 'feature' as const };
      columns.push(column);
      taken.set(fold(f.outputName), column);
    }
  }
  if (errors.length) throw validationError(`column names clash: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  return columns;
}
