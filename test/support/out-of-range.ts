import assert from 'node:assert/strict';
import { postJson } from './services.js';

/**
 * Posts each `[route, body, path]` to `base` and asserts the 400 problem a timestamp outside years
 * 0001-9999 UTC gets: exactly one error, naming `path`, saying the range.
 */
export async function assertOutOfRangeRefused(base: string, cases: [string, object, string][]): Promise<void> {
  for (const [route, body, path] of cases) {
    const res = await postJson(`${base}${route}`, body);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.type, /^application\/problem\+json/);
    assert.deepEqual(
      res.body.errors.map((e: { path: string }) => e.path),
      [path],
    );
    assert.match(res.body.errors[0].message, /years 0001-9999 UTC/);
  }
}
