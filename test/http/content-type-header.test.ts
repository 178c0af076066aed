import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendRawHeaders } from '../support/raw-headers.js';
import { testServer } from '../support/services.js';
import { APPLY, BODY_READERS } from './body-readers.js';

// Node keeps the first of several Content-Type headers: a body sent with two was read as whichever
// came first (apply stored it with a 200), though a proxy or the sender may have meant the other.

let s: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  s = await testServer();
});
after(() => s.close());

test('two Content-Type headers are a 400 problem naming the header, on every body reader', async () => {
  for (const [path, type, body] of BODY_READERS) {
    for (const second of [type, 'application/yaml']) {
      const res = await sendRawHeaders(s.url, 'POST', path, ['Content-Type', type, 'content-type', second], body);
      assert.equal(res.status, 400, `${path} ${second}: ${res.text}`);
      assert.match(res.type, /^application\/problem\+json/);
      assert.deepEqual(res.body.errors, [{ path: '(header) content-type', message: 'sent 2 times' }]);
      assert.match(res.body.detail ?? '', /2 Content-Type headers/);
    }
  }
  assert.deepEqual((await (await fetch(`${s.url}/api/v1/entities`)).json()) as unknown, { entities: [] }, 'the refused apply stored nothing');
});

test('one Content-Type header, in any case, is read as before', async () => {
  for (const name of ['content-type', 'Content-Type', 'CONTENT-TYPE']) {
    const res = await sendRawHeaders(s.url, 'POST', '/api/v1/apply?dry_run=true', [name, 'application/json', 'X-Request-Id', 'abc', 'x-request-id', 'def'], APPLY);
    assert.equal(res.status, 200, `${name}: ${res.text}`);
  }
});
