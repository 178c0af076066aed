/** Time, injectable so tests can pin "now" (ttl checks, schedules, run records). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(ms: number): Clock & { set(ms: number): void } {
  let current = ms;
  return { now: () => current, set: (next: number) => void (current = next) };
}
