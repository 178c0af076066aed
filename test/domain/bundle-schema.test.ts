import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bundleJsonSchema } from '../../server/domain/bundle.js';
import { packageRoot } from '../../server/paths.js';

test('docs/bundle.schema.json is the schema the code validates with (run `npm run schema` after a change)', () => {
  const committed: unknown = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'docs', 'bundle.schema.json'), 'utf8'));
  assert.deepEqual(committed, bundleJsonSchema());
  const view = (committed as { properties: { featureViews: { items: { properties: Record<string, unknown> } } } }).properties.featureViews.items;
  assert.ok(view.properties.features && view.properties.ttl && view.properties.schedule);
});
