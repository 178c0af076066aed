import type { z } from '../vendor/zod.cjs';

/**
 * The path of every own `__proto__` key in a decoded JSON or YAML value. Both decoders make
 * `{"__proto__": "x"}` an ordinary key, but zod's records and objects skip it: the key would vanish
 * from a stored definition with a 200 (a tag, a renamed column, a permission's required tag lost
 * without a word). A refinement of a record comes too late, on zod's output; and wrapping each record
 * in a transform would drop the defaults from the published JSON Schema; so the input is walked once.
 */
export function protoKeyPaths(value: unknown): PropertyKey[][] {
  const found: PropertyKey[][] = [];
  // A stack, not recursion, and each node links to its parent instead of copying its path: a body
  // nested thousands deep must neither overflow the call stack nor take memory quadratic in its depth.
  type Node = { value: unknown; key: PropertyKey; parent: Node | null };
  const pathOf = (node: Node): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let n: Node | null = node; n?.parent; n = n.parent) path.push(n.key);
    return path.reverse();
  };
  const stack: Node[] = [{ value, key: '', parent: null }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const v = node.value;
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      if (keys[i] === '__proto__') found.push([...pathOf(node), '__proto__']);
      else stack.push({ value: (v as Record<string, unknown>)[keys[i]], key: keys[i], parent: node });
    }
  }
  return found;
}

/** For `z.preprocess`: a 400 naming each own `__proto__` key of the input (see `protoKeyPaths`). */
export function refuseProtoKeys(input: unknown, ctx: z.RefinementCtx): unknown {
  for (const path of protoKeyPaths(input)) {
    ctx.addIssue({ code: 'custom', path, message: "'__proto__' cannot be a key: JavaScript objects reserve it, so it would be dropped", input });
  }
  return input;
}
