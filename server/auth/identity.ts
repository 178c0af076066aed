/** Who a request comes from, once its credentials checked out. */
export interface Identity {
  /** `key:<id>` for an API key, `oidc:<subject>` for a token, `anonymous` with auth off. */
  subject: string;
  /** A readable name: the key's name, the token's preferred_username. Never a secret. */
  name: string;
  kind: 'key' | 'oidc' | 'anonymous';
  roles: string[];
}

/** The role that may do everything, whatever the permissions say. */
export const ADMIN_ROLE = 'admin';

/** With auth off every request is this identity, and may do everything. */
export const ANONYMOUS: Identity = { subject: 'anonymous', name: 'anonymous', kind: 'anonymous', roles: [ADMIN_ROLE] };
