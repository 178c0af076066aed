import { z } from '../vendor/zod.cjs';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION_PATTERN = /^(?:\d+[smhdw])+$/;

/**
 * Parses a duration: runs of `<n><unit>` (units s m h d w, as in `1d12h`) or a number of seconds.
 * Returns seconds, or null when the text is not a duration.
 */
export function parseDuration(input: string | number): number | null {
  if (typeof input === 'number') return Number.isInteger(input) && input >= 0 && input <= MAX_SECONDS ? input : null;
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text) <= MAX_SECONDS ? Number(text) : null;
  if (!DURATION_PATTERN.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]];
  return total <= MAX_SECONDS ? total : null;
}

/** The span of time a Date can hold (about 273,790 years): a longer duration means nothing. */
const MAX_SECONDS = 8.64e12;

/** Accepts `2d`, `1d12h`, `3600` or 3600; the parsed value is seconds (0 = no limit). */
export const durationSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const seconds = parseDuration(v);
  if (seconds === null) {
    ctx.addIssue({ code: 'custom', message: `'${v}' is not a duration: use <n><unit> runs (units s m h d w, e.g. "1d12h") or whole seconds, at most 8.64e12 seconds` });
    return z.NEVER;
  }
  return seconds;
});

/** Renders seconds in the largest exact units, e.g. 129600 -> "1d12h". */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const unit of ['w', 'd', 'h', 'm', 's']) {
    const size = UNIT_SECONDS[unit];
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
