import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { createHttpClient } from '../../server/client/http-client.js';
import { TesseraError } from '../../server/errors.js';

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

test('a server that accepts and never answers fails the request as unavailable after the idle timeout, not never', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  const url = await listen(silent);
  const client = createHttpClient(url, { idleTimeoutMs: 300 });
  try {
    const started = Date.now();
    await assert.rejects(client.json('GET', '/api/v1/entities'), (e: unknown) => e instanceof TesseraError && e.code === 'unavailable' && /sent nothing for 0.3 s/.test(e.message));
    assert.ok(Date.now() - started >= 250, 'not before the timeout');
  } finally {
    client.close();
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('an answer whose body stalls midway fails too; a slow answer that keeps sending does not', async () => {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/stall') return void res.write('{"a":');
    // 6 pieces, 400 ms apart: 2.4 s in all, more than the slow client's 1.5 s timeout, never that long silent.
    let i = 0;
    const timer = setInterval(() => {
      res.write(i === 0 ? '[0' : `,${i}`);
      if (++i === 6) {
        clearInterval(timer);
        res.end(']');
      }
    }, 400);
  });
  const url = await listen(server);
  const patient = createHttpClient(url, { idleTimeoutMs: 1500 });
  const client = createHttpClient(url, { idleTimeoutMs: 300 });
  try {
    assert.deepEqual(await patient.json('GET', '/slow'), [0, 1, 2, 3, 4, 5]);
    await assert.rejects(client.json('GET', '/stall'), (e: unknown) => e instanceof TesseraError && e.code === 'unavailable');
  } finally {
    patient.close();
    client.close();
    server.closeAllConnections();
    server.close();
  }
});

test('TESSERA_CLIENT_TIMEOUT_MS that is not a whole number of milliseconds is refused, naming it', () => {
  const saved = process.env.TESSERA_CLIENT_TIMEOUT_MS;
  try {
    for (const bad of ['abc', '0', '1.5', '-5']) {
      process.env.TESSERA_CLIENT_TIMEOUT_MS = bad;
      assert.throws(
        () => createHttpClient('http://127.0.0.1:1'),
        (e: unknown) => e instanceof TesseraError && e.code === 'validation' && e.errors[0].path === 'TESSERA_CLIENT_TIMEOUT_MS',
        bad,
      );
    }
    process.env.TESSERA_CLIENT_TIMEOUT_MS = '1000';
    createHttpClient('http://127.0.0.1:1').close();
  } finally {
    if (saved === undefined) delete process.env.TESSERA_CLIENT_TIMEOUT_MS;
    else process.env.TESSERA_CLIENT_TIMEOUT_MS = saved;
  }
});
