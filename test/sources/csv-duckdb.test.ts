import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDbEngine } from '../../server/offline/duckdb-engine.js';
import { csvReader } from '../../server/sources/csv.js';
import type { CsvSource } from '../../server/sources/csv.js';
import { duckdbCsvReader } from '../../server/sources/csv-duckdb.js';
import type { ColumnRequest, ReadRequest } from '../../server/sources/source.js';
import { col, ms, readAll, rejectSummary, request, tempDir } from './helpers.js';

const fixture = tempDir();
const engine = new DuckDbEngine({ tempDirectory: path.join(fixture.dir, 'tmp', 'duckdb'), scratchDirectory: path.join(fixture.dir, 'tmp', 'scratch'), memoryLimit: '256MB', threads: 2 });
after(async () => {
  await engine.close();
  fixture.cleanup();
});

const columns = [col('driver_id', 'int64', true), col('ts', 'timestamp', true), col('rate', 'float64'), col('car', 'string'), col('ok', 'bool')];

/**
 * Reads `file` with both readers and asserts they give the same batches' rows, types and rejects.
 * Returns the DuckDB reader's rows and where it handed files over to the JS reader.
 */
async function both(file: string, req: ReadRequest, extra: Partial<CsvSource> = {}) {
  const source: CsvSource = { name: 'stats', type: 'csv', path: file, delimiter: ',', timestampField: 'ts', ...extra };
  const ctx = { baseDir: fixture.dir };
  const handOvers: string[] = [];
  const js = await readAll(csvReader(source, ctx), req);
  const duck = await readAll(
    duckdbCsvReader(source, ctx, engine, (name, line) => handOvers.push(`${name}:${line}`)),
    req,
  );
  assert.deepEqual(duck.rows, js.rows);
  assert.deepEqual(duck.types, js.types);
  assert.deepEqual(duck.rejects.map(rejectSummary), js.rejects.map(rejectSummary));
  assert.deepEqual(
    duck.rejects.map((r) => r.raw),
    js.rejects.map((r) => r.raw),
  );
  for (const b of duck.batches) assert.ok(b.numRows <= req.batchSize);
  return { ...duck, handOvers };
}

const row = (driver_id: number, ts: string, rate: number | null, car: string | null, ok: boolean | null) => ({ driver_id, ts: ms(ts), rate, car, ok });

describe('DuckDB CSV reader', () => {
  it('types a plain file as the JS reader does, without handing it over', async () => {
    fixture.write(
      'plain.csv',
      'car,rate,ts,driver_id,ok,unused\n' +
        'sedan,0.5,2026-01-01T00:00:00Z,1001,true,x\n' +
        ' suv ,+1.5,2026-01-01 01:02,007,YES,\n' +
        ',.5,2026-01-01,-3,f,\n' +
        'café,5.,2026-01-01T01:02:03.4Z,4,,\n' +
        'a station wagon,1e3,2026-01-01T01:02:03.123,5,0,\n' +
        'x,-0,1999-12-31T23:59:59Z,6,T,\n' +
        'y,,2026-02-28T12:00:00.05,7,No,\n' +
        'z,0.1,2024-02-29T00:00:00Z,8,1,\n',
    );
    const { rows, handOvers, rejects } = await both('plain.csv', request(columns));
    assert.deepEqual(handOvers, []);
    assert.deepEqual(rejects, []);
    assert.deepEqual(rows, [
      row(1001, '2026-01-01T00:00:00Z', 0.5, 'sedan', true),
      row(7, '2026-01-01T01:02:00Z', 1.5, ' suv ', true),
      row(-3, '2026-01-01T00:00:00Z', 0.5, null, false),
      row(4, '2026-01-01T01:02:03.400Z', 5, 'café', null),
      row(5, '2026-01-01T01:02:03.123Z', 1000, 'a station wagon', false),
      row(6, '1999-12-31T23:59:59Z', -0, 'x', true),
      row(7, '2026-02-28T12:00:00.050Z', null, 'y', false),
      row(8, '2024-02-29T00:00:00Z', 0.1, 'z', true),
    ]);
    assert.ok(Object.is(rows[5].rate, -0));
  });

  it('hands the rest of a file to the JS reader at the first value it cannot prove (bad numbers, odd timestamps, wide integers)', async () => {
    const lines = ['driver_id,ts,rate,car,ok', '1,2026-01-01T00:00:00Z,1,a,t', '2,2026-01-01T00:00:01Z,2,b,f'];
    const cases: [string, string, number][] = [
      ['oops', '3,2026-01-01T00:00:02Z,oops,c,t', 4],
      ['space', '3,2026-01-01T00:00:02Z, 2.5,c,t', 4],
      ['underscore', '3,2026-01-01T00:00:02Z,1_000,c,t', 4],
      ['infinite', '3,2026-01-01T00:00:02Z,1e400,c,t', 4],
      ['nan', '3,2026-01-01T00:00:02Z,NaN,c,t', 4],
      ['leap second', '3,2026-12-31T23:59:60Z,1,c,t', 4],
      ['february 30', '3,2026-02-30T00:00:00Z,1,c,t', 4],
      ['offset', '3,2026-01-01T00:00:00+02:00,1,c,t', 4],
      ['epoch ms', '3,1767225600000,1,c,t', 4],
      ['16 digits', '1234567890123456,2026-01-01T00:00:02Z,1,c,t', 4],
      ['missing key', ',2026-01-01T00:00:02Z,1,c,t', 4],
      ['bad bool', '3,2026-01-01T00:00:02Z,1,c,maybe', 4],
      ['too many fields', '3,2026-01-01T00:00:02Z,1,c,t,extra', 4],
      ['too few fields', '3,2026-01-01T00:00:02Z,1', 4],
    ];
    for (const [name, bad, line] of cases) {
      const file = fixture.write(`bad-${name.replaceAll(' ', '-')}.csv`, `${[...lines, bad, '4,2026-01-01T00:00:03Z,4,d,f'].join('\n')}\n`);
      const { rows, handOvers } = await both(path.basename(file), request(columns));
      assert.ok(handOvers.length === 1 && Number(handOvers[0].split(':')[1]) <= line, `${name}: ${handOvers}`);
      assert.deepEqual(rows.slice(0, 2), [row(1, '2026-01-01T00:00:00Z', 1, 'a', true), row(2, '2026-01-01T00:00:01Z', 2, 'b', false)], name);
      assert.deepEqual(rows.at(-1), row(4, '2026-01-01T00:00:03Z', 4, 'd', false), name);
    }
  });

  it('rejects times outside years 0001-9999 UTC alike: the proven forms all lie inside, the JS reader takes the rest', async () => {
    fixture.write(
      'eras.csv',
      'driver_id,ts,rate,car,ok\n' +
        '1,9999-12-31T23:59:59.999Z,1,a,t\n' +
        '2,1000-01-01,2,b,f\n' +
        '3,0000-12-31T23:59:59Z,3,c,t\n' +
        '4,0001-01-01T00:00:00Z,4,d,t\n' +
        '5,9999-12-31T23:30:00-01:00,5,e,t\n' +
        '6,0001-01-01T00:30:00+01:00,6,f,t\n' +
        '7,8640000000000000,7,g,t\n' +
        '8,-62135596800001,8,h,t\n' +
        '9,253402300799999,9,i,t\n',
    );
    const { rows, rejects, handOvers } = await both('eras.csv', request(columns));
    assert.deepEqual(handOvers, ['eras.csv:4']);
    assert.deepEqual(rows, [
      row(1, '9999-12-31T23:59:59.999Z', 1, 'a', true),
      row(2, '1000-01-01T00:00:00Z', 2, 'b', false),
      row(4, '0001-01-01T00:00:00Z', 4, 'd', true),
      row(9, '9999-12-31T23:59:59.999Z', 9, 'i', true),
    ]);
    assert.deepEqual(
      rejects.map((r) => [r.reason, r.column, r.location, r.value]),
      [
        ['invalid_timestamp', 'ts', 'eras.csv:4', '0000-12-31T23:59:59Z'],
        ['invalid_timestamp', 'ts', 'eras.csv:6', '9999-12-31T23:30:00-01:00'],
        ['invalid_timestamp', 'ts', 'eras.csv:7', '0001-01-01T00:30:00+01:00'],
        ['invalid_timestamp', 'ts', 'eras.csv:8', '8640000000000000'],
        ['invalid_timestamp', 'ts', 'eras.csv:9', '-62135596800001'],
      ],
    );
  });

  it('leaves files that are not plain to the JS reader whole: quotes, CRLF, a BOM, blank lines', async () => {
    const body = '1,2026-01-01T00:00:00Z,1.5,"big, red",t\n2,2026-01-01T00:00:01Z,2,b,f\n';
    for (const [name, text] of [
      ['quoted.csv', `driver_id,ts,rate,car,ok\n${body}`],
      ['crlf.csv', 'driver_id,ts,rate,car,ok\r\n1,2026-01-01T00:00:00Z,1.5,a,t\r\n'],
      ['bom.csv', '\ufeffdriver_id,ts,rate,car,ok\n1,2026-01-01T00:00:00Z,1.5,a,t\n'],
      ['blank.csv', 'driver_id,ts,rate,car,ok\n1,2026-01-01T00:00:00Z,1.5,a,t\n\n2,2026-01-01T00:00:01Z,2,b,f\n'],
      ['header-only.csv', 'driver_id,ts,rate,car,ok\n'],
    ]) {
      fixture.write(name, text);
      const { handOvers } = await both(name, request(columns));
      assert.deepEqual(handOvers, [`${name}:1`]);
    }
    const quoted = await both('quoted.csv', request(columns));
    assert.deepEqual(quoted.rows[0], row(1, '2026-01-01T00:00:00Z', 1.5, 'big, red', true));
  });

  it('reads a glob in name order, each file its own way, rejects located in the right file', async () => {
    fixture.write('glob/a.csv', 'driver_id,ts,rate,car,ok\n1,2026-01-01T00:00:00Z,1,a,t\n2,2026-01-01T00:00:01Z,2,b,f\n');
    fixture.write('glob/b.csv', 'driver_id,ts,rate,car,ok\n3,2026-01-01T00:00:02Z,3,"c",t\n4,2026-01-01T00:00:03Z,x,d,t\n');
    fixture.write('glob/c.csv', 'ok,car,rate,ts,driver_id\nt,e,5,2026-01-01T00:00:04Z,5\nf,f,bad,2026-01-01T00:00:05Z,6\nt,g,7,2026-01-01T00:00:06Z,7\n');
    const { rows, rejects, handOvers } = await both('glob/*.csv', request(columns, { batchSize: 2 }));
    assert.deepEqual(
      rows.map((r) => r.driver_id),
      [1, 2, 3, 5, 7],
    );
    assert.deepEqual(handOvers, ['glob/b.csv:1', 'glob/c.csv:3']);
    assert.deepEqual(
      rejects.map((r) => `${r.reason} ${r.location} ${r.value}`),
      ['invalid_float64 glob/b.csv:3 x', 'invalid_float64 glob/c.csv:3 bad'],
    );
  });

  it('filters the time range and cuts batches as the JS reader does', async () => {
    const text = ['driver_id,ts,rate,car,ok', ...Array.from({ length: 50 }, (_, i) => `${i},2026-01-01T00:00:${String(i).padStart(2, '0')}Z,${i / 4},c${i % 3},${i % 2 ? 't' : 'f'}`)].join('\n');
    fixture.write('range.csv', text);
    const range = { start: ms('2026-01-01T00:00:09Z'), end: ms('2026-01-01T00:00:40Z') };
    const { rows, handOvers, batches } = await both('range.csv', request(columns, { range, batchSize: 7 }));
    assert.deepEqual(handOvers, []);
    assert.deepEqual(
      rows.map((r) => r.driver_id),
      Array.from({ length: 31 }, (_, i) => i + 10),
    );
    assert.equal(rows[3].rate, 13 / 4);
    assert.deepEqual(
      batches.map((b) => b.numRows),
      [7, 7, 7, 7, 3],
    );
  });

  it('proves all fields of a row with one regex: a comma inside a field (another delimiter) or a null field never shifts a match', async () => {
    const lines = ['driver_id;ts;rate;car;ok', '1;2026-01-01T00:00:00Z;;a;t', '2;2026-01-01T00:00:01Z;2;b;f'];
    const cases: [string, string][] = [
      ['comma in a number', '3;2026-01-01T00:00:02Z;1,5;c;t'],
      ['comma joining numbers', '3,4;2026-01-01T00:00:02Z;1;c;t'],
      ['comma in a time', '3;2026-01-01T00:00:02Z,1;1;c;t'],
      ['double sign', '3;2026-01-01T00:00:02Z;+-1;c;t'],
    ];
    for (const [name, bad] of cases) {
      const file = fixture.write(`semi-${name.replaceAll(' ', '-')}.csv`, `${[...lines, bad, '4;2026-01-01T00:00:03Z;4;d,e;f'].join('\n')}\n`);
      const { rows, handOvers } = await both(path.basename(file), request(columns), { delimiter: ';' });
      assert.equal(handOvers.length, 1, name);
      assert.deepEqual(rows.slice(0, 2), [row(1, '2026-01-01T00:00:00Z', null, 'a', true), row(2, '2026-01-01T00:00:01Z', 2, 'b', false)], name);
      assert.deepEqual(rows.at(-1), row(4, '2026-01-01T00:00:03Z', 4, 'd,e', false), name);
    }
    fixture.write('semi-plain.csv', `${[...lines, '4;2026-01-01T00:00:03Z;4;d,e;f'].join('\n')}\n`);
    const plain = await both('semi-plain.csv', request(columns), { delimiter: ';' });
    assert.deepEqual(plain.handOvers, []);
    assert.equal(plain.rows.length, 3);
  });

  it('reads many rows across DuckDB chunks, with long strings and a delimiter other than a comma', async () => {
    const cols: ColumnRequest[] = [col('k', 'int64', true), col('ts', 'timestamp', true), col('name', 'string'), col('code', 'string')];
    // 12,000 distinct short codes: more than the sink's table of inline strings holds at once.
    const n = 12_000;
    const lines = ['k;ts;name;code'];
    for (let i = 0; i < n; i++) lines.push(`${i};${new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()};${i % 7 === 0 ? '' : `name number ${i % 50} é`};c${i % 2 ? i : i % 10}`);
    fixture.write('many.csv', `${lines.join('\n')}\n`);
    const { rows, handOvers } = await both('many.csv', request(cols, { batchSize: 1000 }), { delimiter: ';' });
    assert.deepEqual(handOvers, []);
    assert.equal(rows.length, n);
    assert.deepEqual(rows[4321], { k: 4321, ts: Date.UTC(2026, 0, 1) + 4321 * 1000, name: `name number ${4321 % 50} é`, code: 'c4321' });
    assert.equal(rows[11_998].code, 'c8');
    assert.equal(rows[4326].name, null);
  });

  it('fails as the JS reader does on a missing column', async () => {
    fixture.write('missing.csv', 'driver_id,ts,rate,car\n1,2026-01-01T00:00:00Z,1,a\n');
    const source: CsvSource = { name: 'stats', type: 'csv', path: 'missing.csv', delimiter: ',', timestampField: 'ts' };
    const read = (reader: ReturnType<typeof csvReader>) =>
      readAll(reader, request(columns)).then(
        () => 'read',
        (e: Error) => e.message,
      );
    const js = await read(csvReader(source, { baseDir: fixture.dir }));
    assert.match(js, /column 'ok' is missing/);
    assert.equal(await read(duckdbCsvReader(source, { baseDir: fixture.dir }, engine)), js);
  });
});
