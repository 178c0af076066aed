import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testServer } from '../support/services.js';
import { APPLY, BODY_READERS } from './body-readers.js';

// The charset parameter of Content-Type was ignored: a latin1 body was read as UTF-8 (é became U+FFFD
// or a 400 about UTF-8, naming nothing about the header that caused it).

let s: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  s = await testServer();
});
after(() => s.close());

async function post(path: string, type: string, body: string) {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as { detail: string; errors: { path: string; message: string }[] } };
}

test('a charset other than utf-8 is a 415 problem naming the charset, on every body reader', async () => {
  for (const [path, type, body] of BODY_READERS) {
    for (const charset of ['latin1', '"ISO-8859-1"', 'utf-16']) {
      const res = await post(path, `${type}; charset=${charset}`, body);
      assert.equal(res.status, 415, `${path} ${charset}: ${JSON.stringify(res.body)}`);
      assert.match(res.type, /^application\/problem\+json/);
      const name = charset.replaceAll('"', '');
      assert.deepEqual(res.body.errors, [{ path: '(header) content-type', message: `charset '${name}' is not utf-8` }]);
      assert.match(res.body.detail, new RegExp(`charset '${name}'`));
    }
  }
  assert.deepEqual((await (await fetch(`${s.url}/api/v1/entities`)).json()) as unknown, { entities: [] }, 'the refused apply stored nothing');
});

test('charset=utf-8, in any case or quoted, and other parameters are read as before', async () => {
  for (const type of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset="Utf-8"', 'application/json; foo=bar']) {
    const res = await post('/api/v1/apply?dry_run=true', type, APPLY);
    assert.equal(res.status, 200, `${type}: ${JSON.stringify(res.body)}`);
  }
});
