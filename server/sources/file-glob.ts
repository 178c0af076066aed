import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { TesseraError } from '../errors.js';
import { type FileRoots, ROOTS_HINT, fixedPrefix, isGlobSegment, isInside, outsideRoots, realRoots } from './file-roots.js';

export interface MatchedFile {
  /** Absolute real path (symbolic links resolved and checked): what a reader opens. */
  path: string;
  /** Path relative to the base folder, with `/` (absolute when in another root): how locations and errors name the file. */
  name: string;
}

/**
 * Expands a file path or glob relative to `where.baseDir`, files sorted by name (code-point order).
 * `*` and `?` match within one path segment, `**` spans zero or more folders. Like a shell, wildcards
 * do not match names starting with `.` unless the pattern segment does. No `[...]` or `{a,b}` syntax:
 * those characters match themselves. A plain path must exist; a glob must match at least one file.
 *
 * Nothing outside the allowed roots is read or listed: the path (or the glob's fixed folder) must lead
 * inside a root by its real path, a symbolic link met while walking is followed only into a root, and
 * every file is returned by its real path, checked here, just before a reader opens it. Otherwise a
 * `source_refused` error says why (without naming where a link leads).
 */
export async function matchFiles(pattern: string, where: FileRoots, sourceName: string): Promise<MatchedFile[]> {
  const baseDir = where.baseDir;
  const absolute = path.resolve(baseDir, pattern);
  const roots = await realRoots(where);
  const refuse = (what: string) => new TesseraError('source_refused', `source '${sourceName}': ${what}`);
  const outside = await outsideRoots(fixedPrefix(absolute), where, roots);
  if (outside !== null) throw refuse(`'${pattern}' ${outside}`);
  const nameOf = (p: string): string => (isInside(p, baseDir) ? path.relative(baseDir, p).split(path.sep).join('/') : p);
  const checked = async (p: string): Promise<string> => {
    const real = await realpath(p);
    if (!roots.some((root) => isInside(real, root))) {
      throw refuse(`'${nameOf(p)}'${p === absolute ? '' : ` (matched by '${pattern}')`} leads outside the allowed folders through a symbolic link; ${ROOTS_HINT}`);
    }
    return real;
  };
  if (fixedPrefix(absolute) === absolute) {
    const info = await stat(absolute).catch(() => null);
    if (info === null || !info.isFile()) throw new TesseraError('source_error', `source '${sourceName}': file '${pattern}' does not exist (resolved to ${absolute})`);
    return [{ path: await checked(absolute), name: nameOf(absolute) }];
  }
  const segments = absolute.split(path.sep);
  const firstGlob = segments.findIndex(isGlobSegment);
  const matchers = segments.slice(firstGlob).map((s) => (s === '**' ? null : segmentRegex(s)));
  const found: string[] = [];
  await walk(fixedPrefix(absolute), matchers, 0, found, checked);
  if (found.length === 0) throw new TesseraError('source_error', `source '${sourceName}': no file matches '${pattern}' (in ${baseDir})`);
  const files: MatchedFile[] = [];
  for (const file of [...new Set(found)]) files.push({ path: await checked(file), name: nameOf(file) });
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return files;
}

/** Checks a path met while walking: its real path when inside a root, else it throws. */
type Check = (p: string) => Promise<string>;

async function walk(dir: string, matchers: readonly (RegExp | null)[], at: number, found: string[], check: Check): Promise<void> {
  const matcher = matchers[at];
  const last = at === matchers.length - 1;
  // `**` matches zero folders (go on with the next segment right here) or more (descend, stay on `**`);
  // as the last segment it matches every file below.
  if (matcher === null && !last) await walk(dir, matchers, at + 1, found, check);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (matcher === null) {
      if (entry.name.startsWith('.')) continue;
      // `**` does not follow links to folders (a link to an ancestor would never end).
      if (entry.isDirectory()) await walk(full, matchers, at, found, check);
      else if (last && (await isFile(full, entry.isFile()))) found.push(full);
    } else if (matcher.test(entry.name)) {
      if (last) {
        if (await isFile(full, entry.isFile())) found.push(full);
      } else if (await isDirectory(full, entry, check)) {
        await walk(full, matchers, at + 1, found, check);
      }
    }
  }
}

/** A folder to descend into; a symbolic link to a folder only after its real path is checked. */
async function isDirectory(full: string, entry: Dirent, check: Check): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink() || !(await stat(full).catch(() => null))?.isDirectory()) return false;
  await check(full);
  return true;
}

async function isFile(full: string, direct: boolean): Promise<boolean> {
  if (direct) return true;
  return (await stat(full).catch(() => null))?.isFile() ?? false;
}

function segmentRegex(segment: string): RegExp {
  let re = segment.startsWith('.') || !(segment.startsWith('*') || segment.startsWith('?')) ? '^' : '^(?!\\.)';
  for (const ch of segment) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}
