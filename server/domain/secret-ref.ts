import { z } from '../vendor/zod.cjs';

/**
 * A secret written as a reference to an environment variable of the server (`{env: WEATHER_API_TOKEN}`),
 * read when a run starts. Definitions are stored and shown as written, so a reference keeps the
 * secret itself out of the registry, the API and the logs.
 */
export const secretRefSchema = z
  .strictObject({
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name: letters, digits and _, not starting with a digit')
      .describe("the server's environment variable holding the secret"),
  })
  .describe("a secret read from the server's environment when a run starts: {env: NAME}");

export type SecretRef = z.output<typeof secretRefSchema>;

/**
 * Header names that carry credentials: their values must be references, never text in a definition.
 * Broad on purpose (any name with auth, token, key, secret, password, cookie, session, credential or
 * signature in it): a false positive costs an environment variable, a false negative a leaked secret.
 */
const CREDENTIAL_HEADER = /auth|token|key|secret|passw|cookie|session|credential|signature/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}
