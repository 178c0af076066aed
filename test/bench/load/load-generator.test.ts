import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../support/temp-dir.js';
import { LoadGenerator, writeBodies } from './load.js';

/** A server whose every answer takes `delayMs`: longer than a smoke run's whole measuring window. */
async function slowServer(delayMs: number) {
  let answered = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        answered++;
        res.end('{}');
      }, delayMs),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, answered: () => answered, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('a quick (smoke) measurement whose window closes before the first answer waits for answers instead of failing', { timeout: 120_000 }, async () => {
  const server = await slowServer(800);
  const bodiesFile = writeBodies(path.join(tempDir(), 'bodies.json'), [{ n: 1 }, { n: 2 }]);
  const spec = { url: server.url, path: '/x', bodiesFile, connections: 2, seconds: 0.25, warmupSeconds: 0 };
  const quick = new LoadGenerator({ quick: true });
  const full = new LoadGenerator();
  try {
    const r = await quick.run(spec);
    assert.equal(r.failed, 0);
    assert.ok(r.requests >= 1, `${r.requests} answers`);
    // Each measured answer took the server's delay, less a little for timer granularity.
    assert.ok(r.p50 >= 700, `p50 ${r.p50} ms`);
    // A real measurement keeps the rule: a window without an answer is not a measurement.
    await assert.rejects(full.run(spec), /0 failed requests and 0 answers .*: not a valid measurement/);
  } finally {
    await quick.close();
    await full.close();
    await server.close();
    fs.rmSync(bodiesFile, { force: true });
  }
});
