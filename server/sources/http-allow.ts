import { type IpBytes, inSubnet, parseIp } from './ip-address.js';

/**
 * One entry of TESSERA_HTTP_SOURCE_ALLOW: what an operator lets HTTP sources reach although it is
 * loopback, private or link-local.
 * - `url`: a URL prefix (`http://10.0.0.5:8080/exports/`): URLs with that origin whose path starts
 *   with the prefix's path, at a `/` boundary.
 * - `host`: a host name, optionally with a port (`data.internal`, `data.internal:8443`), or every
 *   name under a domain (`*.corp.example`): URLs naming it, whatever it resolves to.
 * - `address`: an IP address, optionally with a port (`127.0.0.1:9000`, `[::1]`), or a CIDR range
 *   (`10.20.0.0/16`): the addresses a URL's host resolves to (or names literally).
 */
export type AllowEntry =
  | { kind: 'url'; text: string; origin: string; path: string }
  | { kind: 'host'; text: string; host: string; wildcard: boolean; port: number | null }
  | { kind: 'address'; text: string; network: IpBytes; bits: number; port: number | null };

const HOST = /^(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*\.?$/;

/** Parses one entry, or says what is wrong with it. */
export function parseAllowEntry(raw: string): AllowEntry | string {
  const text = raw.trim();
  if (text.includes('://')) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'not a valid URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'a URL prefix must be http or https';
    if (url.username || url.password) return 'a URL prefix cannot hold credentials';
    return { kind: 'url', text, origin: url.origin, path: url.pathname };
  }
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (cidr) {
    const network = parseIp(cidr[1]);
    const bits = Number(cidr[2]);
    if (network === null || bits > network.length * 8) return 'not a valid CIDR range (such as 10.0.0.0/8 or fd00::/8)';
    return { kind: 'address', text, network, bits, port: null };
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  const [host, portText] = bracketed ? [bracketed[1], bracketed[2]] : hostPort ? [hostPort[1], hostPort[2]] : [text, undefined];
  const port = portText === undefined ? null : Number(portText);
  if (port !== null && (port < 1 || port > 65535)) return 'the port must be 1 to 65535';
  const ip = parseIp(host);
  if (ip !== null) return { kind: 'address', text, network: ip, bits: ip.length * 8, port };
  if (bracketed) return 'not a valid IPv6 address';
  const name = host.toLowerCase();
  if (!HOST.test(name)) return 'not a host name, IP address, CIDR range or http(s) URL prefix';
  const wildcard = name.startsWith('*.');
  return { kind: 'host', text, host: stripDot(wildcard ? name.slice(2) : name), wildcard, port };
}

/** Parses every entry; throws on the first bad one (the configuration is checked at start-up). */
export function parseAllowList(entries: readonly string[]): AllowEntry[] {
  return entries.map((entry) => {
    const parsed = parseAllowEntry(entry);
    if (typeof parsed === 'string') throw new Error(`TESSERA_HTTP_SOURCE_ALLOW entry '${entry}': ${parsed}`);
    return parsed;
  });
}

export function effectivePort(url: URL): number {
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

/** True when a `url` or `host` entry names this URL: whatever it resolves to may then be reached. */
export function allowsUrl(list: readonly AllowEntry[], url: URL): boolean {
  const host = stripDot(url.hostname.toLowerCase());
  const port = effectivePort(url);
  return list.some((entry) => {
    if (entry.kind === 'url') {
      if (url.origin !== entry.origin || !url.pathname.startsWith(entry.path)) return false;
      return entry.path.endsWith('/') || url.pathname.length === entry.path.length || url.pathname[entry.path.length] === '/';
    }
    if (entry.kind === 'host') {
      if (entry.port !== null && entry.port !== port) return false;
      return entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host;
    }
    return false;
  });
}

/** True when an `address` entry covers this address (reached on `port`). */
export function allowsAddress(list: readonly AllowEntry[], address: IpBytes, port: number): boolean {
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address for entries written as IPv4.
  const v4 = address.length === 16 && inSubnet(address, MAPPED, 96) ? address.subarray(12) : null;
  return list.some(
    (entry) => entry.kind === 'address' && (entry.port === null || entry.port === port) && (inSubnet(address, entry.network, entry.bits) || (v4 !== null && inSubnet(v4, entry.network, entry.bits))),
  );
}

const MAPPED = parseIp('::ffff:0:0')!;

function stripDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
