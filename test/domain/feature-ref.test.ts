import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFeatureRef, parseFeatureRef } from '../../server/domain/feature-ref.js';

test('feature references: view:feature, view@N:feature, view:*', () => {
  assert.deepEqual(parseFeatureRef('driver_stats:conv_rate'), { view: 'driver_stats', version: null, feature: 'conv_rate' });
  assert.deepEqual(parseFeatureRef('driver_stats@3:conv_rate'), { view: 'driver_stats', version: 3, feature: 'conv_rate' });
  assert.deepEqual(parseFeatureRef('driver_stats:*'), { view: 'driver_stats', version: null, feature: '*' });
  assert.equal(formatFeatureRef({ view: 'v', version: 2, feature: 'f' }), 'v@2:f');
});

// Feast's versioned references: feast-dev/feast docs/adr/rfc-feature-view-versioning.md
// ("driver_stats@v2:trips_today"; "`@latest` always resolves to the active version").
test("Feast's version spellings: view@vN:feature and view@latest:feature", () => {
  assert.deepEqual(parseFeatureRef('driver_stats@v2:trips_today'), { view: 'driver_stats', version: 2, feature: 'trips_today' });
  assert.deepEqual(parseFeatureRef('driver_stats@latest:trips_today'), { view: 'driver_stats', version: null, feature: 'trips_today' });
  assert.deepEqual(parseFeatureRef('driver_stats@v12:*'), { view: 'driver_stats', version: 12, feature: '*' });
  assert.match(parseFeatureRef('driver_stats@v0:x') as string, /positive integer/);
  assert.match(parseFeatureRef('driver_stats@newest:x') as string, /'latest'/);
});

test('malformed references explain themselves', () => {
  assert.match(parseFeatureRef('conv_rate') as string, /not a feature reference/);
  assert.match(parseFeatureRef('Driver:x') as string, /not a valid view name/);
  assert.match(parseFeatureRef('driver@0:x') as string, /positive integer/);
  assert.match(parseFeatureRef('driver@x:y') as string, /positive integer/);
  assert.equal(typeof parseFeatureRef('driver:Bad'), 'string');
  assert.equal(typeof parseFeatureRef('a:b:c'), 'string');
});
