import type { Action, Resource } from '../domain/permission.js';
import { type AuthInput, type Need, type RouteAuth, bodyObject, each, needsFromBody, selectionResources } from './route-auth.js';

/**
 * The needs of routes whose resources are in the body (or, for uploads, the query string): shared by
 * the route tables that declare them.
 */

/** The body's field, else the query's (uploads carry the selection in the query string). */
function field(input: AuthInput, name: string): unknown {
  const body = bodyObject(input);
  return body[name] ?? input.query[name];
}

const views = (names: string[]): Resource[] => names.map((name) => ({ type: 'feature_view', name }));

/** The feature views a push source feeds (push permissions are on views, as Feast's); the source itself when it feeds none. */
function fedBy(input: AuthInput, source: string): Resource[] {
  const fed = [...input.catalog.featureViews.values()].filter((v) => (v.spec as { source?: unknown }).source === source).map((v) => v.name);
  return fed.length > 0 ? views(fed) : [{ type: 'source', name: source }];
}

const PUSH_ACTIONS: Record<string, Action[]> = { online: ['WRITE_ONLINE'], offline: ['WRITE_OFFLINE'], online_and_offline: ['WRITE_ONLINE', 'WRITE_OFFLINE'] };

/** Materializing reads the source and writes both stores: both write actions on every view named (all when none is). */
const materializeNeeds = (input: AuthInput): Need[] => {
  const named = bodyObject(input).feature_views;
  const list = Array.isArray(named) && named.length > 0 ? named.filter((n): n is string => typeof n === 'string') : ['*'];
  return each(['WRITE_ONLINE', 'WRITE_OFFLINE'], views(list));
};

/** Applying creates what is new and updates what exists; changing permissions is for admins (their own route kind). */
const applyNeeds = (input: AuthInput): Need[] => {
  const body = bodyObject(input);
  const out: Need[] = [];
  const kinds = [
    ['entities', 'entity', input.catalog.entities],
    ['sources', 'source', input.catalog.sources],
    ['featureViews', 'feature_view', input.catalog.featureViews],
    ['featureServices', 'feature_service', input.catalog.featureServices],
    ['alerts', 'alert_rule', input.catalog.alerts],
    ['webhooks', 'webhook', input.catalog.webhooks],
    ['monitors', 'monitor', input.catalog.monitors],
  ] as const;
  for (const [key, type, existing] of kinds) {
    const list = Array.isArray(body[key]) ? (body[key] as unknown[]) : [];
    for (const item of list) {
      const name = (item as { name?: unknown } | null)?.name;
      if (typeof name !== 'string') continue;
      out.push({ action: existing.has(name) ? 'UPDATE' : 'CREATE', resource: { type, name } });
    }
  }
  // A bundle that sets permissions is an admin's: no permission can grant the right to grant.
  if (body.permissions !== undefined) out.push({ action: 'UPDATE', resource: { type: 'project', name: 'permissions' }, adminOnly: true });
  return out;
};

export const ROUTE_NEEDS = {
  apply: needsFromBody(applyNeeds),
  online: needsFromBody((input) => each(['READ_ONLINE'], selectionResources(field(input, 'features'), field(input, 'feature_service')))),
  push: needsFromBody(
    (input) => {
      const body = bodyObject(input);
      const source = typeof body.push_source_name === 'string' ? body.push_source_name : '';
      return each(PUSH_ACTIONS[typeof body.to === 'string' ? body.to : 'online'] ?? PUSH_ACTIONS.online, fedBy(input, source));
    },
    { expensive: true },
  ),
  writeToOnlineStore: needsFromBody((input) => each(['WRITE_ONLINE'], views([String(bodyObject(input).feature_view_name ?? '')])), { expensive: true }),
  materialize: needsFromBody(materializeNeeds, { expensive: true }),
  historical: needsFromBody((input) => each(['READ_OFFLINE'], selectionResources(field(input, 'features'), field(input, 'feature_service'))), { expensive: true }),
  createDataset: needsFromBody(
    (input) => [
      { action: 'CREATE', resource: { type: 'training_dataset', name: String(field(input, 'name') ?? '') } },
      ...each(['READ_OFFLINE'], selectionResources(field(input, 'features'), field(input, 'feature_service'))),
    ],
    { expensive: true },
  ),
  skew: needsFromBody((input) => each(['READ_OFFLINE'], [{ type: 'feature_service', name: String(bodyObject(input).featureService ?? '') }]), { expensive: true }),
  drift: needsFromBody((input) => each(['READ_OFFLINE'], views([String(bodyObject(input).featureView ?? '')])), { expensive: true }),
} satisfies Record<string, RouteAuth>;
