import { Writable } from 'node:stream';
import { type Logger, createLogger } from '../../server/logger.js';

/** A logged line as a test reads it: its message, its error's code, and whatever else it carries. */
export interface LoggedLine {
  msg: string;
  err?: { code?: string };
  // `any`: other fields are asserted by name, per test, and vary with the call.
  [field: string]: any;
}

/** A logger at `level` whose JSON lines the test reads, parsed, in `lines`. */
export function capturedLogger(level: Parameters<typeof createLogger>[0] = 'info'): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}
