import { fileURLToPath } from 'node:url';

/**
 * Tests run in one of two ways. `npm test` compiles the whole repository once into .test-build/ and runs
 * the compiled tests with plain node; a test file run by hand (`node --import tsx --test test/x.test.ts`)
 * runs from source through tsx. A child process or worker a test starts must run the same way as the
 * test: the helpers below pick the compiled `.js` beside a compiled caller, and the `.ts` through tsx
 * beside a source one. Plain node starts a process in about half the CPU of tsx, whose loader hooks cost
 * a round trip per module; `npm test` starts ~300 processes.
 */

/** The URL of a module named by its source path (`../server/x.ts`) relative to `from` (an import.meta.url). */
export function moduleUrl(from: string, sourcePath: string): URL {
  return new URL(from.endsWith('.ts') ? sourcePath : sourcePath.replace(/\.ts$/, '.js'), from);
}

/** Whether `from` (an import.meta.url) is source run through tsx, whose children need tsx too. */
export function needsTsx(from: string): boolean {
  return from.endsWith('.ts');
}

/** The node arguments that load tsx, for a child of source code; none for compiled code. */
export function loaderArgs(from: string): string[] {
  // tsx by its absolute URL, so the child resolves it from this checkout whatever its working directory.
  return needsTsx(from) ? ['--import', import.meta.resolve('tsx')] : [];
}

/** The node arguments that run the script named by its source path relative to `from`, before its own arguments. */
export function scriptArgs(from: string, sourcePath: string): string[] {
  return [...loaderArgs(from), fileURLToPath(moduleUrl(from, sourcePath))];
}
