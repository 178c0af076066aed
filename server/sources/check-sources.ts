import type { Source } from '../domain/source.js';
import type { FieldError } from '../errors.js';
import { pathProblem } from './file-roots.js';
import { httpAccess, literalProblem, resolvedProblem } from './http-access.js';
import { parseIp } from './ip-address.js';
import type { SourceContext } from './source.js';
import { sqliteQueryProblem } from './sqlite-query.js';

/** How long apply waits for DNS before leaving the address check to the run. */
const RESOLVE_TIMEOUT_MS = 3000;

/**
 * What an applied source may reach, checked before it is stored: file paths and globs inside the
 * allowed roots (by real path), SQLite queries read-only, HTTP URLs to allowed destinations. Every
 * problem names its field (`sources[0].path`). Runs check all of this again when they open a file or
 * connect, since files and DNS change after an apply.
 */
export async function checkSources(sources: readonly Source[], ctx: SourceContext): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  await Promise.all(
    sources.map(async (source, i) => {
      const at = `sources[${i}]`;
      const add = (field: string, message: string) => errors.push({ path: `${at}.${field}`, message });
      switch (source.type) {
        case 'csv':
        case 'jsonl':
        case 'parquet': {
          const problem = await pathProblem(source.path, ctx);
          if (problem !== null) add('path', `'${source.path}' ${problem}`);
          break;
        }
        case 'sqlite': {
          const problem = await pathProblem(source.database, ctx);
          if (problem !== null) add('database', `'${source.database}' ${problem}`);
          const query = sqliteQueryProblem(source.query);
          if (query !== null) add('query', query);
          break;
        }
        case 'http': {
          const problem = await urlProblem(source.url, ctx);
          if (problem !== null) add('url', `refused: ${problem}`);
          break;
        }
      }
    }),
  );
  return errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * A URL template's problem: its host (with `{start}`/`{end}` filled in, which may only sit in the
 * path or query) must be allowed, by name, by literal address, or by what it resolves to now. A
 * name that does not resolve within a few seconds passes: the run checks it again before connecting.
 */
async function urlProblem(template: string, ctx: SourceContext): Promise<string | null> {
  const access = ctx.http ?? httpAccess();
  const url = URL.parse(template.replaceAll('{start}', '').replaceAll('{end}', ''));
  // The source schema refuses such a template; this keeps a stored one from failing an apply with a 500.
  if (url === null) return 'not a URL once {start} and {end} are filled in';
  const literal = literalProblem(url, access);
  if (literal !== null) return literal;
  if (parseIp(url.hostname) !== null) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), RESOLVE_TIMEOUT_MS);
  });
  try {
    const addresses = await Promise.race([access.resolve(url.hostname).catch(() => null), timeout]);
    return addresses === null || addresses.length === 0 ? null : resolvedProblem(url, addresses, access);
  } finally {
    clearTimeout(timer);
  }
}
