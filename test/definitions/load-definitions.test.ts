import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadDefinitions } from '../../server/definitions/load-definitions.js';
import type { TesseraError } from '../../server/errors.js';
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

test('a definitions file that holds itself, nests too deep or cannot be read is an error naming it, not a crash', () => {
  const dir = tempDir();
  writeFiles(dir, {
    'a.yaml': entity,
    // An alias inside its own anchor decoded to a value holding itself: plan and apply ran the heap out (60 s, exit 134).
    'cycle.yaml': 'entities: &a\n  - *a\n',
    // yaml's recursion overflowed the stack (and could abort the process inside V8's regex compiler).
    'deep.yaml': `entities: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    'twice.yaml': 'entities: []\nentities: []\n',
  });
  // A folder named like a file: readFileSync's EISDIR was the whole message, naming no file.
  fs.mkdirSync(path.join(dir, 'folder.yaml'));
  assert.throws(
    () => loadDefinitions(dir),
    (e: TesseraError) => {
      assert.deepEqual(e.errors, [
        { path: 'cycle.yaml', message: 'an alias refers to a node that holds it: the value would hold itself' },
        { path: 'deep.yaml', message: 'nested more than 200 levels' },
        { path: 'folder.yaml', message: 'cannot be read: EISDIR: illegal operation on a directory, read' },
        { path: 'twice.yaml', message: "Map keys must be unique: 'entities' is given twice" },
      ]);
      return true;
    },
  );
});
