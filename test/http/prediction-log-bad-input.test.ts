import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import express from 'express';
import { errorHandler } from '../../server/http/error-handler.js';
import { predictionLogFastPath } from '../../server/http/prediction-log-fast-path.js';
import { predictionLogRoutes } from '../../server/http/routes/prediction-logs.js';
import { createLogger } from '../../server/logger.js';
import { testServices } from '../support/services.js';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/prediction-logs`;
}

async function post(url: string, body: unknown): Promise<{ status: number; body: { errors?: { path: string; message: string }[]; logged?: number } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { errors?: { path: string; message: string }[]; logged?: number } };
}

test('the express route and the node:http fast path answer a bad batch with the same 400 naming the field, and log a good one', async () => {
  const services = await testServices();
  const logger = createLogger('silent');
  const bodyLimit = 1 << 20;
  const app = express()
    .use(predictionLogRoutes({ logs: services.predictionLog, bodyLimit }))
    .use(errorHandler(logger));
  const fast = predictionLogFastPath({ logs: services.predictionLog, bodyLimit, logger });
  const viaExpress = http.createServer(app);
  const viaFast = http.createServer((req, res) => {
    if (!fast(req, res)) app(req, res);
  });
  try {
    const urls = [await listen(viaExpress), await listen(viaFast)];
    const good = { entity: { customer_id: 'c1' }, features: { age: 0.5 }, prediction: true };
    const bad: [unknown, string][] = [
      [{ model: 'churn', predictions: [good], colour: 'red' }, 'colour'],
      [{ model: 'churn', modelVersion: '', predictions: [good] }, 'modelVersion'],
      [{ model: 'churn', predictions: [good, { ...good, features: { a: [1] } }] }, 'predictions[1].features.a'],
      [{ model: 'churn', predictions: [good, { ...good, entity: { a: true } }] }, 'predictions[1].entity.a'],
      [{ model: 'churn', predictions: [good, { ...good, featureVersions: { customers: 0 } }] }, 'predictions[1].featureVersions.customers'],
      [{ model: 'churn', predictions: [good, { ...good, status: 'maybe' }] }, 'predictions[1].status'],
      [{ model: 'churn', predictions: [{ entity: good.entity, features: {} }] }, 'predictions[0].prediction'],
      [{ model: 'churn', predictions: [good, { ...good, predictedAt: 'noon' }] }, 'predictions[1].predictedAt'],
      // Outside years 0001-9999 UTC: 8.64e15 was logged and read back as '+275760-09-13T00:00:00.000Z'.
      [{ model: 'churn', predictions: [good, { ...good, predictedAt: 8.64e15 }] }, 'predictions[1].predictedAt'],
      [{ model: 'churn', predictions: [{ ...good, predictedAt: '0000-12-31T23:59:59Z' }] }, 'predictions[0].predictedAt'],
      [{ model: 'churn', predictions: [{ ...good, predictedAt: -62_198_755_200_001 }] }, 'predictions[0].predictedAt'],
      // JSON.parse makes "__proto__" an own key; zod's records would drop it and log {} with a 201.
      [{ model: 'churn', predictions: [good, { ...good, entity: JSON.parse('{"__proto__":"x"}') }] }, 'predictions[1].entity.__proto__'],
      [{ model: 'churn', predictions: [{ ...good, features: JSON.parse('{"a":1,"__proto__":{"b":2}}') }] }, 'predictions[0].features.__proto__'],
    ];
    for (const [body, path] of bad) {
      const [a, b] = await Promise.all(urls.map((url) => post(url, body)));
      assert.equal(a.status, 400, JSON.stringify(a.body));
      assert.deepEqual(
        a.body.errors?.map((e) => e.path),
        [path],
      );
      assert.deepEqual(b, a, `the fast path answers ${JSON.stringify(body)} as express does`);
    }
    for (const url of urls) {
      const res = await post(url, { model: 'churn', predictions: [good, { ...good, probability: 0.5, status: 'failed', error: 'x' }] });
      assert.equal(res.status, 201);
      assert.equal(res.body.logged, 2);
    }
    const read = await services.predictionLog.read({ model: 'churn', limit: 10 });
    assert.equal(read.predictions.length, 4);
    for (const query of ['from=8640000000000000', 'to=10000-01-01', 'from=0000-12-31T23:59:59Z']) {
      const res = await fetch(`${urls[0]}?model=churn&${query}`);
      assert.equal(res.status, 400, query);
      assert.deepEqual(
        ((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path),
        [`(query) ${query.split('=')[0]}`],
      );
    }
  } finally {
    viaExpress.close();
    viaFast.close();
    await services.close();
  }
});
