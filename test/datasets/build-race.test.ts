import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { test } from 'node:test';
import { DatasetService } from '../../server/datasets/dataset-service.js';
import { TesseraError } from '../../server/errors.js';
import type { HistoricalService } from '../../server/offline/historical-service.js';
import { HAND_FILES, handBundle } from '../offline/fixture.js';
import { pipelineServer } from '../support/pipeline-fixture.js';

test('a build whose name was deleted and built again while it ran: it answers 409 and the new dataset keeps its own files', async () => {
  const s = await pipelineServer(HAND_FILES, handBundle());
  try {
    assert.equal((await s.materialize('driver_stats')).status, 'succeeded');
    // Build A waits, with its answer computed, until the test lets it save.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const real = s.services.historical;
    const paused = {
      retrieve: (query, use, options) =>
        real.retrieve(
          query,
          async (result) => {
            holding();
            await gate;
            return use(result);
          },
          options,
        ),
    } as Pick<HistoricalService, 'retrieve'> as HistoricalService;
    let t = Date.parse('2026-11-29T12:00:00Z');
    const clock = { now: () => t++ };
    const deps = { store: s.services.registry.datasets, files: s.services.files, clock };
    const slow = new DatasetService({ ...deps, historical: paused });
    const fast = new DatasetService({ ...deps, historical: real });
    const request = (driverIds: number[]) => ({
      name: 'raced',
      selection: { features: ['driver_stats:rate'], fullFeatureNames: false },
      entities: { kind: 'columns' as const, columns: { driver_id: driverIds, event_timestamp: driverIds.map(() => '2026-11-01T11:00:00Z') } },
      input: { format: 'json' as const, sha256: 'x' },
    });

    const a = slow.create(request([1, 2, 99, 1, 2, 99]));
    await held;
    await fast.remove('raced');
    const b = await fast.create(request([2]));
    release();
    await assert.rejects(a, (e: unknown) => e instanceof TesseraError && e.code === 'conflict');

    // The record, the metadata and the files are all B's: one row, and the files hash as recorded.
    const saved = await fast.get('raced');
    assert.equal(saved.data.rows, 1);
    assert.deepEqual(saved, b);
    for (const file of [saved.data, saved.entities]) {
      const bytes = fs.readFileSync(s.services.files.locate(file.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), file.sha256, file.file);
    }
    const rebuilt = await fast.rebuild('raced');
    assert.equal(rebuilt.matches, true, JSON.stringify(rebuilt));
    // A's folder went with its 409: the name's folder holds B's build alone.
    const folder = s.services.files.locate('offline/_datasets/raced');
    assert.equal(fs.readdirSync(folder).length, 1, fs.readdirSync(folder).join(', '));
  } finally {
    await s.close();
  }
});
