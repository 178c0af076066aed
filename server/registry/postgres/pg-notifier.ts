import pg from 'pg';
import type { RegistryTopic } from '../registry-backend.js';

/** The NOTIFY channel of each topic (per database: two registries on one server never hear each other). */
export const CHANNELS: Record<RegistryTopic, string> = { catalog: 'tessera_catalog', runs: 'tessera_runs' };

/**
 * One connection that LISTENs to the registry's channels and calls the topic's listeners. It is
 * opened on the first subscription; when the connection drops it reconnects (every `retryMs`) and
 * then calls every listener once, since notifications sent meanwhile are lost. Listeners are hints:
 * the catalog cache and the run queue poll as well.
 */
export class PgNotifier {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly listeners = new Map<RegistryTopic, Set<() => void>>();

  constructor(
    private readonly url: string,
    private readonly retryMs: number,
  ) {}

  subscribe(topic: RegistryTopic, listener: () => void): () => void {
    const set = this.listeners.get(topic) ?? new Set();
    this.listeners.set(topic, set);
    set.add(listener);
    if (!this.client && !this.connecting && !this.retry) this.connect();
    return () => set.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.connecting;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private connect(): void {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: this.retryMs * 4, keepAlive: true, application_name: 'tessera-listen' });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      this.scheduleRetry();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      for (const [topic, channel] of Object.entries(CHANNELS)) if (channel === n.channel) this.emit(topic as RegistryTopic);
    });
    this.connecting = (async () => {
      try {
        await client.connect();
        for (const channel of Object.values(CHANNELS)) await client.query(`LISTEN ${channel}`);
        if (this.closed) {
          await client.end();
          return;
        }
        const reconnected = this.client === null && this.everConnected;
        this.client = client;
        this.everConnected = true;
        if (reconnected) for (const topic of this.listeners.keys()) this.emit(topic);
      } catch {
        client.end().catch(() => undefined);
        this.scheduleRetry();
      } finally {
        this.connecting = null;
      }
    })();
  }

  private everConnected = false;

  private scheduleRetry(): void {
    if (this.closed || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed) this.connect();
    }, this.retryMs);
    this.retry.unref();
  }

  private emit(topic: RegistryTopic): void {
    for (const listener of this.listeners.get(topic) ?? []) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the others still hear the change.
      }
    }
  }
}
