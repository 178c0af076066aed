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

/** Hex digits as ASCII bytes. */
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Ids in the order they are made, even within one millisecond (RFC 9562's monotonic counter): the ids
 * of one batch sort as the batch does. Random bytes come from a pool, not one system call per id. The
 * id is written as ASCII into one buffer and read out as one flat string (`randomPart`'s hex, slices
 * and joins made five strings and a rope per id, every one of them work for the garbage collector).
 */
export class IdSource {
  private pool = Buffer.alloc(0);
  private at = 0;
  private lastMs = -1;
  private readonly last = Buffer.alloc(10);
  /** The id being made: `timePart(lastMs)` in the first 15 bytes, written once per millisecond. */
  private readonly text = Buffer.alloc(36);

  next(nowMs: number): string {
    const b = this.last;
    if (nowMs === this.lastMs) {
      // The previous id's random bits plus one (a carry into the top bits is as unlikely as a collision).
      for (let i = 9; i >= 0; i--) {
        b[i] = (b[i] + 1) & 0xff;
        if (b[i] !== 0) break;
      }
    } else {
      if (this.at + 10 > this.pool.length) {
        this.pool = randomFillSync(Buffer.alloc(10 * 4096));
        this.at = 0;
      }
      this.pool.copy(b, 0, this.at, this.at + 10);
      // The top bit clear leaves room to count up within the millisecond.
      b[4] &= 0x7f;
      this.at += 10;
      this.lastMs = nowMs;
      this.text.write(timePart(nowMs), 0, 'latin1');
    }
    // As `randomPart`: 3 hex digits, the variant (10) over the next digit's low bits, 3 digits (one dropped), 12.
    const t = this.text;
    t[15] = HEX[b[0] >> 4];
    t[16] = HEX[b[0] & 15];
    t[17] = HEX[b[1] >> 4];
    t[18] = 0x2d;
    t[19] = HEX[(b[1] & 3) | 8];
    t[20] = HEX[b[2] >> 4];
    t[21] = HEX[b[2] & 15];
    t[22] = HEX[b[3] >> 4];
    t[23] = 0x2d;
    for (let i = 4, j = 24; i < 10; i++, j += 2) {
      t[j] = HEX[b[i] >> 4];
      t[j + 1] = HEX[b[i] & 15];
    }
    return t.toString('latin1', 0, 36);
  }
}
