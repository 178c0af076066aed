import type { Clock } from '../../clock.js';
import type { DatasetStore } from '../../datasets/dataset-store.js';
import type { SnapshotRecord } from '../../domain/snapshot.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { DuckDbEngine } from '../../offline/duckdb-engine.js';
import type { FileStore } from '../../offline/file-store.js';
import type { SnapshotFileOptions } from '../../offline/snapshot-writer.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import { outputSchema } from '../../registry/output-schema.js';
import type { RunStore } from '../../registry/run-store.js';
import { joinKeysOf } from '../../registry/view-definition.js';
import { Stopwatch } from '../stopwatch.js';
import { type CompactionSettings, compactionGroups } from './compaction-policy.js';
import { mergeSnapshots } from './merge-snapshots.js';

export interface CompactorDeps {
  catalog: CatalogCache;
  runs: RunStore;
  datasets: DatasetStore;
  files: FileStore;
  engine: DuckDbEngine;
  /** This process, as the scheduler lease knows it: the compaction runs are recorded under it. */
  holder: string;
  clock: Clock;
  logger: Logger;
  settings: CompactionSettings;
  fileOptions: SnapshotFileOptions;
  /** Replaced snapshots' files stay at least this long (reads that pinned them may be running). */
  retainMs: number;
}

/**
 * Compaction: merges each view version's small snapshots (`compactionGroups`) into larger ones, then
 * removes the files of replaced snapshots that nothing needs any more. A merge is recorded as a run
 * (trigger `compaction`, files under its own `run=<id>/`) and committed by `replaceSnapshots`: until
 * then readers see the old snapshots, after it the merged one, never both; a crash in between leaves
 * a run that the next lease holder marks interrupted and whose files it removes, like any run's.
 * Runs the lease holder only; never holds a lock a materialization or a read waits for.
 */
export class Compactor {
  constructor(private readonly deps: CompactorDeps) {}

  /** One pass over every view version, then the file sweep; returns the merged snapshots' ids. */
  async runOnce(signal?: AbortSignal): Promise<number[]> {
    const merged: number[] = [];
    const catalog = await this.deps.catalog.refresh();
    for (const view of catalog.featureViews.values()) {
      for (const version of view.versions) {
        const groups = compactionGroups(await this.deps.runs.snapshots(view.name, version.version), view.metadata.online, this.deps.settings);
        for (const group of groups) {
          if (signal?.aborted) return merged;
          const id = await this.compact(view.name, version.version, group);
          if (id !== null) merged.push(id);
        }
      }
    }
    await this.sweep();
    return merged;
  }

  /** Merges one group; a failure is logged and recorded on the compaction's run, and leaves the snapshots as they were. */
  async compact(view: string, version: number, group: SnapshotRecord[]): Promise<number | null> {
    const { runs, files, clock, logger } = this.deps;
    const record = (await this.deps.catalog.get()).featureViews.get(view)?.versions.find((v) => v.version === version);
    if (!record) return null;
    const run = await runs.beginSideRun(view, version, 'compaction', this.deps.holder, clock.now());
    const folder = `offline/${view}/v${version}/run=${run.id}`;
    const watch = new Stopwatch();
    try {
      const schema = outputSchema(record.definition, record.fittedState) ?? [];
      const merged = await watch.timeAsync('merge', () =>
        mergeSnapshots(
          this.deps.engine,
          files,
          {
            files: group.flatMap((s) => s.files.map((f) => files.locate(f))),
            keys: joinKeysOf(record.definition).map((k) => k.name),
            hasCreated: record.definition.source.createdTimestampField !== undefined,
            columns: schema.map((c) => ({ name: c.name, type: c.type, binary: c.name !== c.feature })),
            folder,
          },
          this.deps.fileOptions,
        ),
      );
      const id = await watch.timeAsync('commit', () =>
        runs.replaceSnapshots({ runId: run.id, featureView: view, version, replaced: group.map((s) => s.id), ...merged, steps: watch.steps() }, clock.now()),
      );
      await runs.succeed(run.id, clock.now(), watch.steps());
      logger.info({ runId: run.id, featureView: view, version, replaced: group.length, rows: merged.rows, files: merged.files.length, snapshotId: id }, 'snapshots compacted');
      return id;
    } catch (e) {
      await files.remove(folder).catch(() => undefined);
      await runs.fail(run.id, 'compaction_error', errorMessage(e), clock.now(), { steps: watch.steps() }).catch(() => undefined);
      logger.warn({ runId: run.id, featureView: view, version, err: errorMessage(e) }, 'compaction failed; the snapshots stay as they were');
      return null;
    }
  }

  /**
   * Removes the files of snapshots replaced at least `retainMs` ago that no saved training dataset
   * pins (a dataset keeps its snapshots' files, so it rebuilds exactly). While a dataset is being
   * built its pins are not known yet: nothing is removed then.
   */
  async sweep(): Promise<string[]> {
    const { runs, files, clock } = this.deps;
    const retired = await runs.retiredSnapshots(clock.now() - this.deps.retainMs);
    if (retired.length === 0) return [];
    const datasets = await this.deps.datasets.list();
    if (datasets.some((d) => d.metadata === null)) return [];
    const pinned = new Set(datasets.flatMap((d) => d.metadata!.plan.views.flatMap((v) => v.snapshotIds)));
    const removed: string[] = [];
    const done: number[] = [];
    for (const s of retired) {
      if (pinned.has(s.id)) continue;
      for (const file of s.files) {
        await files.remove(file);
        removed.push(file);
      }
      const folders = new Set(s.files.map((f) => f.slice(0, f.lastIndexOf('/'))).filter((d) => /\/run=[^/]+$/.test(d)));
      for (const folder of folders) await files.remove(folder);
      done.push(s.id);
    }
    await runs.markFilesRemoved(done);
    return removed;
  }
}
