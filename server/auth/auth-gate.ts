import type { Clock } from '../clock.js';
import { type Permission, type Resource, normalizePermission, permissionSchema } from '../domain/permission.js';
import type { Logger } from '../logger.js';
import type { AuthStore } from '../registry/auth-store.js';
import type { Catalog } from '../registry/catalog.js';
import { AuditLog, actorName } from './audit-log.js';
import { forbidden, rateLimited, unauthenticated } from './auth-error.js';
import { DecisionMemo } from './decision-memo.js';
import { allowed } from './decide.js';
import { ADMIN_ROLE, ANONYMOUS, type Identity } from './identity.js';
import type { KeyService } from './key-service.js';
import type { OidcVerifier } from './oidc.js';
import type { RateLimiter } from './rate-limiter.js';
import type { AuthInput, Need, RouteAuth } from './route-auth.js';

export interface AuthGateDeps {
  store: AuthStore;
  keys: KeyService;
  oidc: OidcVerifier | null;
  limiter: RateLimiter | null;
  catalog: () => Catalog;
  clock: Clock;
  logger: Logger;
  /** How stale "are there keys" and the permission list may get when another process changes them. */
  refreshMs: number;
}

/** A request as the gate sees it: which route, and a label for the audit log (`POST /push`). */
export interface GateRequest {
  label: string;
  auth: RouteAuth;
}

export function describeResource(r: Resource): string {
  return `${r.type} '${r.name}'`;
}

/**
 * Decides every request, for express and the online fast path alike: who it is (401), whether it is
 * over its rate (429), whether a permission grants what it needs (403). Auth is on once OIDC is
 * configured or any API key was ever created; until then every request is `anonymous` (an admin), as
 * before authentication existed. Refusals are written to the audit log.
 */
export class AuthGate {
  readonly audit: AuditLog;
  private keysExist = false;
  private permissions: Permission[] = [];
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;
  private readonly memo = new DecisionMemo();

  constructor(private readonly deps: AuthGateDeps) {
    this.audit = new AuditLog(deps.store, deps.logger);
  }

  /** Reads whether keys exist and the permissions; called at start, after an apply, and when stale. */
  async refresh(): Promise<void> {
    const [any, list] = await Promise.all([this.deps.store.anyKey(), this.deps.store.permissions()]);
    this.keysExist = any;
    this.permissions = list.map((p) => normalizePermission(permissionSchema.parse(p)));
    this.refreshedAt = this.deps.clock.now();
  }

  catalog(): Catalog {
    return this.deps.catalog();
  }

  now(): number {
    return this.deps.clock.now();
  }

  enabled(): boolean {
    if (this.deps.clock.now() - this.refreshedAt > this.deps.refreshMs && !this.refreshing) {
      this.refreshing = this.refresh()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'auth settings could not be refreshed'))
        .finally(() => (this.refreshing = null));
    }
    return this.deps.oidc !== null || this.keysExist;
  }

  /** A key was just created here: auth is on from this request on. */
  keyCreated(): void {
    this.keysExist = true;
  }

  /** The identity behind an `Authorization` header; with auth off, `anonymous`. */
  async identify(authorization: string | undefined, req: GateRequest): Promise<Identity> {
    return this.identifyNow(authorization, req) ?? this.identifyLater(authorization, req);
  }

  /** What `identify` does when `identifyNow` could not tell: verifies the credentials (a scrypt, a JWT). */
  async identifyLater(authorization: string | undefined, req: GateRequest): Promise<Identity> {
    const m = bearer(authorization);
    let identity: Identity | null = null;
    if (m) identity = m.startsWith('tsk_') || !this.deps.oidc ? await this.deps.keys.verify(m) : await this.deps.oidc.verify(m);
    if (identity) return identity;
    throw this.unauthenticated(req, !m);
  }

  /**
   * `identify` when it can answer at once (auth off, a key with a fresh verdict, no credentials): the
   * identity, or a thrown 401; undefined when only `identify` can tell. The online path's common case
   * costs no promise.
   */
  identifyNow(authorization: string | undefined, req: GateRequest): Identity | undefined {
    if (!this.enabled()) return ANONYMOUS;
    const m = bearer(authorization);
    if (!m) throw this.unauthenticated(req, true);
    if (!m.startsWith('tsk_') && this.deps.oidc) return undefined;
    const identity = this.deps.keys.cached(m);
    if (identity === null) throw this.unauthenticated(req, false);
    return identity;
  }

  private unauthenticated(req: GateRequest, missing: boolean): Error {
    const error = unauthenticated(missing);
    this.refused(null, req, req.label, 'unauthenticated', 401, error.message);
    return error;
  }

  /** Credentials that cannot be read at all (two Authorization headers: a 400): audited as a 401 is. */
  refuseCredentials<E extends Error>(req: GateRequest, status: number, error: E): E {
    this.refused(null, req, req.label, 'unauthenticated', status, error.message);
    return error;
  }

  /** Before anything is read: the rate limit, admin-only routes, and needs the URL names. */
  admitUrl(identity: Identity, req: GateRequest, input: () => AuthInput): void {
    if (req.auth.kind === 'open' || identity === ANONYMOUS) return;
    if (req.auth.expensive && this.deps.limiter) {
      const wait = this.deps.limiter.take(identity.subject);
      if (wait > 0) {
        const error = rateLimited(wait);
        this.refused(identity, req, req.label, 'rate_limited', 429, error.message);
        throw error;
      }
    }
    if (req.auth.kind === 'admin') {
      if (identity.roles.includes(ADMIN_ROLE)) return;
      const error = forbidden('admin', req.label);
      this.refused(identity, req, req.label, 'denied', 403, error.message);
      throw error;
    }
    if (req.auth.stage === 'url') this.decide(identity, req, req.auth.needs(input()));
  }

  /** Once the body is read, for routes whose resources are in it. */
  admitBody(identity: Identity, req: GateRequest, input: AuthInput): void {
    if (req.auth.kind !== 'needs' || req.auth.stage !== 'body' || identity === ANONYMOUS) return;
    this.decide(identity, req, req.auth.needs(input));
  }

  /** The needs a request has, for the audit log of a mutating call (empty when its auth is not `needs`). */
  needsOf(req: GateRequest, input: AuthInput): Need[] {
    return req.auth.kind === 'needs' ? req.auth.needs(input) : [];
  }

  private decide(identity: Identity, req: GateRequest, list: Need[]): void {
    const catalog = this.deps.catalog();
    for (const need of list) {
      if (need.adminOnly) {
        if (identity.roles.includes(ADMIN_ROLE)) continue;
        const error = forbidden('admin', describeResource(need.resource));
        this.refused(identity, req, 'admin', 'denied', 403, error.message, describeResource(need.resource));
        throw error;
      }
      const decide = () => allowed(identity, need.action, { ...need.resource, tags: need.resource.tags ?? tagsOf(catalog, need.resource) }, this.permissions);
      if (this.memo.decide(identity, need.action, need.resource, this.permissions, catalog, decide)) continue;
      const error = forbidden(need.action, describeResource(need.resource));
      this.refused(identity, req, need.action, 'denied', 403, error.message, describeResource(need.resource));
      throw error;
    }
  }

  private refused(identity: Identity | null, req: GateRequest, action: string, outcome: 'denied' | 'unauthenticated' | 'rate_limited', status: number, detail: string, resource = req.label): void {
    this.audit.record({ at: this.deps.clock.now(), actor: actorName(identity), action, resource, outcome, status, detail });
  }
}

/** The token of a `Bearer` authorization header, else null. */
function bearer(authorization: string | undefined): string | null {
  return authorization === undefined ? null : (/^Bearer[ ]+(\S+)\s*$/i.exec(authorization)?.[1] ?? null);
}

/** A definition's tags, for permissions that require some. */
function tagsOf(catalog: Catalog, r: Resource): Record<string, string> {
  const record =
    r.type === 'feature_view'
      ? catalog.featureViews.get(r.name)?.spec
      : r.type === 'feature_service'
        ? catalog.featureServices.get(r.name)?.spec
        : r.type === 'entity'
          ? catalog.entities.get(r.name)?.spec
          : r.type === 'source'
            ? catalog.sources.get(r.name)?.spec
            : undefined;
  const tags = (record as { tags?: Record<string, string> } | undefined)?.tags;
  return tags ?? {};
}
