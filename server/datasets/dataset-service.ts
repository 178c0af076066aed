import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Clock } from '../clock.js';
import { TesseraError, notFound } from '../errors.js';
import type { Comparison } from '../offline/compare-results.js';
import type { EntityFormat, EntityInput } from '../offline/entity-input.js';
import type { FileStore } from '../offline/file-store.js';
import type { HistoricalService, ResultFile, Retrieved } from '../offline/historical-service.js';
import type { ResultFormat } from '../offline/result-format.js';
import type { Sink } from '../offline/result-sink.js';
import type { FeatureRequest } from '../serving/resolve-features.js';
import { type DatasetFile, type DatasetMetadata, type DatasetRecord, datasetDir, savedDatasetDir } from './dataset-metadata.js';
import { datasetStatistics } from './dataset-stats.js';
import type { DatasetStore } from './dataset-store.js';

export interface DatasetDeps {
  historical: HistoricalService;
  store: DatasetStore;
  files: FileStore;
  clock: Clock;
}

export interface NewDataset {
  name: string;
  description?: string;
  selection: FeatureRequest;
  entities: EntityInput;
  /** How the entity rows arrived, and the hash of what arrived. */
  input: { format: EntityFormat | 'json'; sha256: string };
}

export interface RebuildReport extends Comparison {
  name: string;
  snapshotIds: Record<string, number[]>;
}

/** How often a build touches its reservation, and how long without a touch makes it abandoned (its process died). */
export const BUILD_HEARTBEAT_MS = 10_000;
export const BUILD_STALE_MS = 60_000;

/** A build whose reservation another build took over (or a delete removed): it must leave the record alone. */
class TakenOver extends Error {
  constructor(readonly error: TesseraError) {
    super(error.message);
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Saved training datasets: a retrieval's answer kept as Parquet with what it was built from (the
 * request, the pinned view versions and snapshots, the validated entity rows), so it can be
 * listed, exported and rebuilt identically however many snapshots later runs add.
 */
export class DatasetService {
  constructor(private readonly deps: DatasetDeps) {}

  async create(request: NewDataset, signal?: AbortSignal): Promise<DatasetMetadata> {
    const { store, clock, historical, files } = this.deps;
    const reservedAt = clock.now();
    await store.reserve(request.name, reservedAt, reservedAt - BUILD_STALE_MS);
    // The name is this build's now: no dataset of it is ready, so what its folder holds is what dead
    // or stalled builders left. Each build writes in a folder of its own inside it, so a stalled or
    // deleted build that goes on writing never writes over this one's files.
    await files.remove(datasetDir(request.name));
    const dir = `${datasetDir(request.name)}/build-${reservedAt.toString(36)}-${randomBytes(4).toString('hex')}`;
    const heartbeat = setInterval(() => void store.touch(request.name, reservedAt, clock.now()).catch(() => undefined), BUILD_HEARTBEAT_MS);
    heartbeat.unref();
    try {
      return await historical.retrieve({ selection: request.selection, entities: request.entities }, (result) => this.save(request, reservedAt, dir, result), {
        signal,
        keepEntities: true,
      });
    } catch (e) {
      // This build's folder is its own, taken over or not: nothing of it is kept.
      await files.remove(dir).catch(() => undefined);
      if (!(e instanceof TakenOver)) await store.release(request.name, reservedAt);
      throw e instanceof TakenOver ? e.error : e;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Keeps a retrieval's answer and entity rows in the dataset's folder, then makes the dataset visible. */
  private async save(request: NewDataset, reservedAt: number, dir: string, result: Retrieved): Promise<DatasetMetadata> {
    const { store, clock } = this.deps;
    const metadata: DatasetMetadata = {
      name: request.name,
      description: request.description ?? null,
      request: { features: request.selection.features ?? null, featureService: request.selection.featureService ?? null, fullFeatureNames: request.selection.fullFeatureNames },
      plan: result.plan,
      input: request.input,
      entities: await this.keep(`${dir}/entities.parquet`, result.entities!, result.rows),
      data: await this.keep(`${dir}/data.parquet`, result.file, result.rows),
      columns: result.columns,
      statistics: await datasetStatistics(result.file, result.columns),
      createdAt: clock.now(),
    };
    await this.deps.files.writeAtomic(`${dir}/metadata.json`, Buffer.from(JSON.stringify(metadata, null, 2)));
    if (!(await store.complete(request.name, reservedAt, metadata, clock.now()))) {
      // This build stalled past BUILD_STALE_MS and another took the name over, or the name was deleted.
      throw new TakenOver(new TesseraError('conflict', `training dataset '${request.name}' was taken over by another build while this one stalled`, [{ path: 'name', message: 'taken over' }]));
    }
    return metadata;
  }

  async list(): Promise<DatasetRecord[]> {
    return this.deps.store.list();
  }

  /** A ready dataset's metadata; 404 when there is none, 409 while it is being built. */
  async get(name: string): Promise<DatasetMetadata> {
    const record = await this.deps.store.get(name);
    if (!record) throw notFound('training dataset', name, 'name');
    if (!record.metadata) throw new TesseraError('conflict', `training dataset '${name}' is still being built`, [{ path: 'name', message: 'being built' }]);
    return record.metadata;
  }

  /** The dataset's answer file, where DuckDB and the writers can read it. */
  async data(name: string): Promise<ResultFile & { rows: number }> {
    const metadata = await this.get(name);
    return { file: this.deps.files.locate(metadata.data.file), rows: metadata.data.rows, columns: metadata.columns };
  }

  /**
   * Runs the retrieval again from the metadata alone (pinned snapshots and ttl, the stored entity
   * rows) and compares the answer with the saved one, value by value.
   */
  async rebuild(name: string, signal?: AbortSignal): Promise<RebuildReport> {
    const metadata = await this.get(name);
    const { historical, files } = this.deps;
    const entities = files.locate(metadata.entities.file);
    if (sha256(await fs.promises.readFile(entities)) !== metadata.entities.sha256) {
      throw new TesseraError('conflict', `the stored entity rows of '${name}' do not match their recorded hash`, [{ path: 'name', message: 'entity copy changed' }]);
    }
    const comparison = await historical.retrieve(
      { plan: metadata.plan, entities: { kind: 'file', format: 'parquet', path: entities } },
      (result) => historical.compare(files.locate(metadata.data.file), result.file),
      { signal },
    );
    return { name, ...comparison, snapshotIds: Object.fromEntries(metadata.plan.views.map((v) => [`${v.view}@${v.version}`, v.snapshotIds])) };
  }

  /** Writes a dataset's answer (from `data`) in `format`. */
  write(data: ResultFile, format: ResultFormat, sink: Sink): Promise<void> {
    return this.deps.historical.export(data, format, sink);
  }

  async remove(name: string): Promise<void> {
    const record = await this.deps.store.get(name);
    if (!record) throw notFound('training dataset', name, 'name');
    await this.deps.files.remove(savedDatasetDir(record));
    // The name's folder too: a build deleted while it ran leaves nothing behind (a new build of the
    // name cannot start before the record below is gone).
    await this.deps.files.remove(datasetDir(name));
    await this.deps.store.remove(name);
  }

  /** Moves a scratch file into the dataset's folder, atomically, and describes it. */
  private async keep(target: string, source: string, rows: number): Promise<DatasetFile> {
    const bytes = await fs.promises.readFile(source);
    await this.deps.files.writeAtomic(target, bytes);
    return { file: target, rows, bytes: bytes.length, sha256: sha256(bytes) };
  }
}
