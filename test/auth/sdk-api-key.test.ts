import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect } from '../../server/sdk/remote.js';
import { testServer } from '../support/services.js';

test('connect(url, { apiKey }) sends the key: without it the server answers 401, with it the request gets through', async () => {
  const s = await testServer();
  try {
    const { token } = await s.services.keys.create({ name: 'sdk', roles: ['admin'], expiresAt: null, createdBy: 'test' });
    const request = { features: ['nope:x'], entities: { id: [1] } };
    const anonymous = connect(s.url);
    await assert.rejects(anonymous.getOnlineFeatures(request), { code: 'unauthenticated' });
    await anonymous.close();
    const keyed = connect(s.url, { apiKey: token });
    // Past authentication: the view does not exist.
    await assert.rejects(keyed.getOnlineFeatures(request), { code: 'not_found' });
    await keyed.close();
  } finally {
    await s.close();
  }
});
