import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TesseraError } from '../../server/errors.js';
import { checkDestination, httpAccess, literalProblem } from '../../server/sources/http-access.js';
import { allowsAddress, allowsUrl, parseAllowEntry, parseAllowList } from '../../server/sources/http-allow.js';
import { formatIp, nonPublicKind, parseIp } from '../../server/sources/ip-address.js';

const kind = (address: string) => nonPublicKind(parseIp(address)!);

describe('IP addresses', () => {
  it('parses IPv4, IPv6 with :: and dotted tails, brackets and zones', () => {
    assert.equal(formatIp(parseIp('10.1.2.3')!), '10.1.2.3');
    assert.equal(formatIp(parseIp('::1')!), '0:0:0:0:0:0:0:1');
    assert.equal(formatIp(parseIp('[fe80::1%eth0]')!), 'fe80:0:0:0:0:0:0:1');
    assert.equal(formatIp(parseIp('::ffff:127.0.0.1')!), '0:0:0:0:0:ffff:7f00:1');
    assert.equal(formatIp(parseIp('2001:db8::8:800:200c:417a')!), '2001:db8:0:0:8:800:200c:417a');
    assert.equal(formatIp(parseIp('1:2:3:4:5:6:7:8')!), '1:2:3:4:5:6:7:8');
    assert.equal(formatIp(parseIp('64:ff9b::10.0.0.1')!), '64:ff9b:0:0:0:0:a00:1');
    assert.equal(parseIp('example.com'), null);
    assert.equal(parseIp('999.1.1.1'), null);
  });

  it('knows every address that is not on the public internet, IPv4-mapped and embedded forms too', () => {
    const blocked: [string, RegExp][] = [
      ['127.0.0.1', /loopback/],
      ['127.255.0.9', /loopback/],
      ['::1', /loopback/],
      ['::ffff:127.0.0.1', /loopback address, written as IPv6/],
      ['::ffff:7f00:1', /loopback address, written as IPv6/],
      ['::127.0.0.1', /loopback/],
      ['169.254.169.254', /link-local/],
      ['::ffff:169.254.169.254', /link-local/],
      ['fe80::1', /link-local/],
      ['febf::1', /link-local/],
      ['10.0.0.1', /private/],
      ['172.16.0.1', /private/],
      ['172.31.255.255', /private/],
      ['192.168.1.1', /private/],
      ['::ffff:10.1.1.1', /private/],
      ['fc00::1', /private/],
      ['fd00:ec2::254', /private/],
      ['100.64.0.1', /carrier-grade NAT/],
      ['100.127.255.255', /carrier-grade NAT/],
      ['0.0.0.0', /unspecified/],
      ['0.1.2.3', /unspecified/],
      ['::', /unspecified/],
      ['::ffff:0.0.0.0', /unspecified/],
      ['224.0.0.1', /multicast/],
      ['239.255.255.250', /multicast/],
      ['ff02::1', /multicast/],
      ['255.255.255.255', /broadcast/],
      ['240.0.0.1', /reserved/],
      ['192.0.2.1', /documentation/],
      ['2001:db8::1', /documentation/],
      ['64:ff9b::127.0.0.1', /loopback/],
      ['2002:7f00:1::', /loopback/],
      ['2002:a9fe:a9fe::1', /link-local/],
    ];
    for (const [address, why] of blocked) assert.match(kind(address) ?? 'public', why, address);
  });

  it('lets public addresses through, near the edges of the ranges too', () => {
    for (const address of [
      '1.1.1.1',
      '8.8.8.8',
      '93.184.216.34',
      '172.15.255.255',
      '172.32.0.0',
      '100.63.255.255',
      '100.128.0.0',
      '169.253.255.255',
      '11.0.0.0',
      '223.255.255.255',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::8.8.8.8',
      '2002:808:808::',
    ]) {
      assert.equal(kind(address), null, address);
    }
  });
});

describe('the allow list', () => {
  it('parses hosts, wildcards, addresses with ports, CIDR ranges and URL prefixes; refuses nonsense', () => {
    assert.deepEqual(
      ['api.example.com', '*.corp.example', 'db.internal:8443', '127.0.0.1', '[::1]:9000', '10.0.0.0/8', 'fd00::/8', 'http://127.0.0.1:8080/exports/'].map(
        (e) => (parseAllowEntry(e) as { kind: string }).kind,
      ),
      ['host', 'host', 'host', 'address', 'address', 'address', 'address', 'url'],
    );
    for (const bad of ['ftp://x/', 'http://user:pw@x/', '10.0.0.0/33', 'a b', '[nope]', 'host:99999', '*']) assert.equal(typeof parseAllowEntry(bad), 'string', bad);
    assert.throws(() => parseAllowList(['fine.example', 'bad host']), /'bad host'/);
  });

  it('matches URL prefixes by origin and whole path segments, hosts by name and port', () => {
    const list = parseAllowList(['http://127.0.0.1:8080/exports', 'data.internal', '*.corp.example', 'db.internal:8443']);
    const yes = [
      'http://127.0.0.1:8080/exports',
      'http://127.0.0.1:8080/exports/a.json?x=1',
      'http://data.internal/x',
      'https://DATA.internal./x',
      'https://a.corp.example/',
      'https://b.a.corp.example/',
      'https://db.internal:8443/',
    ];
    const no = [
      'http://127.0.0.1:8080/exportsX',
      'http://127.0.0.1:8080/other',
      'http://127.0.0.1:8081/exports',
      'https://127.0.0.1:8080/exports',
      'http://corp.example/',
      'http://data.internal.evil/',
      'https://db.internal/',
    ];
    for (const u of yes) assert.equal(allowsUrl(list, new URL(u)), true, u);
    for (const u of no) assert.equal(allowsUrl(list, new URL(u)), false, u);
  });

  it('matches addresses by range and port, IPv4-mapped forms as IPv4', () => {
    const list = parseAllowList(['10.20.0.0/16', '127.0.0.1:9000']);
    assert.equal(allowsAddress(list, parseIp('10.20.3.4')!, 80), true);
    assert.equal(allowsAddress(list, parseIp('::ffff:10.20.3.4')!, 80), true);
    assert.equal(allowsAddress(list, parseIp('10.21.0.1')!, 80), false);
    assert.equal(allowsAddress(list, parseIp('127.0.0.1')!, 9000), true);
    assert.equal(allowsAddress(list, parseIp('127.0.0.1')!, 9001), false);
  });
});

describe('checking a destination', () => {
  const resolver = (table: Record<string, string[]>) => async (host: string) => {
    const addresses = table[host];
    if (!addresses) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return addresses.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
  const access = httpAccess({
    allow: parseAllowList(['trusted.internal', '10.9.0.0/16']),
    resolve: resolver({
      'public.example': ['93.184.216.34', '2606:2800:220:1::1'],
      'sneaky.example': ['93.184.216.34', '127.0.0.1'],
      'rebind.example': ['127.0.0.1'],
      'trusted.internal': ['127.0.0.1'],
      'ok.internal': ['10.9.1.1'],
    }),
  });
  const refused = (re: RegExp) => (e: unknown) => e instanceof TesseraError && e.code === 'source_refused' && re.test(e.message);

  it('returns the addresses to connect to when every one is allowed', async () => {
    assert.deepEqual(
      (await checkDestination(new URL('https://public.example/x'), access, 'GET')).map((a) => a.address),
      ['93.184.216.34', '2606:2800:220:1::1'],
    );
    assert.deepEqual(await checkDestination(new URL('http://trusted.internal/'), access, 'GET'), [{ address: '127.0.0.1', family: 4 }]);
    assert.deepEqual(await checkDestination(new URL('http://ok.internal/'), access, 'GET'), [{ address: '10.9.1.1', family: 4 }]);
    assert.deepEqual(await checkDestination(new URL('http://[::ffff:10.9.0.1]/'), access, 'GET'), [{ address: '::ffff:a09:1', family: 6 }]);
  });

  it('refuses literal addresses and names resolving to them, naming the address and the setting', async () => {
    await assert.rejects(checkDestination(new URL('http://127.0.0.1:1/'), access, 'GET'), refused(/127\.0\.0\.1 is a loopback address; .*TESSERA_HTTP_SOURCE_ALLOW/));
    await assert.rejects(checkDestination(new URL('http://[::1]/'), access, 'GET'), refused(/\[::1\] is a loopback address/));
    await assert.rejects(checkDestination(new URL('http://169.254.169.254/latest/meta-data/'), access, 'GET'), refused(/link-local/));
    await assert.rejects(checkDestination(new URL('http://[::ffff:169.254.169.254]/'), access, 'GET'), refused(/link-local/));
    await assert.rejects(checkDestination(new URL('http://0x7f.1/'), access, 'GET'), refused(/127\.0\.0\.1 is a loopback/));
    await assert.rejects(checkDestination(new URL('http://2130706433/'), access, 'GET'), refused(/127\.0\.0\.1 is a loopback/));
    await assert.rejects(checkDestination(new URL('http://rebind.example/'), access, 'GET'), refused(/rebind\.example resolves to 127\.0\.0\.1, a loopback address/));
    await assert.rejects(checkDestination(new URL('http://sneaky.example/'), access, 'GET'), refused(/sneaky\.example resolves to 127\.0\.0\.1/));
    await assert.rejects(checkDestination(new URL('http://u:p@public.example/'), access, 'GET'), refused(/cannot hold credentials/));
  });

  it('a name that does not resolve is an ordinary (retried) error', async () => {
    await assert.rejects(checkDestination(new URL('http://nowhere.example/'), access, 'GET'), (e: unknown) => !(e instanceof TesseraError) && /cannot resolve nowhere\.example/.test(String(e)));
  });

  it('literalProblem needs no DNS', () => {
    assert.equal(literalProblem(new URL('http://public.example/'), access), null);
    assert.match(literalProblem(new URL('http://10.0.0.1/'), access)!, /private/);
    assert.equal(literalProblem(new URL('http://10.9.0.1/'), access), null);
  });
});
