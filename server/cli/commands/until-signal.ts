import type { Logger } from '../../logger.js';

/** How long a stopped server waits for its last handles to close before it exits regardless. */
const EXIT_BACKSTOP_MS = 3_000;

/** Resolves once SIGTERM or SIGINT arrives and `stop` has run. */
export function untilSignal(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight work');
      stop()
        .catch((e: unknown) => logger.error({ err: e }, 'error during shutdown'))
        .finally(() => {
          logger.info('stopped');
          // Everything Tessera owns is closed now. A socket to a store that went away without closing
          // it (a registry cut off mid-connect) can keep the event loop alive for minutes, and a
          // server that ignores SIGTERM gets killed by its supervisor: exit anyway, a moment later.
          setTimeout(() => {
            logger.warn({ afterMs: EXIT_BACKSTOP_MS }, 'handles still open after stopping: exiting');
            process.exit();
          }, EXIT_BACKSTOP_MS).unref();
          resolve();
        });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}
