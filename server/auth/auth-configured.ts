import type { Config } from '../config.js';

/**
 * Whether requests must authenticate: OIDC is configured, or an API key was ever created in the
 * registry (`keysExist`; revoked keys count, so revoking the last key does not open the server).
 */
export function authConfigured(config: Config, keysExist: boolean): boolean {
  return keysExist || config.oidcJwks !== undefined;
}
