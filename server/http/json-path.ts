/**
 * Walks a decoded JSON or YAML value depth first, in document order, and returns the path of the first
 * value for which `value` is true, or of the first key for which `key` is true (`entities.driver_id[3]`;
 * the root is ''), or null. A stack, not recursion, with each node linked to its parent rather than
 * holding its path: a body nested thousands deep must neither overflow the call stack nor build a path
 * per level.
 */
export function findPath(root: unknown, test: { value?: (v: unknown) => boolean; key?: (k: string) => boolean }): string | null {
  type Node = { value: unknown; key: string | number; parent: Node | null };
  const stack: Node[] = [{ value: root, key: '', parent: null }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const v = node.value;
    if (test.value?.(v)) return pathOf(node);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: i, parent: node });
    } else if (typeof v === 'object' && v !== null) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child: Node = { value: (v as Record<string, unknown>)[keys[i]], key: keys[i], parent: node };
        if (test.key?.(keys[i])) return pathOf(child);
        stack.push(child);
      }
    }
  }
  return null;

  function pathOf(node: Node): string {
    let path = '';
    for (let n: Node | null = node; n?.parent; n = n.parent) path = typeof n.key === 'number' ? `[${n.key}]${path}` : `${n.parent.parent ? '.' : ''}${n.key}${path}`;
    return path;
  }
}
