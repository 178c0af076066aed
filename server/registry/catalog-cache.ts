import type { Catalog } from './catalog.js';
import type { CatalogStore } from './catalog-store.js';

/**
 * Keeps the catalog in memory so hot paths (online reads) never query the registry. Writers in this
 * process call `refresh()`; changes made by other processes (cluster workers, the CLI) are picked up
 * by `watch()`, which compares the stored revision on a timer, off the request path.
 */
export class CatalogCache {
  private current: Catalog | null = null;
  private loading: Promise<Catalog> | null = null;
  private readonly listeners = new Set<(catalog: Catalog) => void>();

  constructor(private readonly store: CatalogStore) {}

  /** The cached catalog; loads it on first use. */
  async get(): Promise<Catalog> {
    return this.current ?? this.refresh();
  }

  /** The cached catalog, or null before the first load (for synchronous hot paths). */
  peek(): Catalog | null {
    return this.current;
  }

  /**
   * The catalog as stored now: reloaded when the stored revision moved (one revision query). For the
   * management API, whose reads must show a write another thread or process just made (a run's fit,
   * a CLI's apply) without waiting for `watch`; hot paths use `get`/`peek`.
   */
  async latest(): Promise<Catalog> {
    if (this.current === null) return this.refresh();
    const stored = await this.store.revision();
    let catalog = this.current;
    // A load already under way (which refresh() hands back) may have started before that revision.
    while (catalog.revision < stored) catalog = await this.refresh();
    return catalog;
  }

  /**
   * Reloads when the stored revision moved; true when it had. For a name a hot path did not find in
   * the cached catalog: another process may have just created it (the cache follows on a timer or a
   * notification, moments later).
   */
  async reloadIfMoved(): Promise<boolean> {
    const before = this.current?.revision;
    return (await this.latest()).revision !== before;
  }

  async refresh(): Promise<Catalog> {
    if (!this.loading) {
      this.loading = this.store.loadCatalog().then(
        (catalog) => {
          this.loading = null;
          const changed = this.current?.revision !== catalog.revision;
          this.current = catalog;
          if (changed) for (const listener of this.listeners) listener(catalog);
          return catalog;
        },
        (e: unknown) => {
          this.loading = null;
          throw e;
        },
      );
    }
    return this.loading;
  }

  /** Calls `listener` with each new catalog (after applies, fits, deletes). Returns an unsubscribe. */
  onChange(listener: (catalog: Catalog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Polls the stored revision every `intervalMs` and reloads when it moved. Returns a stop function. */
  watch(intervalMs: number, onError: (e: unknown) => void): () => void {
    const timer = setInterval(() => {
      this.store
        .revision()
        .then((revision) => (revision !== this.current?.revision ? this.refresh() : undefined))
        .catch(onError);
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
