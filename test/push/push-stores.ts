import { REDIS_SKIP, deleteKeysUnder, redisUrlWithPrefix, uniquePrefix } from '../support/redis.js';

/** An online store a push server runs on: `overrides` go to `pipelineServer`. */
export interface PushStore {
  name: string;
  skip: string | false;
  overrides(): Record<string, unknown>;
}

// Each Redis-backed server gets a key prefix of its own (removed at the end): suites must not see each other's rows.
const prefixes: string[] = [];

/** Every online store; the push suites run against each. */
export const PUSH_STORES: PushStore[] = [
  { name: 'SQLite', skip: false, overrides: () => ({}) },
  { name: 'Redis', skip: REDIS_SKIP ?? false, overrides: () => ({ onlineUrl: redisUrlWithPrefix(prefixes[prefixes.push(uniquePrefix()) - 1]) }) },
];

/** Removes the keys of every Redis prefix handed out (an `after` hook). */
export async function forgetStorePrefixes(): Promise<void> {
  for (const prefix of prefixes.splice(0)) await deleteKeysUnder(prefix);
}
