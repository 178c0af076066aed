import fs from 'node:fs';
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import type { Identity } from './identity.js';

export interface OidcSettings {
  /** A JWKS file path, or an http(s) URL serving one. */
  jwks: string;
  issuer: string;
  audience: string;
  /** A dotted path to the roles in the token (`roles`, `realm_access.roles`). */
  rolesClaim: string;
}

/** The value at a dotted path of the claims, as a list of strings (a single string is a list of one). */
function rolesAt(claims: Record<string, unknown>, path: string): string[] {
  let at: unknown = claims;
  for (const part of path.split('.')) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
  if (typeof at === 'string') return [at];
  return Array.isArray(at) ? at.filter((r): r is string => typeof r === 'string') : [];
}

/** The shape jose requires of a key set: a `keys` list of objects. */
function isKeySet(value: unknown): boolean {
  const keys = value !== null && typeof value === 'object' ? (value as { keys?: unknown }).keys : undefined;
  return Array.isArray(keys) && keys.every((k) => k !== null && typeof k === 'object' && !Array.isArray(k));
}

/**
 * OIDC bearer tokens (JWTs), verified with jose against the provider's keys: signature, issuer,
 * audience and expiry are always checked (Feast checks neither issuer nor audience by default).
 * A JWKS given as a URL is fetched and cached by jose (refetched when a token names an unknown key).
 */
export class OidcVerifier {
  // jose (46 ES modules) loads only where OIDC is configured, not in every process that never sees a token.
  private readonly jose = import('jose');
  private readonly keys: Promise<JWTVerifyGetKey>;

  constructor(
    private readonly settings: OidcSettings,
    private readonly now: () => number,
  ) {
    // A JWKS file is read and its shape checked now (jose checks it only when the key set is made,
    // lazily), so a missing or malformed file stops the server at start.
    const remote = /^https?:\/\//.test(settings.jwks);
    const local: unknown = remote ? null : JSON.parse(fs.readFileSync(settings.jwks, 'utf8'));
    if (!remote && !isKeySet(local)) throw new Error(`the OIDC JWKS file ${settings.jwks} is not a JSON Web Key Set: it needs a "keys" list of objects`);
    this.keys = this.jose.then((jose) => (remote ? jose.createRemoteJWKSet(new URL(settings.jwks)) : jose.createLocalJWKSet(local as JSONWebKeySet)));
    // verify() awaits it and answers null; without a handler here a failure would end the process first.
    this.keys.catch(() => undefined);
  }

  /** The identity of a valid token, or null (bad signature, wrong issuer or audience, expired, not a JWT). */
  async verify(token: string): Promise<Identity | null> {
    try {
      const [{ jwtVerify }, keys] = await Promise.all([this.jose, this.keys]);
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        requiredClaims: ['exp', 'sub'],
        currentDate: new Date(this.now()),
      });
      const claims = payload as Record<string, unknown>;
      const name = [claims.preferred_username, claims.upn, claims.azp, payload.sub].find((v): v is string => typeof v === 'string') ?? 'unknown';
      return { subject: `oidc:${payload.sub}`, name, kind: 'oidc', roles: rolesAt(claims, this.settings.rolesClaim) };
    } catch {
      return null;
    }
  }
}
