import type { Catalog, FittedState, ObjectKind } from './catalog.js';
import type { ApplyPlan } from './plan.js';

export interface ApplyRecord {
  id: number;
  appliedAt: number;
  actor: string;
  summary: ApplyPlan['summary'];
}

/**
 * The catalog of definitions. Implementations: SQLite (`sqlite-registry.ts`); PostgreSQL later, hence
 * the Promises. Contract:
 * - `loadCatalog` returns one consistent snapshot of every definition and its versions.
 * - `applyPlan` writes all of a plan or nothing, and refuses (code `conflict`) a plan computed from a
 *   revision that is no longer current, so two concurrent applies cannot interleave.
 * - Versions are immutable: only `setFittedState` touches one, once (a second call for the same
 *   version is a `conflict`).
 * - Every write bumps the revision that `revision()` returns.
 */
export interface CatalogStore {
  loadCatalog(): Promise<Catalog>;
  revision(): Promise<number>;
  applyPlan(plan: ApplyPlan, audit: { actor: string; bundle: unknown }): Promise<void>;
  /** Removes one object. Refuses (code `conflict`) when another object still references it. */
  deleteObject(kind: ObjectKind, name: string): Promise<void>;
  /** Adds version N+1 of a view with the latest definition and no fitted state (a refit). */
  addRefitVersion(view: string): Promise<number>;
  setFittedState(view: string, version: number, state: FittedState): Promise<void>;
  applyHistory(limit: number): Promise<ApplyRecord[]>;
}
