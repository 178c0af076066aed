/** One published Parquet file of the prediction log, as the registry records it. */
export interface LogFileRecord {
  /** Relative to the file store: `offline/logs/predictions/model=<m>/date=<d>/<name>.parquet`. */
  path: string;
  model: string;
  /** UTC day of the rows' `loggedAt` (YYYY-MM-DD): one file never spans two days. */
  date: string;
  rows: number;
  bytes: number;
  minLoggedAt: number;
  maxLoggedAt: number;
  createdAt: number;
}

/**
 * The prediction log's files in the registry (migration 0005 / postgres 0002). Readers list files here,
 * never the folder: a file is part of the log once `publish` or `replace` committed it.
 */
export interface LogFileStore {
  /**
   * Records `files` and the journal `segment` they came from, in one transaction. False (and nothing
   * recorded) when the segment was published already: a replay after a crash between the two steps.
   */
  publish(segment: string, rows: number, files: LogFileRecord[], now: number): Promise<boolean>;
  /** Whether a journal segment was published. */
  isPublished(segment: string): Promise<boolean>;
  /** A model's files whose rows may fall in [from, to), newest (`maxLoggedAt`) first. */
  files(model: string, range?: { from?: number; to?: number }): Promise<LogFileRecord[]>;
  /** Every model with files. */
  models(): Promise<string[]>;
  /**
   * Swaps `removed` for `added` in one transaction (compaction, retention). False (nothing changed)
   * when one of `removed` is no longer recorded: another compactor got there first.
   */
  replace(removed: string[], added: LogFileRecord[]): Promise<boolean>;
  /**
   * Claims caller-given prediction ids for a segment about to be published, in one transaction that
   * also forgets claims made before `forgetBefore`. Answers the ids another segment claimed first:
   * their rows here are retries logged elsewhere, and are not published. Claiming again for the same
   * segment (a replay) finds its own claims, not duplicates.
   */
  claimIds(segment: string, ids: string[], now: number, forgetBefore: number): Promise<string[]>;
  /** Which segment claimed each of `ids` that is claimed (reads drop a local row another segment claimed). */
  claimants(ids: string[]): Promise<Map<string, string>>;
}
