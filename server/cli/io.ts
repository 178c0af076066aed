import { TesseraError } from '../errors.js';

/** Where a command writes; tests pass buffers. `stderrIsTty` turns progress lines on. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress is drawn there, and nothing extra goes to pipes. */
  stderrIsTty?: boolean;
  /** Terminal width for progress lines (default 80). */
  columns?: number;
}

export const processIo: CliIo = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  stderrIsTty: process.stderr.isTTY === true,
  columns: process.stderr.columns,
};

/** Exit codes, documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** The command ran and failed: refused input, an unknown object, a failed run. */
  failed: 1,
  /** The command was called wrongly: unknown command or option, missing argument, bad value. */
  usage: 2,
  /** The server (`--url`) or a store could not be reached. */
  unavailable: 3,
} as const;

/**
 * Prints an error the way a person wants to read it: the message, then each field and its problem.
 * A stack only for errors that are not Tessera's own (bugs), and only with TESSERA_DEBUG set.
 */
export function printError(io: CliIo, e: unknown): number {
  if (e instanceof TesseraError) {
    io.stderr(`error: ${e.message}\n`);
    for (const f of e.errors) io.stderr(`  ${f.path}: ${f.message}\n`);
    return e.code === 'unavailable' ? EXIT.unavailable : EXIT.failed;
  }
  const debug = io.env.TESSERA_DEBUG !== undefined && io.env.TESSERA_DEBUG !== '' && io.env.TESSERA_DEBUG !== '0';
  const message = e instanceof Error ? e.message : String(e);
  io.stderr(`error: ${debug && e instanceof Error ? (e.stack ?? message) : message}\n`);
  return EXIT.failed;
}
