import assert from 'node:assert/strict';
import cluster from 'node:cluster';
import path from 'node:path';
import { test } from 'node:test';
import { forkWorker } from '../../server/cli/commands/worker-fork.js';
import { capturedLogger } from '../support/captured-logger.js';
import { waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

// serve --workers N forks its workers with node:cluster. A fork whose spawn fails emits 'error' on the
// worker and never 'exit': with no listener, Node threw it and the primary (every worker's parent) ended.
// Here the spawn fails for certain, and harmlessly: the working folder does not exist, so no process starts.
test('a serve worker that cannot be started is logged and forked again later; nothing reaches the process', async () => {
  const { logger, lines } = capturedLogger('error');
  const failures = () => lines.filter((l) => l.msg === 'a worker process failed');
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  const cwd = cluster.settings.cwd;
  cluster.setupPrimary({ cwd: path.join(tempDir(), 'gone') });
  try {
    // Stops once the first failure was retried and failed again.
    forkWorker(logger, () => failures().length >= 2, 10);
    await waitFor(
      'a failed start and its retry',
      60_000,
      async () => (failures().length >= 2 ? true : undefined),
      () => null,
      10,
    );
    assert.deepEqual(uncaught, []);
    assert.equal(failures()[0].err?.code, 'ENOENT');
  } finally {
    cluster.setupPrimary({ cwd });
    process.off('uncaughtException', onUncaught);
  }
});
