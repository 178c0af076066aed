import { isScalar, parseDocument, visit } from 'yaml';

/**
 * The deepest nesting a YAML body may hold, as yamlDepthBound counts it (an indentation column is a
 * level). yaml composes nodes recursively: 100,000 `[` (200 KB) took 1.1 s to overflow the stack, and
 * in the server the overflow landed in V8's regex compiler, which aborts the process ("RegExpCompiler
 * Allocation failed"). Far below the stack: from a fresh stack, `- ` x 1,000 and ~850 `[` already
 * overflowed (and `- ` x 1,000 aborted). The example bundles are indented 10 columns at most.
 */
export const MAX_YAML_DEPTH = 200;

/**
 * Decodes YAML text to a plain value with every cost bounded before yaml spends it: its nesting
 * (counted on the text), duplicate keys (found with a set: yaml's own check compares every key with
 * every other, and 20,000 keys took 3-6 s; callers then count each object's keys) and aliases, which
 * may not form a cycle (an anchor holding an alias of itself, `a: &a [*a]`, builds a value that holds
 * itself: the walks after it never end, and the heap ran out). Throws a plain Error naming the problem
 * (yaml's own errors with their line). yaml's warnings (an unknown tag) are not written to stderr.
 */
export function parseYamlBounded(text: string): unknown {
  if (yamlDepthBound(text) > MAX_YAML_DEPTH) throw new Error(`nested more than ${MAX_YAML_DEPTH} levels`);
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length > 0) throw doc.errors[0];
  let problem: string | null = null;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : null;
        if (key === null) continue;
        if (seen.has(key)) {
          problem = `Map keys must be unique: '${key.slice(0, 100)}' is given twice`;
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  if (problem !== null) throw new Error(problem);
  const value = doc.toJS();
  if (holdsItself(value)) throw new Error('an alias refers to a node that holds it: the value would hold itself');
  return value;
}

/**
 * An upper bound of the text's nesting: every flow level opens with `[` or `{`, and every block level
 * of a line takes a column of indentation or an indicator (`- `, `? `, `: `) outside flow brackets. Quoted text is counted
 * too, so a string of a thousand unclosed brackets is refused as too deep: no bundle holds one.
 */
function yamlDepthBound(text: string): number {
  let flow = 0;
  let deepest = 0;
  let block = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) flow++;
    else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
    else if (c === 0x0a) {
      lineStart = true;
      block = 0;
      continue;
    } else if (c === 0x20 && lineStart) block++;
    else if (flow === 0 && (c === 0x2d || c === 0x3f || c === 0x3a) && (i + 1 === text.length || isBlank(text.charCodeAt(i + 1)))) block++;
    if (c !== 0x20) lineStart = false;
    if (flow + block > deepest) deepest = flow + block;
  }
  return deepest;
}

/** Space, newline, and the tab and carriage return yaml composes an indicator's level for before it refuses them. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Whether a decoded value contains itself (only YAML aliases can build one). Iterative: the value may be deep. */
function holdsItself(root: unknown): boolean {
  // Each entry: a value to enter, or (exit) a value whose children are done.
  const open = new Set<object>();
  const done = new Set<object>();
  const stack: { value: object; exit: boolean }[] = [];
  if (typeof root === 'object' && root !== null) stack.push({ value: root, exit: false });
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.exit) {
      open.delete(top.value);
      done.add(top.value);
      continue;
    }
    if (done.has(top.value)) continue;
    open.add(top.value);
    stack.push({ value: top.value, exit: true });
    for (const child of Object.values(top.value)) {
      if (typeof child !== 'object' || child === null) continue;
      if (open.has(child)) return true;
      if (!done.has(child)) stack.push({ value: child, exit: false });
    }
  }
  return false;
}
