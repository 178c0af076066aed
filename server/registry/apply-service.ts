import type { Bundle } from '../domain/bundle.js';
import type { Source } from '../domain/source.js';
import { type FieldError, TesseraError, validationError } from '../errors.js';
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

/**
 * What the bundle's sources may reach (files inside the allowed roots, allowed HTTP destinations,
 * read-only queries): problems with their paths (`sources[0].path`). It reads the file system and DNS,
 * so it is passed in, and the plan and validation stay pure.
 */
export type SourceCheck = (sources: readonly Source[]) => Promise<FieldError[]>;

/** Validates, plans and (unless dry) applies a bundle in one transaction. */
export class ApplyService {
  constructor(
    private readonly store: CatalogStore,
    private readonly cache: CatalogCache,
    private readonly checkSources: SourceCheck,
    /** Stores a bundle's `permissions:` (they replace the previous list). */
    private readonly replacePermissions?: (permissions: NonNullable<Bundle['permissions']>) => Promise<void>,
  ) {}

  async apply(bundle: Bundle, options: ApplyOptions): Promise<ApplyResult> {
    const sourceErrors = await this.checkSources(bundle.sources);
    // A concurrent apply moves the revision under us; plan again over the new catalog, a few times.
    for (let attempt = 0; ; attempt++) {
      const catalog = await this.cache.refresh();
      const errors = [...validateBundle(bundle, catalog), ...sourceErrors];
      if (errors.length > 0) {
        const origin = options.origin ?? ((p: string) => p);
        throw validationError(
          `the bundle is invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'}`,
          errors.map((e) => ({ ...e, path: origin(e.path) })),
        );
      }
      const permissionNames = new Set<string>();
      for (const [i, p] of (bundle.permissions ?? []).entries()) {
        if (permissionNames.has(p.name)) throw validationError('the bundle is invalid: 1 problem', [{ path: `permissions[${i}].name`, message: `a second permission named '${p.name}'` }]);
        permissionNames.add(p.name);
      }
      const plan = planApply(catalog, bundle);
      if (!options.dryRun && bundle.permissions !== undefined && this.replacePermissions) await this.replacePermissions(bundle.permissions);
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
