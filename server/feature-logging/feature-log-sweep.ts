import type { Clock } from '../clock.js';
import type { FileStore } from '../offline/file-store.js';
import { sweepStaged } from '../prediction-logs/staged-sweep.js';
import { FEATURE_LOG_ROOT } from './log-files.js';

/**
 * The feature log's part of the log compaction pass: its files are written by whichever process served
 * the request, under no run lease, so the pipeline's recovery leaves their staging files alone and this
 * removes the ones a dead writer left (by age, `sweepStaged`).
 */
export class FeatureLogSweep {
  constructor(private readonly deps: { files: FileStore; clock: Clock; graceMs: number }) {}

  /** Answers how many staging files went. */
  runOnce(): Promise<number> {
    return sweepStaged(this.deps.files, FEATURE_LOG_ROOT, this.deps.clock.now(), this.deps.graceMs);
  }
}
