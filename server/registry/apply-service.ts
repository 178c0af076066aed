import type { Bundle } from '../domain/bundle.js';
import { TesseraError, validationError } from '../errors.js';
import type { CatalogCache } from './catalog-cache.js';
import { type ApplySummary, planApply } from './plan.js';
import type { CatalogStore } from './catalog-store.js';
import { validateBundle } from './validate-bundle.js';

export interface ApplyOptions {
  dryRun: boolean;
  /** Who applied: `http <request id>`, `cli`, `serve (startup)`. Recorded in the apply history. */
  actor: string;
  /** Maps a merged bundle path back to its file, when the bundle came from several files. */
  origin?: (path: string) => string;
}

export interface ApplyResult extends ApplySummary {
  dryRun: boolean;
}

/** Validates, plans and (unless dry) applies a bundle in one transaction. */
export class ApplyService {
  constructor(
    private readonly store: CatalogStore,
    private readonly cache: CatalogCache,
  ) {}

  async apply(bundle: Bundle, options: ApplyOptions): Promise<ApplyResult> {
    // A concurrent apply moves the revision under us; plan again over the new catalog, a few times.
    for (let attempt = 0; ; attempt++) {
      const catalog = await this.cache.refresh();
      const errors = validateBundle(bundle, catalog);
      if (errors.length > 0) {
        const origin = options.origin ?? ((p: string) => p);
        throw validationError(
          `the bundle is invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'}`,
          errors.map((e) => ({ ...e, path: origin(e.path) })),
        );
      }
      const plan = planApply(catalog, bundle);
      if (options.dryRun || plan.writes.length === 0) return { ...plan.summary, dryRun: options.dryRun };
      try {
        await this.store.applyPlan(plan, { actor: options.actor, bundle });
      } catch (e) {
        if (e instanceof TesseraError && e.code === 'conflict' && attempt < 3) continue;
        throw e;
      }
      await this.cache.refresh();
      return { ...plan.summary, dryRun: false };
    }
  }
}
