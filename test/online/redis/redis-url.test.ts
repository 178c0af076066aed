import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TesseraError } from '../../../server/errors.js';
import { parseRedisUrl } from '../../../server/online/redis/redis-url.js';

test('redis URLs: host, port, db, prefix, timeout; the password never shows', () => {
  const a = parseRedisUrl('redis://app:s3cret@cache.internal:6380/2?prefix=shop:&timeout_ms=500');
  assert.deepEqual(
    { cluster: a.cluster, nodes: a.nodes, db: a.db, tls: a.tls, username: a.username, password: a.password, prefix: a.prefix, timeoutMs: a.timeoutMs },
    { cluster: false, nodes: [{ host: 'cache.internal', port: 6380 }], db: 2, tls: false, username: 'app', password: 's3cret', prefix: 'shop:', timeoutMs: 500 },
  );
  assert.equal(a.display, 'redis://app:***@cache.internal:6380/2?prefix=shop:&timeout_ms=500');
  const b = parseRedisUrl('redis://127.0.0.1');
  assert.deepEqual([b.nodes, b.db, b.prefix, b.timeoutMs], [[{ host: '127.0.0.1', port: 6379 }], 0, 'tessera:', 2000]);
  assert.equal(parseRedisUrl('rediss://h:1/0').tls, true);
});

test('redis+cluster URLs list seed nodes', () => {
  const c = parseRedisUrl('redis+cluster://h1:7000,h2:7001,[::1]:7002');
  assert.equal(c.cluster, true);
  assert.deepEqual(c.nodes, [
    { host: 'h1', port: 7000 },
    { host: 'h2', port: 7001 },
    { host: '::1', port: 7002 },
  ]);
});

test('bad redis URLs name the setting and the field', () => {
  for (const [url, message] of [
    ['redis://h1:1,h2:2', /several hosts need redis\+cluster/],
    ['redis://h:99999', /'h:99999' is not host:port/],
    ['redis://h/x', /database 'x'/],
    ['redis+cluster://h:1/3', /only database 0/],
    ['redis://h?prefx=a', /unknown parameter 'prefx'/],
    ['redis://h?timeout_ms=0', /timeout_ms '0'/],
    ['redis:/h', /is not a Redis URL/],
  ] as const) {
    assert.throws(
      () => parseRedisUrl(url),
      (e: unknown) => e instanceof TesseraError && e.code === 'validation' && /^TESSERA_ONLINE_URL \(--online-url\)/.test(e.message) && message.test(e.message) && e.errors[0].path === 'onlineUrl',
      url,
    );
  }
});
