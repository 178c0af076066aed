import type { RunRecord } from '../domain/run.js';

/**
 * The name of what one attempt of a run writes: its offline folder (`run=<id>`), spill folder and
 * rejects file (`run-<id>`); a later attempt's with `-a<attempt>` (`run=7-a2`). An attempt cut off
 * from its lease (a paused or partitioned worker) may go on writing after another took the run over,
 * and its abort removes its folder: with names of its own it can never write over, or remove, the
 * files the attempt that took over commits.
 */
export function attemptName(prefix: string, run: Pick<RunRecord, 'id' | 'attempt'>): string {
  return run.attempt > 1 ? `${prefix}${run.id}-a${run.attempt}` : `${prefix}${run.id}`;
}

/** Every attempt's name of run `run` so far, the first attempt's first. */
export function attemptNames(prefix: string, run: Pick<RunRecord, 'id' | 'attempt'>): string[] {
  return Array.from({ length: Math.max(1, run.attempt) }, (_, i) => attemptName(prefix, { id: run.id, attempt: i + 1 }));
}
