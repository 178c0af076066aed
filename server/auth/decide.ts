import type { Action, Permission, Resource } from '../domain/permission.js';
import { ADMIN_ROLE, type Identity } from './identity.js';

/** Whether `permission` covers `resource` (type, name pattern, tags), whatever the action and roles. */
export function covers(permission: Permission, resource: Resource): boolean {
  if (!permission.types.includes(resource.type)) return false;
  if (permission.namePatterns.length > 0 && !permission.namePatterns.some((p) => new RegExp(`^(?:${p})$`).test(resource.name))) return false;
  const tags = resource.tags ?? {};
  return Object.entries(permission.requiredTags).every(([k, v]) => tags[k] === v);
}

/**
 * The one rule: a request may do `action` on `resource` iff the identity has the admin role, or at
 * least one permission covers the resource, lists the action, and names one of the identity's roles.
 * Nothing else grants; in particular a resource no permission covers is refused (Feast's code does
 * the same; its docs say such resources are unsecured).
 */
export function allowed(identity: Identity, action: Action, resource: Resource, permissions: readonly Permission[]): boolean {
  if (identity.roles.includes(ADMIN_ROLE)) return true;
  return permissions.some((p) => p.actions.includes(action) && p.roles.some((r) => identity.roles.includes(r)) && covers(p, resource));
}
