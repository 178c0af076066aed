import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TesseraError } from '../../server/errors.js';
import { jsonlReader } from '../../server/sources/jsonl.js';
import type { JsonlSource } from '../../server/sources/jsonl.js';
import { col, ms, readAll, rejectSummary, request, tempDir } from './helpers.js';

const fixture = tempDir();
after(() => fixture.cleanup());

function jsonl(path: string, extra: Partial<JsonlSource> = {}): ReturnType<typeof jsonlReader> {
  return jsonlReader({ name: 'events', type: 'jsonl', path, timestampField: 'ts', ...extra }, { baseDir: fixture.dir });
}

const columns = [col('user', 'string', true), col('ts', 'timestamp', true), col('amount', 'float64'), col('n', 'int64'), col('ok', 'bool')];

describe('jsonl source', () => {
  it('reads one object per line; absent keys are nulls; blank lines, CRLF and a BOM are fine', async () => {
    fixture.write(
      'a.jsonl',
      '\ufeff{"user":"u1","ts":"2026-01-01T00:00:00Z","amount":1.5,"n":3,"ok":true}\r\n\r\n' +
        '{"user":"u2","ts":1767225601000,"amount":"2.5","ok":"no","extra":{"deep":1}}\n   \n' +
        '{"user":"u3","ts":"2026-01-01T01:00:02+01:00","amount":null,"n":"7"}',
    );
    const { rows, rejects, types } = await readAll(jsonl('a.jsonl'), request(columns));
    assert.deepEqual(types, ['Dictionary<Int32, Utf8>', 'Timestamp<MILLISECOND, UTC>', 'Float64', 'Int64', 'Bool']);
    assert.deepEqual(rows, [
      { user: 'u1', ts: ms('2026-01-01T00:00:00Z'), amount: 1.5, n: 3, ok: true },
      { user: 'u2', ts: ms('2026-01-01T00:00:01Z'), amount: 2.5, n: null, ok: false },
      { user: 'u3', ts: ms('2026-01-01T00:00:02Z'), amount: null, n: 7, ok: null },
    ]);
    assert.deepEqual(rejects, []);
  });

  it('rejects lines that are not JSON objects and values that do not coerce, by file and line', async () => {
    fixture.write(
      'bad.jsonl',
      [
        '{"user":"u1","ts":"2026-01-01T00:00:00Z"}',
        '{"user":"u2","ts":',
        '[1,2]',
        '{"user":"u4","ts":"2026-01-01T00:00:00Z","n":1.5}',
        '{"ts":"2026-01-01T00:00:00Z"}',
        '{"user":"u6","ts":"2026-01-01T00:00:00Z","amount":[1]}',
      ].join('\n'),
    );
    const { rows, rejects } = await readAll(jsonl('bad.jsonl'), request(columns));
    assert.deepEqual(
      rows.map((r) => r.user),
      ['u1'],
    );
    assert.deepEqual(rejects.map(rejectSummary), [
      { reason: 'invalid_json', column: '', location: 'bad.jsonl:2', value: '{"user":"u2","ts":' },
      { reason: 'invalid_json', column: '', location: 'bad.jsonl:3', value: 'expected an object, got an array' },
      { reason: 'invalid_int64', column: 'n', location: 'bad.jsonl:4', value: '1.5' },
      { reason: 'missing_value', column: 'user', location: 'bad.jsonl:5', value: '' },
      { reason: 'invalid_float64', column: 'amount', location: 'bad.jsonl:6', value: '[1]' },
    ]);
    assert.deepEqual(rejects[2].raw, { user: 'u4', ts: '2026-01-01T00:00:00Z', n: 1.5 });
  });

  it('rejects times outside years 0001-9999 UTC, as epoch-ms numbers or as text', async () => {
    fixture.write(
      'eras.jsonl',
      [
        '{"user":"u1","ts":253402300799999}',
        '{"user":"u2","ts":8640000000000000}',
        '{"user":"u3","ts":"0000-12-31T23:59:59Z"}',
        '{"user":"u4","ts":"0001-01-01T00:00:00Z"}',
        '{"user":"u5","ts":-62135596800001}',
      ].join('\n'),
    );
    const { rows, rejects } = await readAll(jsonl('eras.jsonl'), request(columns));
    assert.deepEqual(
      rows.map((r) => [r.user, r.ts]),
      [
        ['u1', 253_402_300_799_999],
        ['u4', -62_135_596_800_000],
      ],
    );
    assert.deepEqual(rejects.map(rejectSummary), [
      { reason: 'invalid_timestamp', column: 'ts', location: 'eras.jsonl:2', value: '8640000000000000' },
      { reason: 'invalid_timestamp', column: 'ts', location: 'eras.jsonl:3', value: '0000-12-31T23:59:59Z' },
      { reason: 'invalid_timestamp', column: 'ts', location: 'eras.jsonl:5', value: '-62135596800001' },
    ]);
  });

  it('globs several files in name order, applies fieldMapping and the range', async () => {
    fixture.write('days/b.jsonl', '{"who":"u3","at":"2026-01-03T00:00:00Z"}\n{"who":"u4","at":"2026-01-04T00:00:00Z"}\n');
    fixture.write('days/a.jsonl', '{"who":"u1","at":"2026-01-01T00:00:00Z"}\n{"who":"u2","at":"2026-01-02T00:00:00Z"}\n');
    const source = jsonl('days/*.jsonl', { fieldMapping: { who: 'user', at: 'ts' } });
    const all = await readAll(source, request(columns, { batchSize: 3 }));
    assert.deepEqual(
      all.rows.map((r) => r.user),
      ['u1', 'u2', 'u3', 'u4'],
    );
    assert.deepEqual(
      all.batches.map((b) => b.numRows),
      [3, 1],
    );
    const window = await readAll(source, request(columns, { range: { start: ms('2026-01-01T00:00:00Z'), end: ms('2026-01-03T00:00:00Z') } }));
    assert.deepEqual(
      window.rows.map((r) => r.user),
      ['u2', 'u3'],
    );
  });

  it('does not mistake Object.prototype members for columns', async () => {
    fixture.write('proto.jsonl', '{"ts":"2026-01-01T00:00:00Z"}\n{"ts":"2026-01-01T00:00:00Z","constructor":"c","toString":2}\n');
    const cols = [col('ts', 'timestamp', true), col('constructor', 'string'), col('toString', 'float64')];
    const { rows, rejects } = await readAll(jsonl('proto.jsonl'), request(cols));
    assert.deepEqual(rejects, []);
    assert.deepEqual(
      rows.map((r) => [r.constructor, r.toString]),
      [
        [null, null],
        ['c', 2],
      ],
    );
  });

  it('a missing file is a source error', async () => {
    await assert.rejects(readAll(jsonl('missing.jsonl'), request(columns)), (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes('missing.jsonl'));
  });
});
