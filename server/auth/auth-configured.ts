import type { Config } from '../config.js';

/**
 * Whether requests must authenticate (API keys or OIDC configured). Tessera has no authentication
 * yet, so nothing is configured and this is false; the authentication work answers it here, in this
 * one place, and the refusal to listen openly (`bind-guard.ts`) follows.
 */
export function authConfigured(_config: Config): boolean {
  return false;
}
