import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

/** The part of autocannon 9's options the benchmark uses (the package ships no types). */
export interface AutocannonOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests to send, then wait for: when set, `duration` is ignored. */
  amount?: number;
  /** Requests per second over all connections; autocannon sends each second's quota at once. */
  overallRate?: number;
  /** Seconds: a request without an answer after this counts as a timeout. */
  timeout?: number;
  pipelining?: number;
  /** Milliseconds between autocannon's samples; a run ends on the first sample after \`duration\`. */
  sampleInt?: number;
  requests: { method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body?: string }[];
}

export interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** The running benchmark: emits `response(client, statusCode, bytes, milliseconds)` per answer. */
export interface AutocannonInstance extends EventEmitter {
  stop(): void;
}

type Autocannon = (options: AutocannonOptions, done: (error: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

/** autocannon is CommonJS without type declarations: loaded through require, typed by the interfaces above. */
export const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
