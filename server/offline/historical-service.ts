import type * as arrow from '../vendor/arrow.cjs';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { RunStore } from '../registry/run-store.js';
import type { FeatureRequest } from '../serving/resolve-features.js';
import { type Comparison, compareResults } from './compare-results.js';
import { DuckDbEngine } from './duckdb-engine.js';
import type { DuckDbOptions } from './duckdb-options.js';
import type { EntityInput } from './entity-input.js';
import type { FileStore } from './file-store.js';
import type { ResultColumn } from './result-columns.js';
import { resultTable } from './result-batches.js';
import type { ResultFormat } from './result-format.js';
import type { Sink } from './result-sink.js';
import { type OfflineDeps, type RetrievalResult, historicalToParquet, pinAgain, pinFeatures, rangeToParquet } from './retrieve.js';
import type { RetrievalPlan } from './retrieval-plan.js';
import { writeResult } from './write-result.js';

/** A point-in-time retrieval: for entity rows, every row of one view in a range, or a saved plan again. */
export type HistoricalQuery =
  | { selection: FeatureRequest; entities: EntityInput }
  | { selection: FeatureRequest; range: { start: number; end: number } }
  | { plan: RetrievalPlan; entities: EntityInput };

/** A retrieval's answer, alive while `retrieve`'s callback runs (its files go away after). */
export interface Retrieved extends RetrievalResult {
  /** The validated entity rows as Parquet, when `keepEntities` asked for them. */
  entities: string | null;
  /** Writes the answer in `format`. */
  write(format: ResultFormat, sink: Sink): Promise<void>;
}

/** A result file kept elsewhere (a saved dataset's answer). */
export interface ResultFile {
  file: string;
  columns: ResultColumn[];
}

export interface HistoricalDeps {
  catalog: CatalogCache;
  runs: RunStore;
  files: FileStore;
  duckdb: DuckDbOptions;
}

/**
 * Historical retrieval, the one way routes, the CLI, the SDK and saved datasets read the offline
 * store: it pins the committed snapshots, runs the point-in-time join on the process's DuckDB, and
 * owns the scratch folder each retrieval works in, so no caller handles DuckDB or scratch files.
 */
export class HistoricalService {
  /** Its DuckDB, for other offline readers (drift) to share one memory limit. */
  readonly engine: DuckDbEngine;
  private readonly deps: OfflineDeps;

  constructor(deps: HistoricalDeps) {
    this.engine = new DuckDbEngine(deps.duckdb);
    this.deps = { engine: this.engine, catalog: deps.catalog, runs: deps.runs, files: deps.files };
  }

  /** Runs `query`, hands its answer to `use`, then removes the retrieval's files. */
  async retrieve<T>(query: HistoricalQuery, use: (result: Retrieved) => Promise<T>, options: { signal?: AbortSignal; keepEntities?: boolean } = {}): Promise<T> {
    const scratch = await this.engine.scratch();
    try {
      // Not `entities.parquet`, where JSON entity columns land (entity-raw.ts): the join reads that file
      // again after the copy is written, and a copy over it (keys already cast, text to BIGINT) no longer
      // fits the key SQL built for the columns as they came.
      const entityCopy = options.keepEntities ? scratch.file('kept-entities.parquet') : undefined;
      const run = { signal: options.signal, entityCopy };
      let result: RetrievalResult;
      if ('plan' in query) result = await historicalToParquet(this.deps, await pinAgain(this.deps, query.plan), query.entities, scratch, run);
      else {
        const pinned = await pinFeatures(this.deps, query.selection);
        result =
          'range' in query ? await rangeToParquet(this.deps, pinned, query.range.start, query.range.end, scratch, run) : await historicalToParquet(this.deps, pinned, query.entities, scratch, run);
      }
      return await use({ ...result, entities: entityCopy ?? null, write: (format, sink) => writeResult(this.engine, result.file, result.columns, format, scratch, sink) });
    } finally {
      await scratch.dispose();
    }
  }

  /** The answer as one Arrow table (the SDK's). */
  async table(query: HistoricalQuery, options: { signal?: AbortSignal } = {}): Promise<arrow.Table> {
    return this.retrieve(query, (result) => resultTable(result.file), options);
  }

  /** Writes a kept result file in `format` (some formats need scratch space and DuckDB). */
  async export(data: ResultFile, format: ResultFormat, sink: Sink): Promise<void> {
    const scratch = await this.engine.scratch();
    try {
      await writeResult(this.engine, data.file, data.columns, format, scratch, sink);
    } finally {
      await scratch.dispose();
    }
  }

  /** Compares two result files row by row and value by value. */
  compare(expected: string, actual: string): Promise<Comparison> {
    return compareResults(this.engine, expected, actual);
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}
