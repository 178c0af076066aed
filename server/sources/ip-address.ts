import { isIP } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/**
 * Parses an IPv4 or IPv6 address as a URL or `dns.lookup` gives it: dotted quad, IPv6 with `::` and
 * an optional dotted-quad tail, optionally in brackets or with a zone (`fe80::1%eth0`). Null if it is
 * not an address (a host name).
 */
export function parseIp(text: string): IpBytes | null {
  let t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const family = isIP(t);
  if (family === 4) return parseV4(t);
  if (family === 6) return parseV6(t);
  return null;
}

function parseV4(t: string): IpBytes {
  return Uint8Array.from(t.split('.').map(Number));
}

function parseV6(t: string): IpBytes {
  // A dotted-quad tail (`::ffff:127.0.0.1`) is the last two words: rewrite it in hex first.
  let text = t;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = parseV4(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const gap = text.indexOf('::');
  const front = words(gap < 0 ? text : text.slice(0, gap));
  const back = gap < 0 ? [] : words(text.slice(gap + 2));
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Text form: dotted quad, or IPv6 words (not compressed; for messages and tests). */
export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return words.join(':');
}

/** True when the first `bits` bits of `address` equal those of `network` (same family). */
export function inSubnet(address: IpBytes, network: IpBytes, bits: number): boolean {
  if (address.length !== network.length) return false;
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (address[i] !== network[i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (address[i] & mask) === (network[i] & mask);
}

interface Range {
  network: IpBytes;
  bits: number;
  /** Why an HTTP source may not reach it by default. */
  kind: string;
}

const range = (cidr: string, kind: string): Range => {
  const [net, bits] = cidr.split('/');
  return { network: parseIp(net)!, bits: Number(bits), kind };
};

/** Addresses that are not on the public internet, most specific first (broadcast before reserved). */
const V4_RANGES: Range[] = [
  range('0.0.0.0/8', 'an unspecified ("this network") address'),
  range('127.0.0.0/8', 'a loopback address'),
  range('169.254.0.0/16', 'a link-local address (cloud metadata services live here)'),
  range('10.0.0.0/8', 'a private address'),
  range('172.16.0.0/12', 'a private address'),
  range('192.168.0.0/16', 'a private address'),
  range('100.64.0.0/10', 'a shared (carrier-grade NAT) address'),
  range('192.0.0.0/24', 'a reserved (IETF protocol) address'),
  range('192.0.2.0/24', 'a reserved (documentation) address'),
  range('198.51.100.0/24', 'a reserved (documentation) address'),
  range('203.0.113.0/24', 'a reserved (documentation) address'),
  range('198.18.0.0/15', 'a reserved (benchmarking) address'),
  range('224.0.0.0/4', 'a multicast address'),
  range('255.255.255.255/32', 'the broadcast address'),
  range('240.0.0.0/4', 'a reserved address'),
];

const V6_RANGES: Range[] = [
  range('::/128', 'an unspecified address'),
  range('::1/128', 'a loopback address'),
  range('fe80::/10', 'a link-local address'),
  range('fec0::/10', 'a site-local (private) address'),
  range('fc00::/7', 'a unique local (private) address'),
  range('ff00::/8', 'a multicast address'),
  range('100::/64', 'a reserved (discard) address'),
  range('2001:db8::/32', 'a reserved (documentation) address'),
];

/** IPv6 forms that carry an IPv4 address: the IPv4 address decides. [prefix, bits, offset of the IPv4 bytes]. */
const EMBEDDED_V4: [IpBytes, number, number][] = [
  [parseIp('::ffff:0:0')!, 96, 12], // IPv4-mapped
  [parseIp('::')!, 96, 12], // IPv4-compatible (deprecated), after :: and ::1 are handled
  [parseIp('64:ff9b::')!, 96, 12], // NAT64
  [parseIp('2002::')!, 16, 2], // 6to4
];

/**
 * Why `address` is not a public internet address (for the refusal message), or null when it is.
 * IPv6 forms that embed an IPv4 address (`::ffff:127.0.0.1`, NAT64, 6to4) are judged by that address.
 */
export function nonPublicKind(address: IpBytes): string | null {
  if (address.length === 4) return V4_RANGES.find((r) => inSubnet(address, r.network, r.bits))?.kind ?? null;
  const own = V6_RANGES.find((r) => r.bits === 128 && inSubnet(address, r.network, r.bits));
  if (own) return own.kind;
  for (const [prefix, bits, offset] of EMBEDDED_V4) {
    if (!inSubnet(address, prefix, bits)) continue;
    const kind = nonPublicKind(address.subarray(offset, offset + 4));
    return kind === null ? null : `${kind}, written as IPv6`;
  }
  return V6_RANGES.find((r) => inSubnet(address, r.network, r.bits))?.kind ?? null;
}
