import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** Where file sources may read: the definitions folder, and the other roots (TESSERA_SOURCE_ROOTS). */
export interface FileRoots {
  /** The definitions folder: relative paths resolve here. */
  baseDir: string;
  roots?: readonly string[];
}

export const ROOTS_HINT = 'file sources read only inside the definitions folder and the folders in TESSERA_SOURCE_ROOTS (docs/security.md)';

/** The real paths of the roots (of a root not created yet: where it will be, `realPathSoFar`). */
export function realRoots(where: FileRoots): Promise<string[]> {
  return Promise.all([where.baseDir, ...(where.roots ?? [])].map((root) => realPathSoFar(path.resolve(root))));
}

/** True when `file` is `root` or below it (both absolute and normalized). */
export function isInside(file: string, root: string): boolean {
  const relative = path.relative(root, file);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * The real path of `absolute` as far as it exists: the real path of its longest existing ancestor,
 * with the rest of the path appended (a part that does not exist yet cannot be a symbolic link).
 */
export async function realPathSoFar(absolute: string): Promise<string> {
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    const real = await realpath(existing).catch(() => null);
    if (real !== null) return path.join(real, ...rest.reverse());
    const parent = path.dirname(existing);
    if (parent === existing) return absolute;
    rest.push(path.basename(existing));
    existing = parent;
  }
}

/**
 * Why `absolute` (a file, or the fixed folder part of a glob) may not be read, or null. The real
 * path decides, so `..`, absolute paths and symbolic links are judged by where they lead.
 */
export async function outsideRoots(absolute: string, where: FileRoots, roots?: readonly string[]): Promise<string | null> {
  const real = await realPathSoFar(absolute);
  const allowed = roots ?? (await realRoots(where));
  if (allowed.some((root) => isInside(real, root))) return null;
  const lexical = [where.baseDir, ...(where.roots ?? [])].some((root) => isInside(absolute, path.resolve(root)));
  // The target of a link is not named: it is outside, and none of the caller's business.
  return lexical ? `leads outside the allowed folders through a symbolic link; ${ROOTS_HINT}` : `is outside the allowed folders; ${ROOTS_HINT}`;
}

/** The folder part of a path or glob before its first wildcard segment (the whole path when there is none). */
export function fixedPrefix(absolute: string): string {
  const segments = absolute.split(path.sep);
  const firstGlob = segments.findIndex(isGlobSegment);
  return firstGlob < 0 ? absolute : segments.slice(0, firstGlob).join(path.sep) || path.sep;
}

export function isGlobSegment(segment: string): boolean {
  return segment.includes('*') || segment.includes('?');
}

/** Why a source's path or glob may not be read, checked when a definition is applied (nothing need exist yet). */
export async function pathProblem(pattern: string, where: FileRoots): Promise<string | null> {
  const absolute = path.resolve(where.baseDir, pattern);
  return outsideRoots(fixedPrefix(absolute), where);
}
