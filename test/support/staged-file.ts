import fs from 'node:fs';
import type { FileStore } from '../../server/offline/file-store.js';

/** A staging file as a writer makes it (`FileStore.stagingPath`), last written `ageMs` before `now`; its absolute path. */
export async function stagedFile(files: FileStore, relPath: string, now: number, ageMs: number): Promise<string> {
  const file = await files.stagingPath(relPath);
  fs.writeFileSync(file, 'PAR1 half a file');
  fs.utimesSync(file, new Date(now - ageMs), new Date(now - ageMs));
  return file;
}
