import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A private folder for one retrieval's files (entity input, result), removed when it is done. */
export class Scratch {
  private constructor(readonly dir: string) {}

  static async create(parent: string): Promise<Scratch> {
    const dir = path.join(parent, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
    await fs.promises.mkdir(dir, { recursive: true });
    return new Scratch(dir);
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  async dispose(): Promise<void> {
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Removes scratch folders a crashed process left behind. Only old ones: other live processes share
 * the data dir, and a folder younger than `maxAgeMs` may belong to a retrieval still running.
 */
export async function removeStaleScratch(parent: string, maxAgeMs: number, now: number): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(parent, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const full = path.join(parent, entry.name);
    const stat = await fs.promises.stat(full).catch(() => null);
    if (stat && now - stat.mtimeMs > maxAgeMs) await fs.promises.rm(full, { recursive: true, force: true });
  }
}
