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

/**
 * The segments in `dir` whose writer is gone: another owner whose process no longer runs, or an
 * earlier process with this one's pid (a container restarted as pid 1). A live process's segments are
 * its own to publish.
 */
export function deadSegments(dir: string, owner: string, alive: (pid: number) => boolean = processAlive): string[] {
  if (!fs.existsSync(dir)) return [];
  const [myPid] = owner.split('-');
  return fs
    .readdirSync(dir)
    .filter((name) => {
      const m = SEGMENT.exec(name);
      if (!m || `${m[1]}-${m[2]}` === owner) return false;
      return m[1] === myPid || !alive(Number(m[1]));
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
