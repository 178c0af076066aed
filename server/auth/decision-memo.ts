import type { Action, Permission, Resource } from '../domain/permission.js';
import type { Catalog } from '../registry/catalog.js';
import type { Identity } from './identity.js';

const MAX_ENTRIES = 10_000;

/**
 * Permission decisions remembered per (roles, action, resource), for as long as the permissions and
 * the catalog (whose tags a decision reads) are the very objects it was made under: a refresh or an
 * apply replaces them, and the memo starts over. A decision depends on nothing else (decide.ts), so a
 * remembered one is the one `allowed` would make; it spares the online path rebuilding the resource,
 * its tags and the name patterns' regular expressions on every request.
 */
export class DecisionMemo {
  private decisions = new Map<string, boolean>();
  private permissions: readonly Permission[] | null = null;
  private catalog: Catalog | null = null;

  /** The remembered decision, or `decide()`'s, remembered. */
  decide(identity: Identity, action: Action, resource: Resource, permissions: readonly Permission[], catalog: Catalog, decide: () => boolean): boolean {
    if (permissions !== this.permissions || catalog !== this.catalog) {
      this.decisions.clear();
      this.permissions = permissions;
      this.catalog = catalog;
    }
    // Tags given with the resource are the request's, not the catalog's: not remembered.
    if (resource.tags !== undefined) return decide();
    // Roles, not the subject: two identities with the same roles get the same answer. \u0000 cannot occur in names.
    const key = `${identity.roles.join('\u0001')}\u0000${action}\u0000${resource.type}\u0000${resource.name}`;
    const known = this.decisions.get(key);
    if (known !== undefined) return known;
    const answer = decide();
    if (this.decisions.size >= MAX_ENTRIES) this.decisions.clear();
    this.decisions.set(key, answer);
    return answer;
  }
}
