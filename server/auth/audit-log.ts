import type { Logger } from '../logger.js';
import type { AuditEntry, AuthStore } from '../registry/auth-store.js';

/**
 * Writes audit entries without holding up the answer: entries queue and are appended in one statement
 * per turn of the event loop. `flush` waits for what is queued (tests, shutdown).
 */
export class AuditLog {
  private queue: AuditEntry[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: AuthStore,
    private readonly logger: Logger,
  ) {}

  record(entry: AuditEntry): void {
    this.queue.push(entry);
    if (this.queue.length === 1) setImmediate(() => void this.flush());
  }

  flush(): Promise<void> {
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
