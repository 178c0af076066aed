import { NAME_PATTERN } from './names.js';

/**
 * A parsed feature reference: `view:feature`, `view@N:feature` or `view:*`. Feast's spellings of a
 * version are accepted too: `view@vN:feature` and `view@latest:feature` (the same as no version).
 */
export interface FeatureRef {
  view: string;
  /** null = the latest version. */
  version: number | null;
  /** A feature name, or '*' for all features of the view. */
  feature: string;
}

const REF_PATTERN = /^([a-z][a-z0-9_]{0,62})(?:@(?:v?([1-9][0-9]{0,8})|(latest)))?:(\*|[a-z][a-z0-9_]{0,62})$/;

/** Parses a reference, or returns a message saying what is wrong with it. */
export function parseFeatureRef(text: string): FeatureRef | string {
  const m = REF_PATTERN.exec(text);
  if (m) return { view: m[1], version: m[2] === undefined ? null : Number(m[2]), feature: m[4] };
  if (!text.includes(':')) return `'${text}' is not a feature reference: expected "view:feature", "view@N:feature" or "view:*"`;
  const [view] = text.split(':');
  const viewName = view.split('@')[0];
  if (!NAME_PATTERN.test(viewName)) return `'${text}': '${viewName}' is not a valid view name`;
  if (view.includes('@') && !/^[a-z][a-z0-9_]*@(?:v?[1-9][0-9]*|latest)$/.test(view)) return `'${text}': the version after '@' must be a positive integer (N or vN) or 'latest'`;
  return `'${text}' is not a feature reference: expected "view:feature", "view@N:feature" or "view:*"`;
}

export function formatFeatureRef(ref: FeatureRef): string {
  return `${ref.view}${ref.version === null ? '' : `@${ref.version}`}:${ref.feature}`;
}
