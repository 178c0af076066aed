import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Source } from '../../server/domain/source.js';
import { TesseraError } from '../../server/errors.js';
import { csvReader } from '../../server/sources/csv.js';
import type { CsvSource } from '../../server/sources/csv.js';
import { openSource } from '../../server/sources/open-source.js';
import { col, ms, readAll, rejectSummary, request, tempDir } from './helpers.js';

const fixture = tempDir();
after(() => fixture.cleanup());

function csv(path: string, extra: Partial<CsvSource> = {}): ReturnType<typeof csvReader> {
  return csvReader({ name: 'stats', type: 'csv', path, delimiter: ',', timestampField: 'ts', ...extra }, { baseDir: fixture.dir });
}

const columns = [col('driver_id', 'int64', true), col('ts', 'timestamp', true), col('rate', 'float64'), col('car', 'string')];

describe('csv source', () => {
  it('reads typed columns in request order, whatever the header order', async () => {
    fixture.write('basic.csv', 'car,rate,ts,driver_id,unused\nsedan,0.5,2026-01-01T00:00:00Z,1001,x\nsuv,1.25,2026-01-01T01:00:00Z,1002,y\n');
    const { rows, rejects, types } = await readAll(csv('basic.csv'), request(columns));
    assert.deepEqual(types, ['Int64', 'Timestamp<MILLISECOND, UTC>', 'Float64', 'Dictionary<Int32, Utf8>']);
    assert.deepEqual(rows, [
      { driver_id: 1001, ts: ms('2026-01-01T00:00:00Z'), rate: 0.5, car: 'sedan' },
      { driver_id: 1002, ts: ms('2026-01-01T01:00:00Z'), rate: 1.25, car: 'suv' },
    ]);
    assert.deepEqual(rejects, []);
  });

  it('handles quoting, empty fields, CRLF, a BOM and blank lines', async () => {
    const text =
      '\ufeffdriver_id,ts,rate,car\r\n' +
      '1,2026-01-01T00:00:00Z,,"big, red"\r\n' +
      '\r\n' +
      '2,2026-01-01T00:00:01Z,2.5,"say ""hi"""\r\n' +
      '3,2026-01-01T00:00:02Z,3,"two\r\nlines"\r\n' +
      '4,2026-01-01T00:00:03Z,4,\r\n' +
      '5,2026-01-01T00:00:04Z,oops,x\r\n';
    fixture.write('quoted.csv', text);
    const { rows, rejects } = await readAll(csv('quoted.csv'), request(columns));
    assert.deepEqual(
      rows.map((r) => [r.driver_id, r.rate, r.car]),
      [
        [1, null, 'big, red'],
        [2, 2.5, 'say "hi"'],
        [3, 3, 'two\r\nlines'],
        [4, 4, null],
      ],
    );
    // Line numbers count the blank line and the line break inside the quoted field.
    assert.deepEqual(rejects.map(rejectSummary), [{ reason: 'invalid_float64', column: 'rate', location: 'quoted.csv:8', value: 'oops' }]);
    assert.deepEqual(rejects[0].raw, { driver_id: '5', ts: '2026-01-01T00:00:04Z', rate: 'oops', car: 'x' });
  });

  it('uses the definition delimiter', async () => {
    fixture.write('semi.csv', 'driver_id;ts;rate;car\n7;2026-01-01T00:00:00Z;1,5;"a;b"\n');
    const { rows, rejects } = await readAll(csv('semi.csv', { delimiter: ';' }), request(columns));
    assert.deepEqual(
      rejects.map((r) => r.reason),
      ['invalid_float64'],
    ); // a comma is not a decimal point
    assert.deepEqual(rows, []);
    fixture.write('tab.tsv', 'driver_id\tts\trate\tcar\n7\t2026-01-01T00:00:00Z\t1.5\ta,b\n');
    const tab = await readAll(csv('tab.tsv', { delimiter: '\t' }), request(columns));
    assert.deepEqual(tab.rows, [{ driver_id: 7, ts: ms('2026-01-01T00:00:00Z'), rate: 1.5, car: 'a,b' }]);
  });

  it('reads every file of a glob, sorted by name, with batches spanning files', async () => {
    fixture.write('glob/2026-01-02.csv', 'driver_id,ts,rate,car\n3,2026-01-02T00:00:00Z,3,c\n4,2026-01-02T00:00:00Z,4,d\n');
    fixture.write('glob/2026-01-01.csv', 'ts,driver_id,rate,car\n2026-01-01T00:00:00Z,1,1,a\n2026-01-01T00:00:00Z,2,2,b\n');
    fixture.write('glob/nested/2026-01-03.csv', 'driver_id,ts,rate,car\n5,2026-01-03T00:00:00Z,5,e\n');
    fixture.write('glob/notes.txt', 'not a csv');
    const flat = await readAll(csv('glob/*.csv'), request(columns, { batchSize: 3 }));
    assert.deepEqual(
      flat.rows.map((r) => r.driver_id),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      flat.batches.map((b) => b.numRows),
      [3, 1],
    );
    const deep = await readAll(csv('glob/**/2026-01-0?.csv'), request(columns));
    assert.deepEqual(
      deep.rows.map((r) => r.driver_id),
      [1, 2, 3, 4, 5],
    );
  });

  it('renames columns with fieldMapping', async () => {
    fixture.write('mapped.csv', 'id,event_time,conv,car\n9,2026-01-01T00:00:00Z,0.25,van\n');
    const source = csv('mapped.csv', { fieldMapping: { id: 'driver_id', event_time: 'ts', conv: 'rate' } });
    const { rows } = await readAll(source, request(columns));
    assert.deepEqual(rows, [{ driver_id: 9, ts: ms('2026-01-01T00:00:00Z'), rate: 0.25, car: 'van' }]);
  });

  it('filters start < ts <= end, reading offsets and epoch milliseconds', async () => {
    const t = ms('2026-01-01T10:00:00Z');
    fixture.write(
      'range.csv',
      [
        'driver_id,ts,rate,car',
        `1,${t - 1},1,a`,
        `2,2026-01-01T12:00:00+02:00,2,b`, // exactly start: excluded
        `3,2026-01-01T10:00:00.001Z,3,c`,
        `4,${t + 3_600_000},4,d`, // exactly end: included
        `5,2026-01-01 11:00:00.001,5,e`, // naive = UTC, 1 ms past end
      ].join('\n'),
    );
    const { rows } = await readAll(csv('range.csv'), request(columns, { range: { start: t, end: t + 3_600_000 } }));
    assert.deepEqual(
      rows.map((r) => [r.driver_id, r.ts]),
      [
        [3, t + 1],
        [4, t + 3_600_000],
      ],
    );
  });

  it('reports missing files, empty globs and missing columns as source errors', async () => {
    await assert.rejects(readAll(csv('nope.csv'), request(columns)), (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && /'stats'.*nope\.csv/.test(e.message));
    await assert.rejects(readAll(csv('nothing/*.csv'), request(columns)), /no file matches 'nothing\/\*\.csv'/);
    fixture.write('partial.csv', 'driver_id,ts,car\n1,2026-01-01T00:00:00Z,a\n');
    await assert.rejects(
      readAll(csv('partial.csv'), request(columns)),
      (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes("source 'stats'") && e.message.includes("'rate'") && e.message.includes('partial.csv'),
    );
    const mapped = csv('partial.csv', { fieldMapping: { conv: 'rate' } });
    await assert.rejects(readAll(mapped, request(columns)), /column 'conv' \(read as 'rate'\) is missing from the header of 'partial\.csv'/);
    fixture.write('empty.csv', '');
    await assert.rejects(readAll(csv('empty.csv'), request(columns)), /'empty\.csv' is empty/);
  });

  it('a header without rows yields nothing', async () => {
    fixture.write('header-only.csv', 'driver_id,ts,rate,car\n');
    const { batches } = await readAll(csv('header-only.csv'), request(columns));
    assert.equal(batches.length, 0);
  });

  it('rejects rows with too many fields or a broken quote; short rows read as nulls', async () => {
    fixture.write('ragged.csv', 'driver_id,ts,rate,car\n1,2026-01-01T00:00:00Z,1,a,extra\n2,2026-01-01T00:00:00Z\n3,2026-01-01T00:00:00Z,3,"open');
    const { rows, rejects } = await readAll(csv('ragged.csv'), request(columns));
    assert.deepEqual(
      rows.map((r) => [r.driver_id, r.rate, r.car]),
      [[2, null, null]],
    );
    assert.deepEqual(
      rejects.map((r) => [r.reason, r.location]),
      [
        ['invalid_row', 'ragged.csv:2'],
        ['invalid_csv', 'ragged.csv:4'],
      ],
    );
  });

  it('decodes UTF-8 characters split across read chunks', async () => {
    // Rows of 100 bytes; every 50th carries multi-byte text, and one 4-byte emoji straddles 1 MiB.
    const header = 'driver_id,ts,rate,car\n';
    const lines: string[] = [];
    let bytes = Buffer.byteLength(header);
    for (let i = 0; bytes < 2.5 * 1024 * 1024; i++) {
      const prefix = `${i},2026-01-01T00:00:00Z,1,`;
      let car = i % 50 === 0 ? 'café 日本 ' : 'x';
      const boundary = 1024 * 1024;
      const room = boundary - bytes - Buffer.byteLength(prefix);
      if (room > 0 && room < 100) car = `${'a'.repeat(room - 2)}😀`;
      else car = car.padEnd(100 - Buffer.byteLength(prefix) - 1 - (Buffer.byteLength(car) - car.length), '.');
      lines.push(`${prefix}${car}\n`);
      bytes += Buffer.byteLength(lines[lines.length - 1]);
    }
    fixture.write('utf8.csv', header + lines.join(''));
    const { rows, rejects } = await readAll(csv('utf8.csv'), request(columns));
    assert.deepEqual(rejects, []);
    assert.equal(rows.length, lines.length);
    assert.deepEqual(
      rows.map((r) => `${r.driver_id},2026-01-01T00:00:00Z,1,${r.car}\n`),
      lines,
    );
    assert.ok(rows.some((r) => String(r.car).endsWith('😀')));
  });

  it('survives a quote left open early in a large file', async () => {
    const body = Array.from({ length: 40_000 }, (_, i) => `${i},2026-01-01T00:00:00Z,1,car_${i}`).join('\n');
    fixture.write('open-quote.csv', `driver_id,ts,rate,car\n0,2026-01-01T00:00:00Z,1,"never closed\n${body}\n`);
    const started = Date.now();
    const { rows, rejects } = await readAll(csv('open-quote.csv'), request(columns));
    assert.deepEqual(rows, []);
    assert.deepEqual(
      rejects.map((r) => [r.reason, r.location]),
      [['invalid_csv', 'open-quote.csv:2']],
    );
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('streams files larger than a chunk, with quoted line breaks across chunk edges', async () => {
    const lines = ['driver_id,ts,rate,car'];
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const car = i % 1000 === 999 ? `"multi\nline ""${i}"""` : `car_${i % 7}`;
      lines.push(`${i},${ms('2026-01-01T00:00:00Z') + i},${i % 11 === 0 ? '' : i / 4},${car}`);
    }
    lines.push(`${n},2026-01-01T00:00:00Z,bad,x`);
    fixture.write('large.csv', `${lines.join('\n')}\n`);
    const { rows, rejects, batches } = await readAll(
      openSource({ name: 'stats', type: 'csv', path: 'large.csv', delimiter: ',', timestampField: 'ts' } as Source, { baseDir: fixture.dir }),
      request(columns, { batchSize: 7000 }),
    );
    assert.equal(rows.length, n);
    assert.ok(batches.every((b) => b.numRows <= 7000));
    for (const i of [0, 1, 998, 999, 31_999, 59_999]) {
      assert.deepEqual(rows[i], { driver_id: i, ts: ms('2026-01-01T00:00:00Z') + i, rate: i % 11 === 0 ? null : i / 4, car: i % 1000 === 999 ? `multi\nline "${i}"` : `car_${i % 7}` });
    }
    // 60 quoted fields each add one line.
    assert.deepEqual(rejects.map(rejectSummary), [{ reason: 'invalid_float64', column: 'rate', location: `large.csv:${n + 2 + 60}`, value: 'bad' }]);
  });
});
