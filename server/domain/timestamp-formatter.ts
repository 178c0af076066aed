const DAY_MS = 86_400_000;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** "HH:MM:" for each minute of a day, "SS." for each second, "mmmZ" for each millisecond. */
const MINUTES = Array.from({ length: 1440 }, (_, m) => `${pad(Math.floor(m / 60), 2)}:${pad(m % 60, 2)}:`);
const SECONDS = Array.from({ length: 60 }, (_, s) => `${pad(s, 2)}.`);
const MILLIS = Array.from({ length: 1000 }, (_, ms) => `${pad(ms, 3)}Z`);
/** Protobuf's JSON form of a timestamp (Feast's answers): no fraction when it is zero. */
const SECONDS_BARE = Array.from({ length: 60 }, (_, s) => pad(s, 2));
const MILLIS_FEAST = Array.from({ length: 1000 }, (_, ms) => (ms === 0 ? 'Z' : `.${pad(ms, 3)}Z`));

/**
 * `formatTimestamp` for hot paths: the date part of each day is computed once (answers repeat days),
 * the time of day is three table lookups, and the last answer is kept (rows of one batch often share
 * their event time). Gives exactly `new Date(ms).toISOString()`, about ten times faster.
 * One instance per user (it keeps a bounded cache of days). With `form: 'protobuf'` it writes
 * protobuf's JSON form instead, as Feast's answers do: `...T10:00:00Z`, a fraction only when non-zero.
 */
export class TimestampFormatter {
  private readonly days = new Map<number, string>();
  private lastMs = Number.NaN;
  private last = '';
  private readonly seconds: string[];
  private readonly millis: string[];

  constructor(form: 'iso' | 'protobuf' = 'iso') {
    this.seconds = form === 'iso' ? SECONDS : SECONDS_BARE;
    this.millis = form === 'iso' ? MILLIS : MILLIS_FEAST;
  }

  format(ms: number): string {
    if (ms === this.lastMs) return this.last;
    const day = Math.floor(ms / DAY_MS);
    let date = this.days.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 11);
      // Outside years 0000-9999 toISOString writes a sign and six digits: let it do the whole string.
      if (date[10] !== 'T') return this.seconds === SECONDS ? new Date(ms).toISOString() : new Date(ms).toISOString().replace('.000Z', 'Z');
      if (this.days.size >= 4096) this.days.clear();
      this.days.set(day, date);
    }
    const rest = ms - day * DAY_MS;
    const millis = rest % 1000;
    const seconds = (rest - millis) / 1000;
    const second = seconds % 60;
    this.lastMs = ms;
    this.last = date + MINUTES[(seconds - second) / 60] + this.seconds[second] + this.millis[millis];
    return this.last;
  }
}
