import type { FeatureViewDefinition } from '../domain/feature-view-version.js';
import type { Source } from '../domain/source.js';
import { diffPaths } from './view-definition.js';

/**
 * Why a changed definition makes a new version: the paths where it differs. A source that changed
 * kind (csv to sqlite) differs in nearly every field, and those fields say nothing a person needs:
 * it is one reason, `source.type: csv -> sqlite` (a push source's batch source likewise), and the
 * field list is kept for a source of the same kind.
 */
export function versionReasons(before: FeatureViewDefinition, after: FeatureViewDefinition): string[] {
  const kinds: string[] = [];
  const rest = (d: FeatureViewDefinition, drop: ('source' | 'batchSource')[]) => Object.fromEntries(Object.entries(d).filter(([k]) => !drop.includes(k as 'source')));
  const drop: ('source' | 'batchSource')[] = [];
  if (before.source.type !== after.source.type) {
    kinds.push(`source.type: ${before.source.type} -> ${after.source.type}`);
    // A batch source comes and goes with the push kind: it is part of that change.
    drop.push('source', 'batchSource');
  } else if (before.batchSource && after.batchSource && before.batchSource.type !== after.batchSource.type) {
    kinds.push(`batchSource.type: ${before.batchSource.type} -> ${after.batchSource.type}`);
    drop.push('batchSource');
  }
  return [...kinds, ...diffPaths(rest(before, drop), rest(after, drop), 10 - kinds.length)];
}

/** What changed in a source itself: its kind as one change, with its description and tags; else the fields. */
export function sourceChanges(before: Source, after: Source): string[] {
  if (before.type === after.type) return diffPaths(before, after);
  const meta = (s: Source) => ({ description: s.description, tags: s.tags });
  return [`type: ${before.type} -> ${after.type}`, ...diffPaths(meta(before), meta(after))];
}
