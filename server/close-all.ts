/**
 * Runs every step of a shutdown in order, each even when an earlier one failed, then throws the first
 * failure. A stop is where stores are most likely gone: a registry that no longer answers must not
 * leave the pipeline thread, the feature log or the online store open (an open thread keeps the
 * process alive after "stopped").
 */
export async function closeAll(steps: (() => Promise<unknown>)[]): Promise<void> {
  let first: { error: unknown } | null = null;
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      first ??= { error: e };
    }
  }
  if (first) throw first.error;
}
