import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDefinitions } from '../../server/definitions/load-definitions.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const entity = 'entities:\n  - {name: driver, joinKeys: [driver_id], valueType: int64}\n';
const permission = (name: string, role: string) => `permissions:\n  - {name: ${name}, types: [training_dataset], actions: [CREATE], roles: [${role}]}\n`;

test('permissions: from every file that gives them are in the bundle; none when no file gives them', () => {
  const dir = tempDir();
  writeFiles(dir, { 'a.yaml': entity + permission('makers', 'dsmaker'), 'b.yaml': permission('readers', 'reader') });
  const loaded = loadDefinitions(dir);
  assert.deepEqual(
    loaded.bundle.permissions?.map((p) => [p.name, p.roles]),
    [
      ['makers', ['dsmaker']],
      ['readers', ['reader']],
    ],
  );
  assert.equal(loaded.origin('permissions[1].roles'), 'b.yaml: permissions[0].roles');
  assert.equal(loaded.bundle.entities.length, 1);

  const without = tempDir();
  writeFiles(without, { 'a.yaml': entity });
  // Absent, not empty: an empty list would remove every stored permission.
  assert.equal(loadDefinitions(without).bundle.permissions, undefined);
});

test('errors in monitors name their file', () => {
  const dir = tempDir();
  writeFiles(dir, { 'a.yaml': entity, 'm.yaml': 'monitors:\n  - {name: m1, featureView: v, reference: {last: 1d}, detection: {last: 1h}, schedule: "0 * * * *"}\n' });
  const loaded = loadDefinitions(dir);
  assert.equal(loaded.origin('monitors[0].featureView'), 'm.yaml: monitors[0].featureView');
});
