import { isScalar, parseDocument, visit } from 'yaml';
import { validationError } from '../errors.js';

/**
 * The most characters a YAML body may hold. The yaml package spends 5-7 us per character of small
 * nodes (a 500 KB flow list of integers: 2.5-3.4 s holding the event loop; 16 MB were allowed), so a
 * YAML body is kept to what it reads in well under a second. A bundle is written by hand; a larger one
 * can be sent as JSON, read ~100 times faster.
 */
export const MAX_YAML_CHARS = 128 * 1024;

/**
 * The deepest nesting a YAML body may hold. yaml composes nodes recursively: 100,000 `[` (200 KB)
 * took 1.1 s to overflow the stack, and in the server the overflow landed in V8's regex compiler,
 * which aborts the process ("RegExpCompiler Allocation failed").
 */
export const MAX_YAML_DEPTH = 1_000;

/**
 * Decodes a YAML body to a plain value with every cost bounded before yaml spends it: its size, its
 * nesting (counted on the text), duplicate keys (found with a set: yaml's own check compares every key
 * with every other, and 20,000 keys took 3-6 s; decodeBody then counts each object's keys) and aliases, which may not form a cycle (an
 * anchor holding an alias of itself, `a: &a [*a]`, builds a value that holds itself: the walks after it
 * never end). Errors are 400s; yaml's warnings (an unknown tag) are not written to the process's stderr.
 */
export function parseYamlBody(text: string): unknown {
  if (text.length > MAX_YAML_CHARS) {
    const limit = MAX_YAML_CHARS.toLocaleString('en-US');
    throw validationError(`a YAML body holds at most ${limit} characters; send a larger bundle as JSON`, [
      { path: '(body)', message: `${text.length.toLocaleString('en-US')} characters: at most ${limit} in YAML` },
    ]);
  }
  if (yamlDepthBound(text) > MAX_YAML_DEPTH) {
    throw validationError('the request body is nested too deeply', [{ path: '(body)', message: `nested more than ${MAX_YAML_DEPTH} levels` }]);
  }
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length > 0) throw notYaml(doc.errors[0].message);
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
  if (problem !== null) throw notYaml(problem);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (e) {
    throw notYaml(e instanceof Error ? e.message : String(e));
  }
  if (holdsItself(value)) throw notYaml('an alias refers to a node that holds it: the value would hold itself');
  return value;
}

function notYaml(message: string) {
  return validationError('the request body is not valid YAML', [{ path: '(body)', message }]);
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
    else if (flow === 0 && (c === 0x2d || c === 0x3f || c === 0x3a) && (i + 1 === text.length || text.charCodeAt(i + 1) === 0x20 || text.charCodeAt(i + 1) === 0x0a)) block++;
    if (c !== 0x20) lineStart = false;
    if (flow + block > deepest) deepest = flow + block;
  }
  return deepest;
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
