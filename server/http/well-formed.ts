import { validationError } from '../errors.js';

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
  const bad = findLoneSurrogate(value);
  if (bad !== null) {
    throw validationError('the request body holds a string that is not valid Unicode', [
      { path: bad || '(body)', message: 'a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape) is not text' },
    ]);
  }
}

/**
 * The path of the first string holding a lone surrogate (for a key, the key's own path), or null. A
 * stack, not recursion, with each node linked to its parent rather than holding its path: a body
 * nested thousands deep must neither overflow the call stack nor build a path per level.
 */
function findLoneSurrogate(value: unknown): string | null {
  type Node = { value: unknown; key: string | number; parent: Node | null };
  const pathOf = (node: Node): string => {
    let path = '';
    for (let n: Node | null = node; n?.parent; n = n.parent) path = typeof n.key === 'number' ? `[${n.key}]${path}` : `${n.parent.parent ? '.' : ''}${n.key}${path}`;
    return path;
  };
  const stack: Node[] = [{ value, key: '', parent: null }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const v = node.value;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return pathOf(node);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child: Node = { value: (v as Record<string, unknown>)[keys[i]], key: keys[i], parent: node };
        if (LONE_SURROGATE.test(keys[i])) return pathOf(child);
        stack.push(child);
      }
    }
  }
  return null;
}
