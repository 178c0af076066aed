import assert from 'node:assert/strict';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { answerClientError } from '../../server/http/client-error.js';
import { testServer } from '../support/services.js';

// Requests Node's parser refuses never reach express: Node answered them itself, in plain text with no
// body (431 for headers past its 16 KB limit, 400 for a malformed request line).

let s: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  s = await testServer();
});
after(() => s.close());

/** Sends raw bytes and reads everything until the server closes the connection. */
function raw(bytes: string): Promise<{ status: number; headers: string; body: { type: string; status: number; errors: { path: string }[] } }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(s.url);
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, body] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) });
    });
  });
}

test('headers past the limit: a 431 problem, then the connection closes', { timeout: 10_000 }, async () => {
  const res = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.equal(res.status, 431);
  assert.match(res.headers, /\r\nContent-Type: application\/problem\+json\r\n/);
  assert.match(res.headers, /\r\nConnection: close$/m);
  assert.equal(res.body.type, '/problems/headers_too_large');
  assert.equal(res.body.status, 431);
  assert.deepEqual(
    res.body.errors.map((e) => e.path),
    ['(headers)'],
  );
});

test('a malformed request line: a 400 problem, then the connection closes; the server goes on answering', { timeout: 10_000 }, async () => {
  for (const line of ['HELLO WORLD\r\n\r\n', 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n', 'GET /he alth HTTP/1.1\r\nHost: x\r\n\r\n']) {
    const res = await raw(line);
    assert.equal(res.status, 400, JSON.stringify(line));
    assert.match(res.headers, /\r\nContent-Type: application\/problem\+json\r\n/);
    assert.equal(res.body.type, '/problems/validation');
    assert.deepEqual(
      res.body.errors.map((e) => e.path),
      ['(request)'],
    );
  }
  assert.equal((await fetch(`${s.url}/health`)).status, 200);
});

test('a timeout is a 408 problem; nothing is written on a connection whose answer has begun', async () => {
  const read = (socket: PassThrough) => new Promise<string>((resolve) => socket.on('data', (c: Buffer) => resolve(c.toString('utf8'))));
  const idle = new PassThrough();
  const answer = read(idle);
  answerClientError(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), idle);
  const text = await answer;
  assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  assert.equal(JSON.parse(text.split('\r\n\r\n')[1]).type, '/problems/request_timeout');

  const busy = Object.assign(new PassThrough(), { _httpMessage: { headersSent: true } });
  const written: Buffer[] = [];
  busy.on('data', (c: Buffer) => written.push(c));
  answerClientError(Object.assign(new Error('bad'), { code: 'HPE_INVALID_CHUNK_SIZE' }), busy);
  assert.equal(busy.destroyed, true);
  assert.deepEqual(written, []);
});
