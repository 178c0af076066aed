import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { presentDataset, presentSummary } from '../../datasets/present-dataset.js';
import { type FieldError, TesseraError, validationError } from '../../errors.js';
import { isErrorCode } from '../../http/problem.js';
import { createLogger } from '../../logger.js';
import { type EntityInput, formatOfPath } from '../../offline/entity-input.js';
import { MEDIA_TYPES, type ResultFormat, resultFormatOfPath } from '../../offline/result-format.js';
import { type Sink, writableSink } from '../../offline/result-sink.js';
import type { FeatureRequest } from '../../serving/resolve-features.js';
import { openServices } from '../../services.js';

/** What the offline CLI commands do, against a data dir or a running server (`--url`). */
export interface OfflineClient {
  /** Point-in-time features for the entity rows in `entities`, written to `out`; returns the row count. */
  historical(selection: FeatureRequest, entities: string, out: string): Promise<number>;
  listDatasets(): Promise<Record<string, unknown>[]>;
  showDataset(name: string): Promise<Record<string, unknown>>;
  exportDataset(name: string, out: string): Promise<number>;
  close(): Promise<void>;
}

/** The answer format of an output file, from its extension. */
export function outputFormat(out: string): ResultFormat {
  const format = resultFormatOfPath(out);
  if (!format) throw validationError(`cannot tell the format of '${out}': use .parquet, .csv, .json or .arrow`, [{ path: '--out', message: 'unknown extension' }]);
  return format;
}

/** Writes a file whole or not at all: into a temp name beside it, renamed when complete. */
async function atomically(out: string, write: (stream: fs.WriteStream) => Promise<void>): Promise<void> {
  const temp = `${out}.${randomBytes(4).toString('hex')}.tmp`;
  const stream = fs.createWriteStream(temp);
  try {
    await write(stream);
    await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await fs.promises.rename(temp, out);
  } catch (e) {
    stream.destroy();
    await fs.promises.rm(temp, { force: true });
    throw e;
  }
}

function entityInput(file: string): EntityInput {
  if (file.toLowerCase().endsWith('.json')) {
    const columns = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown[]>;
    return { kind: 'columns', columns };
  }
  const format = formatOfPath(file);
  if (!format) throw validationError(`cannot tell the format of '${file}': use .csv, .parquet, .arrow or .json (an object of columns)`, [{ path: '--entities', message: 'unknown extension' }]);
  if (!fs.existsSync(file)) throw validationError(`'${file}' does not exist`, [{ path: '--entities', message: 'no such file' }]);
  return { kind: 'file', format, path: file };
}

export async function openOfflineClient(options: { url?: string; dataDir?: string }, env: NodeJS.ProcessEnv): Promise<OfflineClient> {
  if (options.url) return remoteClient(options.url);
  const config = loadConfig({ dataDir: options.dataDir }, env);
  const services = await openServices(config, createLogger('warn', process.stderr), systemClock);
  const { historical, datasets } = services;
  const toFile = (out: string, write: (sink: Sink) => Promise<void>) => atomically(out, (stream) => write(writableSink(stream)));
  return {
    async historical(selection, entities, out) {
      const format = outputFormat(out);
      return historical.retrieve({ selection, entities: entityInput(entities) }, async (result) => {
        await toFile(out, (sink) => result.write(format, sink));
        return result.rows;
      });
    },
    listDatasets: async () => (await datasets.list()).map(presentSummary),
    showDataset: async (name) => presentDataset(await datasets.get(name)),
    async exportDataset(name, out) {
      const format = outputFormat(out);
      const data = await datasets.data(name);
      await toFile(out, (sink) => datasets.write(data, format, sink));
      return data.rows;
    },
    close: () => services.close(),
  };
}

function remoteClient(url: string): OfflineClient {
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(new URL(path, url), init);
    } catch (e) {
      throw new TesseraError('unavailable', `cannot reach ${url}: ${String((e as Error).cause ?? (e as Error).message)}`);
    }
    if (!res.ok) throw await problemError(res, path);
    return res;
  };
  const download = async (res: Response, out: string): Promise<number> => {
    await atomically(out, async (stream) => {
      for await (const chunk of Readable.fromWeb(res.body as WebReadableStream<Uint8Array>)) {
        if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
      }
    });
    return Number(res.headers.get('x-tessera-rows') ?? NaN);
  };
  return {
    async historical(selection, entities, out) {
      const accept = MEDIA_TYPES[outputFormat(out)];
      const input = entityInput(entities);
      if (input.kind === 'columns') {
        const body = JSON.stringify({ features: selection.features, feature_service: selection.featureService, full_feature_names: selection.fullFeatureNames, entities: input.columns });
        return download(await call('/get-historical-features', { method: 'POST', headers: { 'content-type': 'application/json', accept }, body }), out);
      }
      const query = new URLSearchParams();
      if (selection.features) query.set('features', selection.features.join(','));
      if (selection.featureService) query.set('feature_service', selection.featureService);
      if (selection.fullFeatureNames) query.set('full_feature_names', 'true');
      const bytes = await fs.promises.readFile((input as { path: string }).path);
      return download(await call(`/get-historical-features?${query}`, { method: 'POST', headers: { 'content-type': MEDIA_TYPES[input.format], accept }, body: bytes }), out);
    },
    listDatasets: async () => ((await (await call('/api/v1/training-datasets')).json()) as { trainingDatasets: Record<string, unknown>[] }).trainingDatasets,
    showDataset: async (name) => (await (await call(`/api/v1/training-datasets/${encodeURIComponent(name)}`)).json()) as Record<string, unknown>,
    exportDataset: async (name, out) => download(await call(`/api/v1/training-datasets/${encodeURIComponent(name)}/data`, { headers: { accept: MEDIA_TYPES[outputFormat(out)] } }), out),
    close: async () => {},
  };
}

/** A problem document back as the TesseraError it was on the server. */
async function problemError(res: Response, path: string): Promise<TesseraError> {
  let problem: { detail?: string; type?: string; errors?: FieldError[] } = {};
  try {
    problem = (await res.json()) as typeof problem;
  } catch {
    // not a problem document: report the status
  }
  const code = problem.type?.replace('/problems/', '') ?? '';
  return new TesseraError(isErrorCode(code) ? code : 'internal', problem.detail ?? `${path} answered ${res.status}`, problem.errors ?? []);
}
