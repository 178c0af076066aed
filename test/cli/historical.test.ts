import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { arrowRows, csvRows, parquetRows, postJsonTo } from '../http/historical-client.js';
import { HAND_FILES, handBundle, ms } from '../offline/fixture.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { runCli, runCliHere } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

// A child process for the exit codes a shell sees (asynchronously: the test's server keeps answering);
// the other calls go through runCliHere (main() in this process).
const tessera = runCli;

let s: Awaited<ReturnType<typeof pipelineServer>>;
let dir: string;

before(async () => {
  s = await pipelineServer(HAND_FILES, handBundle());
  for (const view of ['driver_stats', 'rider_stats']) assert.equal((await s.materialize(view)).status, 'succeeded');
  dir = tempDir();
  // Entity rows and their answers by hand (test/offline/fixture.ts): rate 0.3 / 5 / null, tier silver / bronze / null.
  fs.writeFileSync(path.join(dir, 'entities.csv'), 'driver_id,rider_id,event_timestamp,label\n1,r1,2026-11-01T11:00:00Z,1\n2,007,2026-11-01T10:00:00Z,0\n99,x,2026-11-01T10:30:00Z,1\n');
});
after(() => s.close());

test('tessera get-historical-features: local data dir to Parquet, a server (--url) to CSV', async () => {
  const local = await runCliHere(['get-historical-features', '--entities', 'entities.csv', '--features', 'driver_stats:rate,rider_stats:tier', '--out', 'out.parquet', '--data-dir', s.dataDir], dir);
  assert.equal(local.code, 0, local.stderr);
  assert.match(local.stdout, /wrote 3 rows to out\.parquet/);
  const { columns, rows } = parquetRows(fs.readFileSync(path.join(dir, 'out.parquet')));
  assert.deepEqual(columns, ['driver_id', 'rider_id', 'event_timestamp', 'label', 'rate', 'tier']);
  assert.deepEqual(
    rows.map((r) => [r.driver_id, r.event_timestamp, r.label, r.rate, r.tier]),
    [
      [1n, ms('2026-11-01T11:00:00Z'), 1n, 0.3, 'silver'],
      [2n, ms('2026-11-01T10:00:00Z'), 0n, 5, 'bronze'],
      [99n, ms('2026-11-01T10:30:00Z'), 1n, null, null],
    ],
  );

  const remote = await runCliHere(
    ['get-historical-features', '--entities', 'entities.csv', '--features', 'driver_stats:rate,rider_stats:tier', '--full-feature-names', '--out', 'out.csv', '--url', s.url],
    dir,
  );
  assert.equal(remote.code, 0, remote.stderr);
  const csv = csvRows(fs.readFileSync(path.join(dir, 'out.csv')));
  assert.deepEqual(csv.columns, ['driver_id', 'rider_id', 'event_timestamp', 'label', 'driver_stats__rate', 'rider_stats__tier']);
  assert.deepEqual(csv.rows[2], ['99', 'x', '2026-11-01T10:30:00.000Z', '1', '', '']);
});

test('a JSON entity file keeps an int64 key beyond 2^53 exact, locally and over --url (it was rounded to 9007199254740992)', async () => {
  // rider_id is a string key: only driver_id is wide. Nothing matches it, so the features are null.
  fs.writeFileSync(path.join(dir, 'wide.json'), '{"driver_id":[9007199254740993, 1],"rider_id":["r1","r1"],"event_timestamp":["2026-11-01T11:00:00Z","2026-11-01T11:00:00Z"]}');
  for (const where of [
    ['--data-dir', s.dataDir],
    ['--url', s.url],
  ]) {
    const run = await runCliHere(['get-historical-features', '--entities', 'wide.json', '--features', 'driver_stats:rate', '--out', 'wide-out.json', ...where], dir);
    assert.equal(run.code, 0, run.stderr);
    const text = fs.readFileSync(path.join(dir, 'wide-out.json'), 'utf8');
    assert.match(text, /"driver_id":\[9007199254740993,1\]/, where[0]);
    assert.match(text, /"rate":\[null,0\.3\]/, where[0]);
  }
});

test('tessera get-historical-features: bad input exits 1 naming the problem (2 for a bad option value), and writes no file', async () => {
  const unknown = await tessera(['get-historical-features', '--entities', 'entities.csv', '--features', 'driver_stats:nope', '--out', 'bad.json', '--data-dir', s.dataDir], dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /features\[0\]: feature view 'driver_stats' \(version 1\) has no feature 'nope'/);
  const format = await tessera(['get-historical-features', '--entities', 'entities.csv', '--features', 'driver_stats:rate', '--out', 'bad.xlsx', '--url', s.url], dir);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /use \.parquet, \.csv, \.json, \.arrow \(Arrow file\) or \.arrows \(Arrow stream\)/);
  assert.ok(!fs.readdirSync(dir).some((f) => f.startsWith('bad.')));
});

// The output file is a write stream: a failure to open it (a folder that does not exist) is emitted as
// 'error', which Node throws when nobody listens: the CLI died with a stack trace (and, remote, while the
// answer was still arriving) instead of exiting 1 naming the file.
test('tessera get-historical-features: an --out in a missing folder exits 1 naming it, locally and from a server', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    for (const [target, out] of [
      [['--data-dir', s.dataDir], 'missing/out.parquet'],
      [['--url', s.url], 'missing/out.csv'],
    ] as const) {
      const run = await runCliHere(['get-historical-features', '--entities', 'entities.csv', '--features', 'driver_stats:rate', '--out', out, ...target], dir);
      assert.equal(run.code, 1, `${target[0]}: ${run.stderr}`);
      assert.match(run.stderr, /ENOENT/, target[0]);
      assert.match(run.stderr, /missing[\\/]out\./, target[0]);
    }
    assert.deepEqual(uncaught, []);
    assert.ok(!fs.existsSync(path.join(dir, 'missing')));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
});

test('tessera datasets list, show, export', async () => {
  const created = await postJsonTo(`${s.url}/api/v1/training-datasets`, { name: 'cli_set', features: ['driver_stats:rate'], entities: { driver_id: [2], event_timestamp: ['2026-11-01T10:00:00Z'] } });
  assert.equal(created.status, 201);
  const list = await runCliHere(['datasets', 'list', '--data-dir', s.dataDir], dir);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME\s+STATUS\s+ROWS/);
  assert.match(list.stdout, /cli_set\s+ready\s+1\s+/);
  const show = await runCliHere(['datasets', 'show', 'cli_set', '--json', '--url', s.url], dir);
  assert.equal(show.code, 0, show.stderr);
  assert.equal(JSON.parse(show.stdout).rows, 1);
  const exported = await runCliHere(['datasets', 'export', 'cli_set', '--out', 'set.json', '--data-dir', s.dataDir], dir);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'set.json'), 'utf8')), { driver_id: [2], event_timestamp: ['2026-11-01T10:00:00.000Z'], rate: [5] });
  const missing = await tessera(['datasets', 'show', 'nope', '--data-dir', s.dataDir], dir);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /training dataset 'nope' does not exist/);
});

// `show` printed JSON only; people get a summary, as `describe` gives, and scripts `--json`.
test('tessera datasets show: a summary in words, locally and over --url; --json the API answer', async () => {
  const created = await postJsonTo(`${s.url}/api/v1/training-datasets`, {
    name: 'shown_set',
    description: 'two drivers',
    features: ['driver_stats:rate'],
    entities: { driver_id: [2, 1], event_timestamp: ['2026-11-01T10:00:00Z', '2026-11-01T11:00:00Z'] },
  });
  assert.equal(created.status, 201);
  // The snapshots a dataset pins are the view version's committed ones when it was saved.
  const version = (await (await fetch(`${s.url}/api/v1/feature-views/driver_stats/versions/1`)).json()) as { snapshots: { id: number; rows: number }[] };
  const pinned = version.snapshots.filter((x) => x.rows > 0).map((x) => `#${x.id}`);
  assert.ok(pinned.length > 0);
  for (const where of [
    ['--data-dir', s.dataDir],
    ['--url', s.url],
  ]) {
    const text = await runCliHere(['datasets', 'show', 'shown_set', ...where], dir);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.equal(lines[0], 'training dataset shown_set', where[0]);
    assert.equal(lines[1], '  two drivers');
    for (const line of [
      'status: ready',
      'rows: 2',
      // The entity rows' times, not the features' (driver 2's rate of 10:00 and driver 1's of 11:00).
      'event times: 2026-11-01T10:00:00.000Z .. 2026-11-01T11:00:00.000Z',
      'request: features driver_stats:rate',
      '  driver_stats v1: ttl 1h, join keys driver_id (int64)',
      `    snapshots ${pinned.join(', ')}`,
      '    columns (1): rate',
      '  driver_id (key, BIGINT): 0 nulls, min 1, max 2',
      // Rates by hand (test/offline/fixture.ts): driver 2 at 10:00 is 5, driver 1 at 11:00 is 0.3.
      '  rate (feature, DOUBLE): 0 nulls, min 0.3, max 5, mean 2.65',
    ])
      assert.ok(lines.includes(line), `${where[0]}: no line '${line}' in\n${text.stdout}`);
    assert.match(text.stdout, /^created \d{4}-\d\d-\d\dT/m);
    assert.match(text.stdout, /^ {2}data: offline\/_datasets\/shown_set\/\S+\/data\.parquet \(2 rows, [\d,]+ bytes, sha256 [0-9a-f]{64}\)$/m);
    assert.throws(() => JSON.parse(text.stdout));

    const json = await runCliHere(['datasets', 'show', 'shown_set', '--json', ...where], dir);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), created.json());
  }
});

// `.arrow` is the Arrow IPC file format (what pyarrow.ipc.open_file and Feather read); `.arrows` the
// stream. Both were written as the stream, so a `.arrow` file had no footer for those readers.
const isArrowFile = (bytes: Buffer) => bytes.subarray(0, 6).toString('latin1') === 'ARROW1' && bytes.subarray(-6).toString('latin1') === 'ARROW1';

test('--out x.arrow writes the Arrow file format and x.arrows the stream: get-historical-features and datasets export, locally and over --url', async () => {
  const created = await postJsonTo(`${s.url}/api/v1/training-datasets`, {
    name: 'arrow_set',
    features: ['driver_stats:rate'],
    entities: { driver_id: [2], event_timestamp: ['2026-11-01T10:00:00Z'] },
  });
  assert.equal(created.status, 201);
  for (const where of [
    ['--data-dir', s.dataDir],
    ['--url', s.url],
  ]) {
    for (const ext of ['arrow', 'arrows']) {
      const out = `hist-${where[0].slice(2)}.${ext}`;
      const run = await runCliHere(['get-historical-features', '--entities', 'entities.csv', '--features', 'driver_stats:rate', '--out', out, ...where], dir);
      assert.equal(run.code, 0, run.stderr);
      const bytes = fs.readFileSync(path.join(dir, out));
      assert.equal(isArrowFile(bytes), ext === 'arrow', `${out}: starts with ${bytes.subarray(0, 8).toString('hex')}`);
      // The stream starts with a message's continuation marker.
      if (ext === 'arrows') assert.equal(bytes.readUInt32LE(0), 0xffffffff);
      assert.deepEqual(
        arrowRows(bytes).rows.map((r) => r.rate),
        [0.3, 5, null],
        out,
      );

      const set = `set-${where[0].slice(2)}.${ext}`;
      const exported = await runCliHere(['datasets', 'export', 'arrow_set', '--out', set, ...where], dir);
      assert.equal(exported.code, 0, exported.stderr);
      const setBytes = fs.readFileSync(path.join(dir, set));
      assert.equal(isArrowFile(setBytes), ext === 'arrow', set);
      assert.deepEqual(
        arrowRows(setBytes).rows.map((r) => r.rate),
        [5],
        set,
      );
    }
  }
});
