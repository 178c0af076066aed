import { randomFillSync } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A caller's id in its one spelling (lower case), or null when it is not a UUID. */
export function normalizeId(id: string): string | null {
  const lower = id.toLowerCase();
  return UUID.test(lower) ? lower : null;
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of epoch milliseconds, then random bits. Ids sort by the time they were
 * made, so files sorted by (loggedAt, id) keep a batch's rows together.
 */
export function uuidv7(nowMs: number, random: Buffer = randomFillSync(Buffer.alloc(10))): string {
  return timePart(nowMs) + randomPart(random);
}

/** The first 15 characters of a UUIDv7 made at `nowMs`: its 48 bits of time and the version. */
function timePart(nowMs: number): string {
  const hex = nowMs.toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7`;
}

/** The rest of a UUIDv7 from 10 random bytes (one nibble gives way to the variant bits, 10). */
function randomPart(random: Buffer): string {
  const r = random.toString('hex');
  const variant = ((Number.parseInt(r[3], 16) & 0x3) | 0x8).toString(16);
  return `${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(8, 20)}`;
}

/**
 * Ids in the order they are made, even within one millisecond (RFC 9562's monotonic counter): the ids
 * of one batch sort as the batch does. Random bytes come from a pool, not one system call per id.
 */
export class IdSource {
  private pool = Buffer.alloc(0);
  private at = 0;
  private lastMs = -1;
  private readonly last = Buffer.alloc(10);
  /** `timePart(lastMs)`: the ids of one batch share their log time, so it is formatted once. */
  private time = '';

  next(nowMs: number): string {
    if (nowMs === this.lastMs) {
      // The previous id's random bits plus one (a carry into the top bits is as unlikely as a collision).
      for (let i = 9; i >= 0; i--) {
        this.last[i] = (this.last[i] + 1) & 0xff;
        if (this.last[i] !== 0) break;
      }
    } else {
      if (this.at + 10 > this.pool.length) {
        this.pool = randomFillSync(Buffer.alloc(10 * 4096));
        this.at = 0;
      }
      this.pool.copy(this.last, 0, this.at, this.at + 10);
      // The top bit clear leaves room to count up within the millisecond.
      this.last[4] &= 0x7f;
      this.at += 10;
      this.lastMs = nowMs;
      this.time = timePart(nowMs);
    }
    return this.time + randomPart(this.last);
  }
}
