import assert from 'node:assert/strict';
import type { LogFileRecord } from '../../server/prediction-logs/log-file-store.js';
import { registryTest } from './registry-backends.js';

const T = 1_800_000_000_000;

function file(name: string, model: string, min: number, max: number, rows = 10): LogFileRecord {
  return { path: `offline/logs/predictions/model=${model}/date=2027-01-15/${name}.parquet`, model, date: '2027-01-15', rows, bytes: rows * 100, minLoggedAt: min, maxLoggedAt: max, createdAt: T };
}

/** The prediction log file store contract (server/prediction-logs/log-file-store.ts), on every backend. */
export function predictionLogStoreContract(): void {
  const suite = 'prediction log store';

  registryTest(suite, 'a segment publishes its files once; files list newest first within a range', async ({ registry }) => {
    const store = registry.predictionLogs;
    assert.equal(await store.isPublished('seg-1'), false);
    assert.equal(await store.publish('seg-1', 20, [file('a', 'churn', T, T + 100), file('b', 'other', T, T + 50)], T), true);
    assert.equal(await store.isPublished('seg-1'), true);
    assert.equal(await store.publish('seg-1', 20, [file('a2', 'churn', T, T + 100)], T), false, 'a replayed segment is not published twice');
    assert.equal(await store.publish('seg-2', 10, [file('c', 'churn', T + 200, T + 300)], T), true);
    assert.deepEqual(
      (await store.files('churn')).map((f) => f.path.split('/').pop()),
      ['c.parquet', 'a.parquet'],
    );
    assert.deepEqual(await store.files('churn', { from: T + 150 }), [file('c', 'churn', T + 200, T + 300)]);
    assert.deepEqual(
      (await store.files('churn', { to: T + 200 })).map((f) => f.path.split('/').pop()),
      ['a.parquet'],
      'to is exclusive',
    );
    assert.deepEqual(await store.models(), ['churn', 'other']);
  });

  registryTest(suite, 'replace swaps files at once; a second replace of the same files changes nothing', async ({ registry, another }) => {
    const store = registry.predictionLogs;
    await store.publish('s', 30, [file('a', 'm', T, T + 1), file('b', 'm', T + 2, T + 3), file('c', 'm', T + 4, T + 5)], T);
    const other = (await another()).predictionLogs;
    assert.equal(await store.replace([file('a', 'm', 0, 0).path, file('b', 'm', 0, 0).path], [file('ab', 'm', T, T + 3, 20)]), true);
    assert.equal(await other.replace([file('b', 'm', 0, 0).path, file('c', 'm', 0, 0).path], [file('bc', 'm', T + 2, T + 5, 20)]), false);
    assert.deepEqual(
      (await other.files('m')).map((f) => [f.path.split('/').pop(), f.rows]),
      [
        ['c.parquet', 10],
        ['ab.parquet', 20],
      ],
    );
    assert.equal(await store.replace([file('c', 'm', 0, 0).path, file('ab', 'm', 0, 0).path], []), true, 'retention removes without adding');
    assert.deepEqual(await store.files('m'), []);
    assert.deepEqual(await store.models(), []);
  });

  registryTest(suite, 'caller ids: the first segment to claim one keeps it; claims past the window are forgotten', async ({ registry, another }) => {
    const store = registry.predictionLogs;
    const other = (await another()).predictionLogs;
    assert.deepEqual(await store.claimIds('seg-a', ['id-1', 'id-2'], T, T - 1000), []);
    assert.deepEqual(await other.claimIds('seg-b', ['id-2', 'id-3'], T + 10, T - 990), ['id-2'], "id-2 is seg-a's");
    assert.deepEqual(await store.claimIds('seg-a', ['id-1', 'id-2'], T + 20, T - 980), [], 'a replay of seg-a finds its own claims');
    assert.deepEqual([...(await other.claimants(['id-1', 'id-3', 'id-9']))].sort(), [
      ['id-1', 'seg-a'],
      ['id-3', 'seg-b'],
    ]);
    // seg-a claimed at T: a window starting after T forgets it, and id-1 goes to whoever claims next.
    assert.deepEqual(await other.claimIds('seg-c', ['id-1'], T + 2000, T + 5), []);
    assert.deepEqual([...(await store.claimants(['id-1', 'id-2', 'id-3']))].sort(), [
      ['id-1', 'seg-c'],
      ['id-3', 'seg-b'],
    ]);
  });
}
