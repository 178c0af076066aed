import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { FileStore } from '../offline/file-store.js';
import type { RunStore } from '../registry/run-store.js';

/**
 * After a crash: runs left `running` by a process that is gone become `failed` (reason
 * `interrupted`), and the files they wrote but never committed are removed, with every `.tmp` file.
 * A run that committed its snapshot before dying keeps its files: readers already see them.
 */
export async function recoverInterrupted(runs: RunStore, files: FileStore, holder: string, clock: Clock, logger: Logger): Promise<number[]> {
  const interrupted = await runs.interruptOrphans([holder], clock.now());
  for (const run of interrupted) {
    const committed = new Set(run.snapshotId === null ? [] : ((await runs.snapshot(run.snapshotId))?.files ?? []));
    // Files of the old layout (`date=.../<runId>-<part>.parquet`) and of the current one (`run=<runId>/part-<k>.parquet`).
    const mine = new RegExp(`(/${run.id}-\\d+|/run=${run.id}/part-\\d+)\\.parquet(\\.[0-9a-f]+\\.tmp)?$`);
    const written = (await files.list(`offline/${run.featureView}/v${run.version}`)).filter((f) => mine.test(f));
    for (const file of written) if (!committed.has(file)) await files.remove(file);
    await files.remove(`tmp/run-${run.id}`);
    logger.warn(
      { runId: run.id, featureView: run.featureView, removedFiles: written.filter((f) => !committed.has(f)).length },
      'run interrupted by a crash: marked failed, its uncommitted files removed',
    );
  }
  for (const file of await files.list('offline')) if (file.endsWith('.tmp')) await files.remove(file);
  return interrupted.map((r) => r.id);
}
