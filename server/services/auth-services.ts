import { AuthGate } from '../auth/auth-gate.js';
import { KeyService } from '../auth/key-service.js';
import { OidcVerifier } from '../auth/oidc.js';
import { RateLimiter } from '../auth/rate-limiter.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { RegistryBackend } from '../registry/registry-backend.js';

/**
 * A process's API keys and its auth gate (OIDC and the rate limit when the config asks for them), built
 * but not loaded: the caller refreshes the gate, and closes the stores if that fails.
 */
export function authServices(config: Config, registry: RegistryBackend, catalog: CatalogCache, clock: Clock, logger: Logger): { keys: KeyService; gate: AuthGate } {
  const keys = new KeyService(registry.auth, clock, config.keyCacheMs);
  const oidc = config.oidcJwks ? new OidcVerifier({ jwks: config.oidcJwks, issuer: config.oidcIssuer!, audience: config.oidcAudience!, rolesClaim: config.oidcRolesClaim }, () => clock.now()) : null;
  const gate = new AuthGate({
    store: registry.auth,
    keys,
    oidc,
    limiter: config.rateLimitPerMinute > 0 ? new RateLimiter(config.rateLimitPerMinute, () => clock.now()) : null,
    catalog: () => catalog.peek()!,
    clock,
    logger,
    refreshMs: config.keyCacheMs,
  });
  keys.onCreated = () => gate.keyCreated();
  return { keys, gate };
}
