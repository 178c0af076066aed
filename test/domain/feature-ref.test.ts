import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFeatureRef, parseFeatureRef } from '../../server/domain/feature-ref.js';

test('feature references: view:feature, view@N:feature, view:*', () => {
  assert.deepEqual(parseFeatureRef('driver_stats:conv_rate'), { view: 'driver_stats', version: null, feature: 'conv_rate' });
  assert.deepEqual(parseFeatureRef('driver_stats@3:conv_rate'), { view: 'driver_stats', version: 3, feature: 'conv_rate' });
  assert.deepEqual(parseFeatureRef('driver_stats:*'), { view: 'driver_stats', version: null, feature: '*' });
  assert.equal(formatFeatureRef({ view: 'v', version: 2, feature: 'f' }), 'v@2:f');
});

test('malformed references explain themselves', () => {
  assert.match(parseFeatureRef('conv_rate') as string, /not a feature reference/);
  assert.match(parseFeatureRef('Driver:x') as string, /not a valid view name/);
  assert.match(parseFeatureRef('driver@0:x') as string, /positive integer/);
  assert.match(parseFeatureRef('driver@x:y') as string, /positive integer/);
  assert.equal(typeof parseFeatureRef('driver:Bad'), 'string');
  assert.equal(typeof parseFeatureRef('a:b:c'), 'string');
});
