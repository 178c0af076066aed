import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliIo } from '../../server/cli/io.js';
import { formatProgress, startProgress } from '../../server/cli/progress.js';

test('a progress line: rows, percent and ETA when the total is known, elapsed always', () => {
  assert.equal(formatProgress({ label: 'materialize drivers', done: 12_345, unit: 'rows' }, 2_500), 'materialize drivers · 12,345 rows · elapsed 2.5s');
  assert.equal(formatProgress({ label: 'materialize drivers', phase: 'queued', done: 0, unit: 'rows' }, 400), 'materialize drivers · queued · elapsed 0.4s');
  // A quarter done after 10 s: 30 s to go.
  assert.equal(
    formatProgress({ label: 'get-historical-features', phase: 'sending entity rows', done: 256 * 1024, total: 1024 * 1024, unit: 'bytes' }, 10_000),
    'get-historical-features · sending entity rows · 256.0 KiB of 1.0 MiB (25.0%) · elapsed 10.0s · ETA 30.0s',
  );
  assert.equal(formatProgress({ label: 'x', done: 300, total: 400, unit: 'rows' }, 90_000), 'x · 300 of 400 rows (75.0%) · elapsed 1m30s · ETA 30.0s');
  // Done: no ETA.
  assert.equal(formatProgress({ label: 'x', done: 400, total: 400, unit: 'rows' }, 3_600_000 * 2 + 60_000), 'x · 400 of 400 rows (100.0%) · elapsed 2h01m');
});

function buffer(tty: boolean): CliIo & { text: () => string } {
  let text = '';
  return { stdout: () => {}, stderr: (t) => void (text += t), env: {}, stderrIsTty: tty, columns: 60, text: () => text };
}

test('progress is drawn in place on a terminal, throttled, and cleared at the end; nothing at all when piped', () => {
  let now = 1_000;
  const tty = buffer(true);
  const p = startProgress(tty, { label: 'materialize v', done: 0, unit: 'rows' }, { now: () => now, intervalMs: 100 });
  p.update({ done: 10 }); // within the interval: not drawn
  now += 150;
  p.update({ done: 20 });
  now += 10;
  p.update({ done: 30 }); // throttled
  p.done();
  p.done(); // twice is harmless
  const draws = tty.text().split('\r\x1b[2K');
  assert.deepEqual(draws, ['', 'materialize v · elapsed 0.0s', 'materialize v · 20 rows · elapsed 0.1s', '']);

  const piped = buffer(false);
  const q = startProgress(piped, { label: 'materialize v', done: 0, unit: 'rows' }, { now: () => now });
  q.update({ done: 5 });
  q.done();
  assert.equal(piped.text(), '');

  // A line longer than the terminal is cut to fit.
  const narrow = buffer(true);
  startProgress(narrow, { label: 'x'.repeat(100), done: 0, unit: 'rows' }, { now: () => now }).done();
  assert.equal(narrow.text().split('\r\x1b[2K')[1].length, 59);
});
