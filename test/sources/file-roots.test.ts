import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TesseraError } from '../../server/errors.js';
import { csvReader } from '../../server/sources/csv.js';
import { matchFiles } from '../../server/sources/file-glob.js';
import { isInside, pathProblem } from '../../server/sources/file-roots.js';
import { jsonlReader } from '../../server/sources/jsonl.js';
import { col, readAll, request, tempDir } from './helpers.js';

/**
 * A server's folders: the definitions folder (`defs`), another allowed root (`shared`), and a folder
 * outside every root (`secret`) holding what an attacker wants: creds.csv with "hunter2".
 */
const fixture = tempDir({
  'defs/data/ok.csv': 'id,ts,v\n1,2026-01-01T00:00:00Z,inside\n',
  'defs/data/2026/a.csv': 'id,ts,v\n2,2026-01-01T00:00:00Z,inside\n',
  'shared/exports/b.csv': 'id,ts,v\n3,2026-01-01T00:00:00Z,shared\n',
  'secret/creds.csv': 'id,ts,v\n9,2026-01-01T00:00:00Z,hunter2\n',
  'secret/creds.jsonl': '{"id": 9, "ts": "2026-01-01T00:00:00Z", "v": "hunter2"}\n',
  'secret/more/creds.csv': 'id,ts,v\n9,2026-01-01T00:00:00Z,hunter2\n',
});
after(() => fixture.cleanup());
const defs = path.join(fixture.dir, 'defs');
const shared = path.join(fixture.dir, 'shared');
const secret = path.join(fixture.dir, 'secret');
const where = { baseDir: defs, roots: [shared] };

// Links inside the definitions folder that lead out of it.
symlinkSync(path.join(secret, 'creds.csv'), path.join(defs, 'data', 'link.csv'));
symlinkSync(secret, path.join(defs, 'secret-dir'));
// ... and one that stays inside (allowed: its real path is in a root).
symlinkSync(path.join(defs, 'data', 'ok.csv'), path.join(defs, 'inner-link.csv'));

const columns = [col('id', 'int64', true), col('ts', 'timestamp', true), col('v', 'string')];
const req = () => request(columns, { timestampColumn: 'ts' });
const csv = (p: string, ctx = where) => csvReader({ name: 'src', type: 'csv', path: p, delimiter: ',', timestampField: 'ts' }, ctx);

/** Every way out, as written in a definition. */
const escapes: [string, string][] = [
  ['an absolute path', path.join(secret, 'creds.csv')],
  ['a ../ escape', '../secret/creds.csv'],
  ['a ../ escape after a folder', 'data/../../secret/creds.csv'],
  ['a symbolic link to a file outside', 'data/link.csv'],
  ['a path through a symbolic link to a folder outside', 'secret-dir/creds.csv'],
  ['a glob outside', path.join(secret, '*.csv')],
  ['a glob climbing out', '../secret/**/*.csv'],
  ['a glob through a symbolic link to a folder outside', 'secret-dir/*.csv'],
];

const refused = (e: unknown) => e instanceof TesseraError && e.code === 'source_refused' && /outside the allowed folders/.test(e.message) && !e.message.includes('hunter2');

describe('file roots', () => {
  it('refuses every way out, reading nothing: when applied (the path) and when a run opens the files', async () => {
    for (const [what, p] of escapes) {
      const problem = await pathProblem(p, where);
      assert.match(problem ?? '', /outside the allowed folders/, `apply: ${what}`);
      await assert.rejects(readAll(csv(p), req()), refused, `run: ${what}`);
      await assert.rejects(matchFiles(p, where, 'src'), refused, `match: ${what}`);
    }
  });

  it('does not tell where a link leads, nor whether a file outside exists', async () => {
    const problem = await pathProblem('data/link.csv', where);
    assert.match(problem!, /through a symbolic link/);
    assert.ok(!problem!.includes(secret));
    await assert.rejects(matchFiles('../secret/missing.csv', where, 'src'), (e: unknown) => refused(e) && !/does not exist/.test((e as Error).message));
  });

  it('refuses a glob whose matches include a link leading out, at run time', async () => {
    // The glob's folder is inside; one of its files is not.
    assert.equal(await pathProblem('data/*.csv', where), null);
    await assert.rejects(readAll(csv('data/*.csv'), req()), (e: unknown) => refused(e) && /'data\/link\.csv' \(matched by 'data\/\*\.csv'\)/.test((e as Error).message));
    // `**` does not follow links to folders at all: the link to `secret/` is not walked, so nothing matches.
    await assert.rejects(matchFiles('**/creds.csv', where, 'src'), (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && /no file matches/.test(e.message));
  });

  it('reads inside the definitions folder and the other roots, by relative or absolute path, links inside included', async () => {
    const inside = await readAll(csv('data/ok.csv'), req());
    assert.deepEqual(
      inside.rows.map((r) => r.v),
      ['inside'],
    );
    const viaLink = await matchFiles('inner-link.csv', where, 'src');
    assert.equal(viaLink[0].path, realpathSync(path.join(defs, 'data', 'ok.csv')));
    for (const p of [path.join(shared, 'exports', 'b.csv'), '../shared/exports/b.csv', path.join(shared, '*', '*.csv')]) {
      assert.equal(await pathProblem(p, where), null, p);
      const { rows } = await readAll(csv(p), req());
      assert.deepEqual(
        rows.map((r) => r.v),
        ['shared'],
        p,
      );
    }
    // A root that is itself a link counts by its real path.
    const linkedRoot = path.join(fixture.dir, 'linked-shared');
    symlinkSync(shared, linkedRoot);
    const { rows } = await readAll(csv(path.join(shared, 'exports', 'b.csv'), { baseDir: defs, roots: [linkedRoot] }), req());
    assert.equal(rows.length, 1);
    rmSync(linkedRoot);
  });

  it('without TESSERA_SOURCE_ROOTS, only the definitions folder', async () => {
    await assert.rejects(readAll(csv(path.join(shared, 'exports', 'b.csv'), { baseDir: defs, roots: [] }), req()), refused);
    assert.match((await pathProblem('../shared/exports/b.csv', { baseDir: defs })) ?? '', /outside/);
  });

  it('checks again when a run opens the file: a file replaced by a link after apply is refused', async () => {
    const dir = path.join(defs, 'swap');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'x.jsonl'), '{"id": 1, "ts": "2026-01-01T00:00:00Z", "v": "fine"}\n');
    assert.equal(await pathProblem('swap/x.jsonl', where), null);
    rmSync(path.join(dir, 'x.jsonl'));
    symlinkSync(path.join(secret, 'creds.jsonl'), path.join(dir, 'x.jsonl'));
    const reader = jsonlReader({ name: 'src', type: 'jsonl', path: 'swap/x.jsonl', timestampField: 'ts' }, where);
    await assert.rejects(readAll(reader, req()), refused);
  });

  it('a path not yet there is judged by where its existing folders lead', async () => {
    assert.equal(await pathProblem('data/later/*.csv', where), null);
    // A definitions folder not created yet still holds its own paths.
    assert.equal(await pathProblem('data/x.csv', { baseDir: path.join(fixture.dir, 'not-yet', 'defs') }), null);
    assert.match((await pathProblem('../x.csv', { baseDir: path.join(fixture.dir, 'not-yet', 'defs') })) ?? '', /outside/);
    assert.match((await pathProblem('secret-dir/later/x.csv', where)) ?? '', /symbolic link/);
  });

  it('isInside compares whole segments', () => {
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/b/c', '/a/b'), true);
    assert.equal(isInside('/a/bc', '/a/b'), false);
    assert.equal(isInside('/a', '/a/b'), false);
    assert.equal(isInside('/a/b/..c', '/a/b'), true);
  });
});
