import fs from 'node:fs';
import type { Clock } from '../clock.js';
import { parseTimestamp, TIMESTAMP_FORMS } from '../domain/time.js';
import { errorMessage, validationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import type { FileStore } from '../offline/file-store.js';
import { type JournalIo, fileJournalIo } from './journal-io.js';
import { deadSegments, journalOwner, recoverSegment } from './journal-replay.js';
import { Journal, type SealedSegment } from './journal.js';
import type { LogFileStore } from './log-file-store.js';
import { LogPublisher } from './log-publisher.js';
import type { LogQuery } from './log-query.js';
import { LogReader } from './log-reader.js';
import { JournalRow, LineBlock } from './journal-row.js';
import { type LogRow, entityKey, lineOf, lineShared, presentRow, quotedScalar } from './log-row.js';
import { IdSource, normalizeId } from './prediction-id.js';
import type { LoggedPrediction, PredictionBatch } from './prediction-log.js';
import { RecentIds } from './recent-ids.js';

/** The default dedupe window across processes: far beyond the SDK's retries (5 attempts, about 3 s). */
export const DEDUPE_MS = 600_000;

export interface PredictionLogOptions {
  /** This machine's journal folder: `<dataDir>/prediction-log/journal`. */
  journalDir: string;
  publishMs: number;
  dedupeIds: number;
  /** How long a published caller id keeps its retries on other processes out of the log (ms). */
  dedupeMs?: number;
  /** A segment is sealed and published early once it holds this many rows (bounds memory). */
  sealRows?: number;
  segmentBytes?: number;
}

export interface PredictionLogDeps {
  engine: DuckDbEngine;
  files: FileStore;
  store: LogFileStore;
  clock: Clock;
  logger: Logger;
  options: PredictionLogOptions;
  /** Tests: a journal whose writes or syncs fail. */
  io?: JournalIo;
}

export interface AppendResult {
  logged: number;
  duplicates: number;
  predictionIds: string[];
}

/**
 * The prediction log. An append is answered once its rows are in this process's journal on disk (group
 * commit); every `publishMs` the journal's segment becomes Parquet under the offline root. Reads see
 * both. docs/prediction-logs.md has the design and why.
 */
export class PredictionLogService {
  private readonly journal: Journal;
  private readonly publisher: LogPublisher;
  private readonly reader: LogReader;
  private readonly recent: RecentIds;
  private readonly ids = new IdSource();
  /** Segments sealed and not yet published (reads include them). */
  private readonly sealed: SealedSegment[] = [];
  private publishing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly owner = journalOwner();

  constructor(private readonly deps: PredictionLogDeps) {
    const { options } = deps;
    fs.mkdirSync(options.journalDir, { recursive: true });
    this.journal = new Journal({ dir: options.journalDir, owner: this.owner, io: deps.io ?? fileJournalIo, segmentBytes: options.segmentBytes ?? 64 * 1024 * 1024 });
    this.publisher = new LogPublisher({ engine: deps.engine, files: deps.files, store: deps.store, now: () => deps.clock.now(), dedupeMs: options.dedupeMs ?? DEDUPE_MS });
    this.reader = new LogReader({ engine: deps.engine, files: deps.files, store: deps.store, duplicates: (ids) => this.claimedElsewhere(ids) });
    this.recent = new RecentIds(options.dedupeIds);
  }

  /** Replays the segments of writers that died (their ids join the recent ones), then publishes on a timer. */
  async start(): Promise<void> {
    for (const file of deadSegments(this.deps.options.journalDir, this.owner)) {
      const segment = await recoverSegment(file);
      for (const r of segment.rows) this.recent.add(r.id);
      this.sealed.push(segment);
      this.deps.logger.info(`prediction log: replaying ${segment.rows.length} predictions of ${segment.name}`);
    }
    await this.publish();
    this.timer = setInterval(() => void this.publish(), this.deps.options.publishMs);
    this.timer.unref();
  }

  async append(batch: PredictionBatch): Promise<AppendResult> {
    const loggedAt = this.deps.clock.now();
    // Everything is checked before anything is remembered: a batch is logged whole or not at all.
    const { predictions } = batch;
    const predictedAt: number[] = new Array(predictions.length);
    for (let i = 0; i < predictions.length; i++) {
      const given = predictions[i].predictedAt;
      const at = given === undefined ? loggedAt : parseTimestamp(given);
      if (at === null) throw validationError('invalid predictedAt', [{ path: `predictions[${i}].predictedAt`, message: `'${String(given)}' is not a timestamp: use ${TIMESTAMP_FORMS}` }]);
      predictedAt[i] = at;
    }
    const predictionIds: string[] = new Array(predictions.length);
    const rows: LogRow[] = [];
    // Ids made here are new by construction (UUIDv7, monotonic) and are not remembered: a retry
    // carries the ids of the first attempt only when the caller chose them (the SDK does), so only a
    // caller's ids are checked against the recent ones and the batch's others, and remembered.
    let given: Set<string> | null = null;
    let lines = '';
    const shared = lineShared(batch.model, batch.modelVersion, loggedAt);
    const block = new LineBlock(batch.model, batch.modelVersion, loggedAt);
    for (let i = 0; i < predictions.length; i++) {
      const p = predictions[i];
      let id: string;
      if (p.id === undefined) {
        id = this.ids.next(loggedAt);
      } else {
        id = normalizeId(p.id)!;
        given ??= new Set();
        if (given.has(id) || this.recent.has(id)) {
          predictionIds[i] = id;
          continue;
        }
        given.add(id);
      }
      predictionIds[i] = id;
      const key = entityKey(p.entity);
      // The JSON texts live only in the line: the row parses them back from it if a read shows it.
      lines += lineOf(
        id,
        shared,
        predictedAt[i],
        JSON.stringify(p.entity),
        key,
        JSON.stringify(p.features),
        JSON.stringify(p.featureVersions),
        quotedScalar(p.prediction),
        p.probability ?? null,
        p.status,
        p.error ?? null,
      );
      rows.push(new JournalRow(id, key, p.status, p.id !== undefined, block, rows.length));
    }
    if (rows.length > 0) {
      if (given !== null) for (const id of given) this.recent.add(id);
      const bytes = Buffer.from(lines);
      block.fill(bytes, rows.length);
      try {
        await this.journal.append(rows, bytes);
      } catch (e) {
        if (given !== null) this.recent.remove(given);
        throw e;
      }
      if (this.journal.openRows().length >= (this.deps.options.sealRows ?? 200_000)) void this.publish();
    }
    return { logged: rows.length, duplicates: predictionIds.length - rows.length, predictionIds };
  }

  async read(q: LogQuery): Promise<{ predictions: LoggedPrediction[]; next: string | null }> {
    const { rows, next } = await this.reader.read(q, this.unpublished());
    return { predictions: rows.map(presentRow), next };
  }

  /** A model's predictions with these ids (outcomes join on them). */
  async byIds(model: string, ids: string[]): Promise<LoggedPrediction[]> {
    return (await this.read({ model, ids, limit: Math.max(1, ids.length) })).predictions;
  }

  /** Seals the open segment and publishes every sealed one; one at a time, failures kept for the next turn. */
  publish(): Promise<void> {
    this.publishing ??= this.publishAll().finally(() => {
      this.publishing = null;
    });
    return this.publishing;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    while (this.publishing) await this.publishing;
    await this.publish();
  }

  private async publishAll(): Promise<void> {
    try {
      const segment = await this.journal.seal();
      if (segment) this.sealed.push(segment);
      this.sealed.push(...(await this.journal.takeBroken()));
    } catch (e) {
      this.deps.logger.error(`prediction log: sealing the journal failed: ${errorMessage(e)}`);
    }
    // Each segment on its own: one that cannot be published (a line DuckDB refuses, written before
    // bodies were checked for lone surrogates) must not hold back the segments after it.
    // A segment leaves `sealed` (which reads merge) only once its files are recorded.
    for (const segment of [...this.sealed]) {
      try {
        await this.publisher.publish(segment);
        this.sealed.splice(this.sealed.indexOf(segment), 1);
      } catch (e) {
        // The segment stays on disk and in memory: reads still see it, and the next turn tries again.
        this.deps.logger.error(`prediction log: publishing ${segment.name} failed: ${errorMessage(e)}`);
      }
    }
  }

  /** Of these ids of rows in this process's journal, those a segment of another process claimed: its copy is the one logged. */
  private async claimedElsewhere(ids: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const claimants = await this.deps.store.claimants(ids);
    if (claimants.size === 0) return out;
    const own = new Set(this.sealed.map((s) => s.name));
    for (const [id, segment] of claimants) if (!own.has(segment)) out.add(id);
    return out;
  }

  private *unpublished(): Iterable<LogRow> {
    for (const s of this.sealed) yield* s.rows;
    yield* this.journal.openRows();
  }
}
