import path from 'node:path';
import { packageRoot } from '../../server/paths.js';

/**
 * The node arguments that run `tessera <args>` in a child process. `npm test` builds dist/ from this
 * checkout before the tests and sets TESSERA_TEST_DIST=1: children then run the compiled CLI, as
 * `bin/tessera.js` does for users. A `serve` then starts in ~1.8 s of CPU instead of ~3.2 s through
 * tsx, and `npm test` starts ~100 of them. Otherwise (a test file run by hand) children run the sources
 * through tsx, so an edit never meets a stale build.
 */
export function tesseraArgs(args: string[]): string[] {
  const root = packageRoot();
  if (process.env.TESSERA_TEST_DIST === '1') return [path.join(root, 'dist/server/cli/bin.js'), ...args];
  // tsx by its absolute URL, so the child resolves it from this checkout whatever its working directory.
  return ['--import', import.meta.resolve('tsx'), path.join(root, 'server/cli/bin.ts'), ...args];
}
