import type { Config } from '../config.js';
import { type Connector, type Resolver, httpAccess } from './http-access.js';
import { parseAllowList } from './http-allow.js';
import type { Environment } from './resolve-secrets.js';
import type { SourceContext } from './source.js';

/** Replacements for tests: a resolver that invents addresses, a connector that never leaves 127.0.0.1, an environment. */
export interface SourceOverrides {
  resolve?: Resolver;
  connect?: Connector;
  env?: Environment;
}

/**
 * What sources may reach, from the configuration: the definitions folder and TESSERA_SOURCE_ROOTS for
 * files; TESSERA_HTTP_SOURCE_ALLOW and TESSERA_HTTP_SOURCE_MAX_BYTES for HTTP; the process's
 * environment for secret references. Apply and runs use the same one.
 */
export function sourceContext(config: Config, overrides: SourceOverrides = {}): SourceContext {
  const { resolve, connect, env } = overrides;
  return {
    baseDir: config.definitions,
    roots: config.sourceRoots,
    http: httpAccess({ allow: parseAllowList(config.httpSourceAllow), maxBytes: config.httpSourceMaxBytes, ...(resolve ? { resolve } : {}), ...(connect ? { connect } : {}) }),
    ...(env ? { env } : {}),
  };
}
