import type { SecretRef } from '../domain/secret-ref.js';
import { TesseraError } from '../errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Headers with their secret references replaced by the variables' values, read now (when a run
 * starts). An unset or empty variable fails the run naming the variable, never a value.
 */
export function resolveHeaders(sourceName: string, headers: Record<string, string | SecretRef> | undefined, env: Environment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') {
      out[name] = value;
      continue;
    }
    const secret = env[value.env];
    if (secret === undefined || secret === '') {
      throw new TesseraError('source_refused', `source '${sourceName}': header '${name}' refers to the environment variable ${value.env}, which is not set in the server's environment`);
    }
    out[name] = secret;
  }
  return out;
}
