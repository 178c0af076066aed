import { lookup } from 'node:dns/promises';
import type { Duplex } from 'node:stream';
import { TesseraError, errorMessage } from '../errors.js';
import { type AllowEntry, allowsAddress, allowsUrl, effectivePort } from './http-allow.js';
import { nonPublicKind, parseIp } from './ip-address.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name has (A and AAAA); rejects when it has none. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * Opens the connection of one request, to an address already checked. Production leaves it unset
 * (node:http connects to the checked address itself); tests inject one so that no request leaves
 * 127.0.0.1 whatever address a test resolver invents.
 */
export type Connector = (target: { host: string; address: string; family: 4 | 6; port: number }) => Duplex;

/** What HTTP sources may reach, and how much they may read. */
export interface HttpAccess {
  /** TESSERA_HTTP_SOURCE_ALLOW, parsed. */
  allow: readonly AllowEntry[];
  /** Largest answer (after decompression), in bytes. */
  maxBytes: number;
  /** Redirects followed per request; each is checked like the first URL. */
  maxRedirects: number;
  resolve: Resolver;
  connect?: Connector;
}

export const DEFAULT_HTTP_MAX_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

/** The operating system's resolver (hosts file included, as `fetch` and `curl` see it). */
export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export function httpAccess(partial: Partial<HttpAccess> = {}): HttpAccess {
  return { allow: [], maxBytes: DEFAULT_HTTP_MAX_BYTES, maxRedirects: DEFAULT_MAX_REDIRECTS, resolve: systemResolver, ...partial };
}

/** A URL as messages show it: no credentials, no query string (it may hold a signed token). */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

const ALLOW_HINT = 'HTTP sources reach loopback, private, link-local and other non-public addresses only when TESSERA_HTTP_SOURCE_ALLOW lists them (docs/security.md)';

/**
 * Why a URL may not be fetched without resolving its host (scheme, credentials, a literal address
 * that is not public), or null.
 */
export function literalProblem(url: URL, access: HttpAccess): string | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs can be read, not ${url.protocol}`;
  if (url.username || url.password) return 'a URL cannot hold credentials (they would be stored in clear): send them in a header given as {env: NAME}';
  if (allowsUrl(access.allow, url)) return null;
  const literal = parseIp(url.hostname);
  if (literal === null) return null;
  const kind = nonPublicKind(literal);
  if (kind === null || allowsAddress(access.allow, literal, effectivePort(url))) return null;
  return `${url.hostname} is ${kind}; ${ALLOW_HINT}`;
}

/**
 * Resolves the URL's host and checks every address it has. Returns the addresses to connect to
 * (connecting to exactly these, and not resolving again, is what makes DNS rebinding useless), or
 * throws `source_refused` naming the address and why. A host that does not resolve throws a plain
 * Error, which the caller retries like any network error (DNS may come back).
 */
export async function checkDestination(url: URL, access: HttpAccess, what: string): Promise<ResolvedAddress[]> {
  const problem = literalProblem(url, access);
  if (problem !== null) throw new TesseraError('source_refused', `${what}: ${problem}`);
  const literal = parseIp(url.hostname);
  if (literal !== null) {
    const address = url.hostname.replace(/^\[|\]$/g, '');
    return [{ address, family: literal.length === 4 ? 4 : 6 }];
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await access.resolve(url.hostname);
  } catch (e) {
    throw new Error(`cannot resolve ${url.hostname}: ${errorMessage(e)}`, { cause: e });
  }
  if (addresses.length === 0) throw new Error(`${url.hostname} has no address`);
  const refused = resolvedProblem(url, addresses, access);
  if (refused !== null) throw new TesseraError('source_refused', `${what}: ${refused}`);
  return addresses;
}

/** Why the addresses a name resolved to may not be reached, or null. Every address must pass. */
export function resolvedProblem(url: URL, addresses: readonly ResolvedAddress[], access: HttpAccess): string | null {
  if (allowsUrl(access.allow, url)) return null;
  for (const { address } of addresses) {
    const bytes = parseIp(address);
    if (bytes === null) return `${url.hostname} resolves to '${address}', which is not an IP address`;
    const kind = nonPublicKind(bytes);
    if (kind !== null && !allowsAddress(access.allow, bytes, effectivePort(url))) return `${url.hostname} resolves to ${address}, ${kind}; ${ALLOW_HINT}`;
  }
  return null;
}
