import type { Action, Resource, ResourceType } from '../domain/permission.js';
import type { Catalog } from '../registry/catalog.js';

/** What a request carries that names resources; `body` only once it has been read. */
export interface AuthInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
  catalog: Catalog;
}

/** One action on one resource a request needs. */
export interface Need {
  action: Action;
  resource: Resource;
  /** Only the admin role satisfies it: no permission grants it, not even one for every action. */
  adminOnly?: boolean;
}

/**
 * A route's authorization: open to all (probes, the API's own description), admins only, or the
 * actions on the resources the request names. `stage: 'body'` decides once the body is read (the
 * resources are in it); `url` before anything is read.
 */
export type RouteAuth = { kind: 'open' } | { kind: 'admin'; expensive?: boolean } | { kind: 'needs'; stage: 'url' | 'body'; needs: (input: AuthInput) => Need[]; expensive?: boolean };

/** Expensive routes (offline reads, writes, materialization) count against the identity's rate limit. */
export interface NeedsOptions {
  expensive?: boolean;
}

export const OPEN: RouteAuth = { kind: 'open' };
export const ADMIN_ONLY: RouteAuth = { kind: 'admin' };

/** `name` for "every resource of the type": only permissions without name patterns (or `.*`) cover it. */
export const EVERY = '*';

/** The actions on resources named by the URL (path parameters, query). */
export function needs(actions: Action | Action[], resources: (input: AuthInput) => Resource[], options: NeedsOptions = {}): RouteAuth {
  const list = Array.isArray(actions) ? actions : [actions];
  return { kind: 'needs', stage: 'url', needs: (input) => resources(input).flatMap((resource) => list.map((action) => ({ action, resource }))), ...options };
}

/** The needs of a request whose resources are in its body. */
export function needsFromBody(needsOf: (input: AuthInput) => Need[], options: NeedsOptions = {}): RouteAuth {
  return { kind: 'needs', stage: 'body', needs: needsOf, ...options };
}

/** The same actions on every resource. */
export function each(actions: Action[], resources: Resource[]): Need[] {
  return resources.flatMap((resource) => actions.map((action) => ({ action, resource })));
}

/** The resource a path parameter names. */
export const named =
  (type: ResourceType, param = 'name') =>
  (input: AuthInput): Resource[] => [{ type, name: input.params[param] ?? '' }];

/** Every resource of a type (lists). */
export const every = (type: ResourceType) => (): Resource[] => [{ type, name: EVERY }];

/** A project-wide resource (runs, apply history, metrics, prediction logs). */
export const project = (name: string) => (): Resource[] => [{ type: 'project', name }];

/** The body as a plain object, or `{}` (a malformed body is the route's 400 to answer, after this). */
export function bodyObject(input: AuthInput): Record<string, unknown> {
  const b = input.body;
  return b !== null && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

/**
 * The views and the service a feature selection reads: `view:feature`, `view@2:feature` name a view;
 * a feature service is a resource of its own (reading through it needs the action on it only).
 */
export function selectionResources(features: unknown, featureService: unknown): Resource[] {
  if (typeof featureService === 'string' && featureService !== '') return [{ type: 'feature_service', name: featureService }];
  const list = typeof features === 'string' ? features.split(',') : Array.isArray(features) ? features : [];
  const views = new Set<string>();
  for (const ref of list) if (typeof ref === 'string') views.add(ref.trim().split(':')[0].split('@')[0]);
  return [...views].map((name) => ({ type: 'feature_view', name }));
}
