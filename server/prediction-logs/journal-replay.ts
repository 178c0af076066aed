import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SealedSegment } from './journal.js';
import type { LogRow } from './log-row.js';

const SEGMENT = /^(\d+)-([0-9a-z]+)-(\d+)\.ndjson$/;

/** Whether a process with this id runs (EPERM: it does, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A journal writer's name: its pid, then when it was made (ms, base 36) and 6 random hex digits. */
export function journalOwner(now = Date.now()): string {
  return `${process.pid}-${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * The segments in `dir` whose writer is gone: another owner whose process no longer runs, or one with
 * this process's pid made before this process started (an earlier process: a container restarted as
 * pid 1). One with this pid made since is a live writer of this very process (the pipeline thread's
 * services beside the server's), whose segment is its own to publish: taking it would cut the live
 * file short and lose what it acknowledges next. `processStart`: the process's start, the same in
 * every thread.
 */
export function deadSegments(dir: string, owner: string, alive: (pid: number) => boolean = processAlive, processStart = performance.timeOrigin): string[] {
  if (!fs.existsSync(dir)) return [];
  const [myPid] = owner.split('-');
  return fs
    .readdirSync(dir)
    .filter((name) => {
      const m = SEGMENT.exec(name);
      if (!m || `${m[1]}-${m[2]}` === owner) return false;
      if (m[1] === myPid) return Number.parseInt(m[2].slice(0, -6), 36) < Math.floor(processStart);
      return !alive(Number(m[1]));
    })
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * A dead writer's segment, cut to the lines it wrote whole: reading stops at the preallocated zeros, a
 * zeroed (failed) group or a torn last line, none of which was acknowledged. The file is truncated to
 * that length so DuckDB reads exactly those lines.
 */
export async function recoverSegment(file: string): Promise<SealedSegment> {
  const data = await fs.promises.readFile(file);
  const rows: LogRow[] = [];
  let start = 0;
  while (start < data.length && data[start] !== 0) {
    const end = data.indexOf(0x0a, start);
    if (end < 0) break;
    let row: LogRow;
    try {
      row = JSON.parse(data.toString('utf8', start, end)) as LogRow;
    } catch {
      break;
    }
    rows.push(row);
    start = end + 1;
  }
  if (start !== data.length) {
    const handle = await fs.promises.open(file, 'r+');
    try {
      await handle.truncate(start);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return { name: path.basename(file, '.ndjson'), file, rows };
}
