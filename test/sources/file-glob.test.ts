import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TesseraError } from '../../server/errors.js';
import { sourceColumnNames } from '../../server/sources/field-mapping.js';
import { matchFiles } from '../../server/sources/file-glob.js';
import { tempDir } from './helpers.js';

const fixture = tempDir({
  'data/b.csv': '',
  'data/a.csv': '',
  'data/a1.csv': '',
  'data/ab.csv': '',
  'data/.hidden.csv': '',
  'data/readme.txt': '',
  'data/2026/01/x.csv': '',
  'data/2026/02/y.csv': '',
  'data/2026/notes.csv': '',
  'other/[weird].csv': '',
});
after(() => fixture.cleanup());

const names = async (pattern: string): Promise<string[]> => (await matchFiles(pattern, { baseDir: fixture.dir }, 's')).map((f) => f.name);

describe('file globs', () => {
  it('matches * and ? within a folder, sorted, skipping dotfiles', async () => {
    assert.deepEqual(await names('data/*.csv'), ['data/a.csv', 'data/a1.csv', 'data/ab.csv', 'data/b.csv']);
    assert.deepEqual(await names('data/a?.csv'), ['data/a1.csv', 'data/ab.csv']);
    assert.deepEqual(await names('data/.*.csv'), ['data/.hidden.csv']);
    assert.deepEqual(await names('data/*/*/*.csv'), ['data/2026/01/x.csv', 'data/2026/02/y.csv']);
  });

  it('matches ** across zero or more folders', async () => {
    assert.deepEqual(await names('data/**/*.csv'), ['data/2026/01/x.csv', 'data/2026/02/y.csv', 'data/2026/notes.csv', 'data/a.csv', 'data/a1.csv', 'data/ab.csv', 'data/b.csv']);
    assert.deepEqual(await names('data/2026/**'), ['data/2026/01/x.csv', 'data/2026/02/y.csv', 'data/2026/notes.csv']);
  });

  it('takes plain paths literally, relative or absolute (inside another root)', async () => {
    assert.deepEqual(await names('other/[weird].csv'), ['other/[weird].csv']);
    const absolute = path.join(fixture.dir, 'data/a.csv');
    const files = await matchFiles(absolute, { baseDir: '/nowhere', roots: [fixture.dir] }, 's');
    assert.deepEqual(files, [{ path: realpathSync(absolute), name: absolute }]);
  });

  it('fails on a missing file or an empty match, naming the source', async () => {
    await assert.rejects(matchFiles('data/zzz.csv', { baseDir: fixture.dir }, 'src'), (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes("source 'src'"));
    await assert.rejects(matchFiles('data/*.parquet', { baseDir: fixture.dir }, 'src'), /no file matches/);
    await assert.rejects(matchFiles('data', { baseDir: fixture.dir }, 'src'), /does not exist/); // a folder is not a file
  });
});

describe('fieldMapping', () => {
  it('resolves post-mapping names to source columns', () => {
    assert.deepEqual(sourceColumnNames({ fieldMapping: { a: 'x', b: 'y' } }, ['x', 'y', 'c', 'a']), ['a', 'b', 'c', null]);
    assert.deepEqual(sourceColumnNames({}, ['x']), ['x']);
    assert.deepEqual(sourceColumnNames({ fieldMapping: { a: 'b', b: 'a' } }, ['a', 'b']), ['b', 'a']);
  });
});
