import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import express from 'express';
import { errorHandler } from '../../server/http/error-handler.js';
import { predictionLogRoutes } from '../../server/http/routes/prediction-logs.js';
import { createLogger } from '../../server/logger.js';
import { type JournalIo, fileJournalIo } from '../../server/prediction-logs/journal-io.js';
import { getJson, postJson, testServices } from '../support/services.js';
import { openPredictionLog } from './open-log.js';

/** The real file operations, but the next write or sync fails as a full disk or a failing device does. */
function faultyIo(): JournalIo & { failNext(op: 'write' | 'sync', code: string): void } {
  const pending: Partial<Record<'write' | 'sync', string>> = {};
  const fail = (op: 'write' | 'sync') => {
    const code = pending[op];
    if (code === undefined) return;
    delete pending[op];
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  return {
    ...fileJournalIo,
    async write(fd, data, position) {
      // A full disk takes part of the data before it refuses the rest.
      if (pending.write) await fileJournalIo.write(fd, data.subarray(0, data.length >> 1), position);
      fail('write');
      return fileJournalIo.write(fd, data, position);
    },
    async sync(fd) {
      fail('sync');
      return fileJournalIo.sync(fd);
    },
    failNext(op, code) {
      pending[op] = code;
    },
  };
}

test('a failed sync (EIO) or write (ENOSPC) answers 503; what was acknowledged before and after stays readable, and a retry is logged', async () => {
  const services = await testServices();
  const io = faultyIo();
  const journalDir = path.join(services.dir, 'faulty-journal');
  const logs = openPredictionLog(services, journalDir, io);
  await logs.start();
  const app = express()
    .use(predictionLogRoutes({ logs, bodyLimit: 1 << 20 }))
    .use(errorHandler(createLogger('silent')));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/prediction-logs`;
  const batch = (name: string, n: number) => ({ model: 'm', predictions: Array.from({ length: n }, (_, i) => ({ entity: { id: `${name}${i}` }, features: {}, prediction: i })) });
  try {
    const a = await postJson(url, batch('a', 3));
    assert.equal(a.status, 201);
    io.failNext('sync', 'EIO');
    const b = await postJson(url, batch('b', 2));
    assert.equal(b.status, 503, JSON.stringify(b.body));
    assert.match(b.body.detail, /EIO/);
    // Appends of one turn go in one group: the failure answers all of them.
    io.failNext('sync', 'EIO');
    const group = await Promise.allSettled([logs.append({ ...batch('g', 1), modelVersion: '1' } as never), logs.append({ ...batch('h', 1), modelVersion: '1' } as never)]);
    assert.deepEqual(
      group.map((r) => r.status === 'rejected' && (r.reason as { code: string }).code),
      ['unavailable', 'unavailable'],
    );
    const c = await postJson(url, batch('c', 2));
    assert.equal(c.status, 201);
    io.failNext('write', 'ENOSPC');
    const withIds = { model: 'm', predictions: [{ id: 'ffff0000-0000-7000-8000-00000000000d', entity: { id: 'd0' }, features: {}, prediction: 0 }] };
    const d = await postJson(url, withIds);
    assert.equal(d.status, 503);
    assert.match(d.body.detail, /ENOSPC/);
    assert.deepEqual(
      (await postJson(url, withIds)).body,
      { logged: 1, duplicates: 0, predictionIds: ['ffff0000-0000-7000-8000-00000000000d'] },
      'the failed ids were not remembered: the retry is logged',
    );

    const entities = async () => ((await getJson(`${url}?model=m&order=asc`)).body.predictions as { entity: { id: string } }[]).map((p) => p.entity.id);
    const want = ['a0', 'a1', 'a2', 'c0', 'c1', 'd0'];
    assert.deepEqual(await entities(), want);
    // The journal on disk holds exactly the acknowledged lines: the failed groups were zeroed and written over.
    const [segment] = fs.readdirSync(journalDir);
    const lines = fs.readFileSync(path.join(journalDir, segment), 'utf8').replace(/\0+$/, '').trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).entity),
      want.map((id) => JSON.stringify({ id })),
    );
    await logs.publish();
    assert.deepEqual(await entities(), want, 'and so does the published file');
    assert.deepEqual(fs.readdirSync(journalDir), [], 'a published segment is removed');
  } finally {
    server.close();
    await logs.close();
    await services.close();
  }
});
