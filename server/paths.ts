import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root folder (the one with package.json and migrations/), found by walking up from this
 * file, so the same code works from `server/` under tsx and from `dist/server/` once compiled.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'migrations'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the Tessera package root (a folder with package.json and migrations/)');
    dir = parent;
  }
}

export function migrationsDir(): string {
  return path.join(packageRoot(), 'migrations');
}
