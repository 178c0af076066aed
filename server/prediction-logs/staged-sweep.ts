import fs from 'node:fs';
import type { FileStore } from '../offline/file-store.js';

/**
 * A staged file untouched this long is an orphan, whatever the grace period. Writers (the publisher,
 * the compactors, `writeAtomic`) create a staging file, fill it (DuckDB writes row group after row
 * group, so its mtime moves while it works) and rename it as soon as it is whole: seconds. Ten
 * minutes of silence means the writer died or stalled far beyond any write; and a stalled writer that
 * wakes to a swept file only fails that attempt (its segment stays in the journal, its group stays
 * listed) and writes it again.
 */
export const STAGED_FLOOR_MS = 600_000;

/** A staging name (`FileStore.stagingPath`): `<final name>.<hex digits>.tmp`. */
const STAGED = /\.[0-9a-f]+\.tmp$/;

/**
 * Deletes the staging files under `dir` (relative to the file store) that a writer left behind when it
 * died between writing and renaming them: those not modified for `max(graceMs, STAGED_FLOOR_MS)`.
 * Returns how many went.
 */
export async function sweepStaged(files: FileStore, dir: string, now: number, graceMs: number): Promise<number> {
  const minAge = Math.max(graceMs, STAGED_FLOOR_MS);
  let removed = 0;
  for (const f of await files.list(dir)) {
    if (!STAGED.test(f)) continue;
    const stat = await fs.promises.stat(files.locate(f)).catch(() => null);
    if (stat === null || now - stat.mtimeMs < minAge) continue;
    await files.remove(f);
    removed++;
  }
  return removed;
}
