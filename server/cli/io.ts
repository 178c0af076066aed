import { TesseraError } from '../errors.js';

/** Where a command writes; tests pass buffers. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
};

/** A command: parses its own arguments, returns the exit code. */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** Prints an error the way a person wants to read it: the message, then each field and its problem. */
export function printError(io: CliIo, e: unknown): void {
  if (e instanceof TesseraError) {
    io.stderr(`error: ${e.message}\n`);
    for (const f of e.errors) io.stderr(`  ${f.path}: ${f.message}\n`);
  } else {
    io.stderr(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
}

export function usageError(message: string): TesseraError {
  return new TesseraError('validation', message);
}
