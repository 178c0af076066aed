import { scriptArgs } from './node-child.js';

/**
 * The node arguments that run `tessera <args>` in a child process: the compiled CLI under `npm test`
 * (as `bin/tessera.js` runs it for users; a `serve` then starts in ~1.8 s of CPU instead of ~3.2 s
 * through tsx), the sources through tsx when the test itself runs from source (node-child.ts).
 */
export function tesseraArgs(args: string[]): string[] {
  return [...scriptArgs(import.meta.url, '../../server/cli/bin.ts'), ...args];
}
