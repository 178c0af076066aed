import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../server/domain/duration.js';

test('durations: unit runs and plain seconds', () => {
  assert.equal(parseDuration('2d'), 2 * 86_400);
  assert.equal(parseDuration('1d12h'), 86_400 + 12 * 3600);
  assert.equal(parseDuration('1w2d3h4m5s'), 604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5);
  assert.equal(parseDuration('3600'), 3600);
  assert.equal(parseDuration(90), 90);
  assert.equal(parseDuration('0'), 0);
});

test('durations: anything else is rejected', () => {
  for (const bad of ['', '1x', 'd', '1.5h', '-1d', '1 d', 'h1', '1d 2h']) assert.equal(parseDuration(bad), null, bad);
  assert.equal(parseDuration(-5), null);
  assert.equal(parseDuration(1.5), null);
});

test('durations format back in the largest exact units', () => {
  assert.equal(formatDuration(129_600), '1d12h');
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(61), '1m1s');
});
