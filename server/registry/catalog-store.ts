import type { FittedState } from '../domain/feature-view-version.js';
import type { Catalog, ObjectKind } from './catalog.js';
import type { ApplyPlan } from './plan.js';

export interface ApplyRecord {
  id: number;
  appliedAt: number;
  actor: string;
  summary: ApplyPlan['summary'];
}

/**
 * The catalog of definitions, one part of a `RegistryBackend` (SQLite or PostgreSQL). Contract, proved
 * for every backend by `test/registry/catalog-store.contract.ts`:
 * - `loadCatalog` returns one consistent snapshot of every definition and its versions.
 * - `applyPlan` writes all of a plan or nothing, and refuses (code `conflict`) a plan computed from a
 *   revision that is no longer current, so two concurrent applies (any processes) cannot interleave.
 * - Versions are immutable: only `setFittedState` touches one, once (a second call for the same
 *   version is a `conflict`). A run's snapshot commit may fit a version too (`RunStore.commitSnapshot`).
 * - Every write bumps the revision that `revision()` returns (a fit by a snapshot commit too).
 * - Deleting a feature view forgets, in the same transaction, everything the registry holds for it:
 *   its snapshots, watermarks and ffill carry, and its queued or running runs end `failed` (reason
 *   `deleted`), so a view created later under the name starts afresh and a run still executing cannot
 *   commit. (Online rows and offline files are not the registry's: `DeleteService` removes them.)
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
