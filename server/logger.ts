import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout (or the given stream), one logger per process; children carry context. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination ?? process.stdout);
}
