import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { T0, testServer } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const ISSUER = 'https://id.example.test';
const AUDIENCE = 'tessera';
let s: Awaited<ReturnType<typeof testServer>>;
let signing: SigningKey;
let stranger: SigningKey;

before(async () => {
  const pair = await generateKeyPair('RS256');
  signing = pair.privateKey;
  stranger = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const jwks = path.join(tempDir(), 'jwks.json');
  fs.writeFileSync(jwks, JSON.stringify({ keys: [jwk] }));
  s = await testServer({ oidcJwks: jwks, oidcIssuer: ISSUER, oidcAudience: AUDIENCE, oidcRolesClaim: 'realm_access.roles' });
});
after(() => s?.close());

/** A token as the provider would sign it, `now` being the server's (fixed) clock. */
function token(options: { issuer?: string; audience?: string; expiresAt?: number; roles?: string[]; key?: SigningKey } = {}) {
  return new SignJWT({ preferred_username: 'ada', realm_access: { roles: options.roles ?? ['admin'] } })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('user-1')
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(Math.floor(T0 / 1000) - 60)
    .setExpirationTime(Math.floor((options.expiresAt ?? T0 + 300_000) / 1000))
    .sign(options.key ?? signing);
}

async function keys(bearer: string | null) {
  const res = await fetch(`${s.url}/api/v1/keys`, { headers: bearer === null ? {} : { authorization: `Bearer ${bearer}` } });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.text() };
}

test('a token signed by the provider, for this issuer and audience, unexpired, is an identity with the roles of its claim', async () => {
  assert.equal((await keys(await token())).status, 200);
  const reader = await keys(await token({ roles: ['reader'] }));
  assert.equal(reader.status, 403);
  assert.match(JSON.parse(reader.body).detail, /no permission grants admin on GET \/api\/v1\/keys/);
});

test('wrong issuer, wrong audience, expired, signed by another key, or no token: 401 with WWW-Authenticate', async () => {
  const cases = {
    issuer: await token({ issuer: 'https://evil.example.test' }),
    audience: await token({ audience: 'someone-else' }),
    expired: await token({ expiresAt: T0 - 1_000 }),
    signature: await token({ key: stranger }),
    garbage: 'not.a.jwt',
  };
  for (const [what, bad] of Object.entries(cases)) {
    const res = await keys(bad);
    assert.equal(res.status, 401, what);
    assert.equal(res.wwwAuthenticate, 'Bearer realm="tessera", error="invalid_token"', what);
    assert.ok(!res.body.includes(bad), `${what}: the answer repeats the token`);
  }
  const none = await keys(null);
  assert.equal(none.status, 401);
  assert.equal(none.wwwAuthenticate, 'Bearer realm="tessera"');
  // Open routes stay open.
  assert.equal((await fetch(`${s.url}/health`)).status, 200);
});

test('OIDC settings come all three or none', async () => {
  const { loadConfig } = await import('../../server/config.js');
  assert.throws(
    () => loadConfig({}, { TESSERA_OIDC_JWKS: '/x.json', TESSERA_OIDC_ISSUER: ISSUER }),
    (e: unknown) => (e as { errors: { path: string }[] }).errors.some((f) => f.path === 'oidcAudience'),
  );
});

test('a JWKS file that is not a key set stops the start, whatever else it holds', async () => {
  const { OidcVerifier } = await import('../../server/auth/oidc.js');
  const dir = tempDir();
  const settings = (file: string) => ({ jwks: file, issuer: ISSUER, audience: AUDIENCE, rolesClaim: 'roles' });
  for (const [name, content] of Object.entries({ 'no-keys.json': { key: [] }, 'keys-not-list.json': { keys: {} }, 'key-not-object.json': { keys: ['k1'] }, 'null.json': null })) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(content));
    assert.throws(() => new OidcVerifier(settings(file), () => T0), /is not a JSON Web Key Set/, name);
  }
  // An empty list is a key set (every token is then refused): it starts.
  const empty = path.join(dir, 'empty.json');
  fs.writeFileSync(empty, JSON.stringify({ keys: [] }));
  assert.doesNotThrow(() => new OidcVerifier(settings(empty), () => T0));
});
