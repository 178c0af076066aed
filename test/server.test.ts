import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capturedLogger } from './support/captured-logger.js';
import { testServer } from './support/services.js';

// A listening server reports a failed accept (EMFILE: the process is out of file descriptors, as under a
// burst of connections) as an 'error' event, and goes on listening. Only the listen's own one-shot
// listener was there: the first such error used it up, the second had none and Node threw it, ending
// the process. The errors are emitted here as Node's accept emits them.
test('failed accepts on a listening server are logged; the server keeps answering', async () => {
  const { logger, lines } = capturedLogger('error');
  const s = await testServer({}, { logger });
  try {
    for (let i = 0; i < 2; i++) s.http.server.emit('error', Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', errno: -24, syscall: 'accept' }));
    assert.deepEqual(
      lines.filter((l) => l.err?.code === 'EMFILE').map((l) => l.msg),
      ['the HTTP server failed to accept a connection', 'the HTTP server failed to accept a connection'],
    );
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
  } finally {
    await s.close();
  }
});
