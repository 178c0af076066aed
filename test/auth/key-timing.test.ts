import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseApiKey } from '../../server/auth/api-key.js';
import { KeyService } from '../../server/auth/key-service.js';
import { systemClock } from '../../server/clock.js';
import { openRegistry } from '../../server/registry/open-registry.js';
import { tempDir } from '../support/temp-dir.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('a wrong secret and an unknown key id take the same time (a decoy scrypt runs for unknown ids); the right one is accepted', async () => {
  const registry = await openRegistry({ dataDir: tempDir(), clock: systemClock });
  try {
    // No cache: every verification pays its scrypt.
    const keys = new KeyService(registry.auth, systemClock, 0);
    const { token } = await keys.create({ name: 'k', roles: ['reader'], expiresAt: null, createdBy: 'test' });
    const { id, secret } = parseApiKey(token)!;
    const wrongSecret = `tsk_${id}_${secret.slice(0, 42)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const unknownId = `tsk_${id === '000000000000' ? '111111111111' : '000000000000'}_${secret}`;
    assert.equal((await keys.verify(token))?.name, 'k');
    assert.equal(await keys.verify(wrongSecret), null);
    assert.equal(await keys.verify(unknownId), null);
    const times: Record<string, number[]> = { wrong: [], unknown: [] };
    // Interleaved, so machine load falls on both alike.
    for (let i = 0; i < 15; i++) {
      for (const [what, t] of [
        ['wrong', wrongSecret],
        ['unknown', unknownId],
      ] as const) {
        const started = process.hrtime.bigint();
        await keys.verify(t);
        times[what].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    const ratio = median(times.unknown) / median(times.wrong);
    console.log(`median ms: wrong secret ${median(times.wrong).toFixed(2)}, unknown id ${median(times.unknown).toFixed(2)}, ratio ${ratio.toFixed(3)}`);
    // Without the decoy an unknown id answers in well under a millisecond against scrypt's tens: a ratio near 0.
    assert.ok(ratio > 0.7 && ratio < 1.4, `unknown/wrong median ratio ${ratio}`);
  } finally {
    await registry.close();
  }
});
