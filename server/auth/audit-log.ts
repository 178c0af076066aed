import type { Logger } from '../logger.js';
import type { AuditEntry, AuthStore } from '../registry/auth-store.js';

/**
 * How long an entry waits for others before they are appended together. One commit per request cost
 * a 1-row push about as much as its own online write (and the WAL checkpoints those commits bring
 * hit its tail): at 1,000 pushes/s this makes 20 commits/s of up to 50 entries each.
 */
export const AUDIT_BATCH_MS = 50;

/**
 * Writes audit entries without holding up the answer: entries queue and are appended in one transaction
 * at most AUDIT_BATCH_MS after the first of them. `flush` writes what is queued at once and waits for
 * it (the audit route before it reads, tests, shutdown).
 */
export class AuditLog {
  private queue: AuditEntry[] = [];
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: AuthStore,
    private readonly logger: Logger,
  ) {}

  record(entry: AuditEntry): void {
    this.queue.push(entry);
    // Not unref'd: a short-lived process (the CLI) stays up until its entries are written.
    if (this.timer === null) this.timer = setTimeout(() => void this.flush(), AUDIT_BATCH_MS);
  }

  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() => this.store.appendAudit(batch).catch((err: unknown) => this.logger.error({ err, entries: batch.length }, 'audit entries could not be written')));
    }
    return this.writing;
  }
}

/** How the audit log names an identity: its public id and name, never a credential. */
export function actorName(identity: { subject: string; name: string } | null): string {
  if (!identity) return 'unauthenticated';
  return identity.subject === identity.name ? identity.subject : `${identity.subject} (${identity.name})`;
}
