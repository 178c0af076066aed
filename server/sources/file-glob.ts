import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { TesseraError } from '../errors.js';

export interface MatchedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the base folder, with `/`: how locations and errors name the file. */
  name: string;
}

/**
 * Expands a file path or glob relative to `baseDir`, files sorted by relative path (code-point order).
 * `*` and `?` match within one path segment, `**` spans zero or more folders. Like a shell, wildcards
 * do not match names starting with `.` unless the pattern segment does. No `[...]` or `{a,b}` syntax:
 * those characters match themselves. A plain path must exist; a glob must match at least one file.
 */
export async function matchFiles(pattern: string, baseDir: string, sourceName: string): Promise<MatchedFile[]> {
  const absolute = path.resolve(baseDir, pattern);
  const segments = absolute.split(path.sep);
  const firstGlob = segments.findIndex(isGlob);
  const toFile = (p: string): MatchedFile => ({ path: p, name: path.relative(baseDir, p).split(path.sep).join('/') });
  if (firstGlob < 0) {
    const info = await stat(absolute).catch(() => null);
    if (info === null || !info.isFile()) throw new TesseraError('source_error', `source '${sourceName}': file '${pattern}' does not exist (resolved to ${absolute})`);
    return [toFile(absolute)];
  }
  const root = segments.slice(0, firstGlob).join(path.sep) || path.sep;
  const matchers = segments.slice(firstGlob).map((s) => (s === '**' ? null : segmentRegex(s)));
  const found: string[] = [];
  await walk(root, matchers, 0, found);
  if (found.length === 0) throw new TesseraError('source_error', `source '${sourceName}': no file matches '${pattern}' (in ${baseDir})`);
  const files = [...new Set(found)].map(toFile);
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return files;
}

function isGlob(segment: string): boolean {
  return segment.includes('*') || segment.includes('?');
}

async function walk(dir: string, matchers: readonly (RegExp | null)[], at: number, found: string[]): Promise<void> {
  const matcher = matchers[at];
  const last = at === matchers.length - 1;
  // `**` matches zero folders (go on with the next segment right here) or more (descend, stay on `**`);
  // as the last segment it matches every file below.
  if (matcher === null && !last) await walk(dir, matchers, at + 1, found);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (matcher === null) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) await walk(full, matchers, at, found);
      else if (last && (await isFile(full, entry.isFile()))) found.push(full);
    } else if (matcher.test(entry.name)) {
      if (last) {
        if (await isFile(full, entry.isFile())) found.push(full);
      } else if (entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full).catch(() => null))?.isDirectory())) {
        await walk(full, matchers, at + 1, found);
      }
    }
  }
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
