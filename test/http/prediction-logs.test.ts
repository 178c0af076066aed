import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duckRows } from '../support/duckdb.js';
import { T0, getJson, postJson, testServer } from '../support/services.js';

interface Sent {
  id: string;
  model: string;
  version: string;
  loggedAt: number;
  status: string;
  key: string;
}

/** The expected read, computed by brute force over what was sent: filter, newest first, by (loggedAt, id). */
function expected(sent: Sent[], keep: (s: Sent) => boolean, ascending = false): string[] {
  const rows = sent.filter(keep).sort((a, b) => b.loggedAt - a.loggedAt || (a.id < b.id ? 1 : -1));
  return (ascending ? rows.reverse() : rows).map((s) => s.id);
}

test('prediction logs: ids, dedupe of retries, every filter and cursor paging, from the journal and from Parquet alike', async () => {
  // Only the test publishes (testServices' default): the background publisher would race it on a slow machine.
  const s = await testServer();
  const url = `${s.url}/api/v1/prediction-logs`;
  try {
    const sent: Sent[] = [];
    const given = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    for (let i = 0; i < 40; i++) {
      s.services.clock.set(T0 + Math.floor(i / 4) * 600_000); // four predictions every ten minutes
      const model = i % 5 === 4 ? 'other' : 'churn';
      const version = i % 3 === 0 ? '2' : '1';
      const status = i % 7 === 0 ? 'failed' : 'ok';
      const key = `c${i % 6}`;
      const prediction = {
        ...(i === 0 ? { id: given.toUpperCase() } : {}),
        entity: { customer_id: key },
        features: { i },
        prediction: i % 2 === 0,
        probability: i / 40,
        status,
        ...(status === 'failed' ? { error: `e${i}` } : {}),
      };
      const res = await postJson(url, { model, modelVersion: version, predictions: [prediction] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.logged, 1);
      assert.equal(res.body.duplicates, 0);
      const [id] = res.body.predictionIds;
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      sent.push({ id, model, version, loggedAt: s.services.clock.now(), status, key });
    }
    assert.equal(sent[0].id, given, "the caller's id, in lower case");
    assert.equal(Number.parseInt(sent[39].id.replaceAll('-', '').slice(0, 12), 16), T0 + 9 * 600_000, 'a generated id is a UUIDv7 of the log time');

    // A retried request (same ids) is not logged twice; a batch repeating an id inside itself neither.
    const retry = await postJson(url, { model: 'churn', modelVersion: '2', predictions: [{ id: given, entity: { customer_id: 'c0' }, features: {}, prediction: 1 }] });
    assert.deepEqual(retry.body, { logged: 0, duplicates: 1, predictionIds: [given] });
    const twice = 'ffffffff-0000-7000-8000-000000000001';
    const inside = await postJson(url, {
      model: 'churn',
      modelVersion: '3',
      predictions: [
        { id: twice, entity: { customer_id: 'x|1' }, features: {}, prediction: 1 },
        { id: twice, entity: { customer_id: 'x' }, features: {}, prediction: 2 },
      ],
    });
    assert.deepEqual(inside.body, { logged: 1, duplicates: 1, predictionIds: [twice, twice] });
    sent.push({ id: twice, model: 'churn', version: '3', loggedAt: s.services.clock.now(), status: 'ok', key: 'x|1' });

    const from = T0 + 2 * 600_000;
    const to = T0 + 6 * 600_000;
    const cases: [string, (x: Sent) => boolean, boolean?][] = [
      ['', (x) => x.model === 'churn'],
      ['&version=2', (x) => x.model === 'churn' && x.version === '2'],
      [`&from=${new Date(from).toISOString()}&to=${to}`, (x) => x.model === 'churn' && x.loggedAt >= from && x.loggedAt < to],
      ['&status=failed', (x) => x.model === 'churn' && x.status === 'failed'],
      ['&entityKey=c3', (x) => x.model === 'churn' && x.key === 'c3'],
      ['&entityKey=x%7C1', (x) => x.model === 'churn' && x.key === 'x|1'],
      [`&ids=${sent[1].id},${sent[5].id},${sent[4].id}`, (x) => x.model === 'churn' && [sent[1].id, sent[5].id].includes(x.id)],
      ['&order=asc&status=ok', (x) => x.model === 'churn' && x.status === 'ok', true],
    ];
    const readAll = async (query: string, limit: number) => {
      const ids: string[] = [];
      let after = '';
      for (let page = 0; page < 100; page++) {
        const res = await getJson(`${url}?model=churn${query}&limit=${limit}${after}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        ids.push(...res.body.predictions.map((p: { id: string }) => p.id));
        if (res.body.next === null) return ids;
        assert.equal(res.body.predictions.length, limit, 'only the last page is short');
        after = `&after=${res.body.next}`;
      }
      throw new Error('paging never ended');
    };
    const check = async (where: string) => {
      for (const [query, keep, asc] of cases) {
        const want = expected(sent, keep, asc);
        assert.deepEqual(await readAll(query, 1000), want, `${where}: ${query}`);
        assert.deepEqual(await readAll(query, 3), want, `${where}: ${query}, pages of 3`);
      }
    };
    await check('journal');
    const first = (await getJson(`${url}?model=churn&ids=${given}`)).body.predictions[0];
    assert.deepEqual(first, {
      id: given,
      model: 'churn',
      modelVersion: '2',
      loggedAt: '2026-11-29T12:00:00.000Z',
      predictedAt: '2026-11-29T12:00:00.000Z',
      entity: { customer_id: 'c0' },
      entityKey: 'c0',
      features: { i: 0 },
      featureVersions: {},
      prediction: true,
      probability: 0,
      status: 'failed',
      error: 'e0',
    });

    await s.services.predictionLog.publish();
    assert.deepEqual(
      (await s.services.registry.predictionLogs.files('churn')).map((f) => [f.date, f.rows]),
      [['2026-11-29', 33]],
      'the journal is in a file now',
    );
    await check('parquet');
    assert.deepEqual((await getJson(`${url}?model=churn&ids=${given}`)).body.predictions[0], first);
    assert.deepEqual((await s.services.predictionLog.byIds('churn', [sent[2].id, sent[3].id])).map((p) => p.id).sort(), [sent[2].id, sent[3].id].sort());
    // Half published, half in the journal: one read merges them.
    s.services.clock.set(T0 + 3_600_000);
    const late = await postJson(url, { model: 'churn', predictions: [{ entity: { customer_id: 'c1' }, features: {}, prediction: 0 }] });
    sent.push({ id: late.body.predictionIds[0], model: 'churn', version: '1', loggedAt: T0 + 3_600_000, status: 'ok', key: 'c1' });
    await check('parquet and journal');

    // Plain Hive-partitioned Parquet under the offline root, newest first in each file: any engine reads it.
    const root = `${s.services.config.dataDir}/offline/logs/predictions`;
    const rows = await duckRows(`SELECT model, count(*) AS n FROM read_parquet('${root}/*/*/*.parquet') GROUP BY model ORDER BY model`);
    assert.deepEqual(rows, [
      { model: 'churn', n: 33n },
      { model: 'other', n: 8n },
    ]);
  } finally {
    await s.close();
  }
});

test('prediction logs: bad input is a 400 naming the field, and a batch with one bad prediction logs none of it', async () => {
  const s = await testServer();
  const url = `${s.url}/api/v1/prediction-logs`;
  try {
    const good = { entity: { customer_id: 'c1' }, features: {}, prediction: 1 };
    const bad: [unknown, string][] = [
      [{ model: 'Churn!', predictions: [good] }, 'model'],
      [{ model: 'churn', predictions: [] }, 'predictions'],
      [{ model: 'churn', predictions: [good, { ...good, probability: 2 }] }, 'predictions[1].probability'],
      [{ model: 'churn', predictions: [good, { ...good, predictedAt: 'noon' }] }, 'predictions[1].predictedAt'],
      [{ model: 'churn', predictions: [good, { features: {}, prediction: 1 }] }, 'predictions[1].entity'],
      [{ model: 'churn', predictions: [good, { ...good, id: 'not-a-uuid' }] }, 'predictions[1].id'],
    ];
    for (const [body, path] of bad) {
      const res = await postJson(url, body);
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.errors.map((e: { path: string }) => e.path),
        [path],
      );
    }
    const badReads: [string, string][] = [
      ['', '(query) model'],
      ['?model=churn&limit=0', '(query) limit'],
      ['?model=churn&from=noon', '(query) from'],
      ['?model=churn&status=maybe', '(query) status'],
      ['?model=churn&order=sideways', '(query) order'],
      ['?model=churn&ids=1,2', '(query) ids'],
      ['?model=churn&after=bm90LWEtY3Vyc29y', '(query) after'],
      ['?model=churn&colour=red', '(query) colour'],
    ];
    for (const [query, path] of badReads) {
      const res = await getJson(`${url}${query}`);
      assert.equal(res.status, 400, `${query}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(
        res.body.errors.map((e: { path: string }) => e.path),
        [path],
        query,
      );
    }
    await s.services.predictionLog.publish();
    assert.deepEqual((await getJson(`${url}?model=churn`)).body, { model: 'churn', predictions: [], next: null }, 'rejected batches wrote nothing');
    assert.deepEqual(await s.services.registry.predictionLogs.files('churn'), []);
  } finally {
    await s.close();
  }
});
