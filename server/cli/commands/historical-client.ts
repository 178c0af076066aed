import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import { createHttpClient, type HttpAnswer, problemError, type RequestOptions } from '../../client/http-client.js';
import { presentDataset, presentSummary } from '../../datasets/present-dataset.js';
import { validationError } from '../../errors.js';
import { mayHoldWideIntegers, parseJsonExact } from '../../http/exact-json.js';
import { type EntityInput, formatOfPath } from '../../offline/entity-input.js';
import { MEDIA_TYPES, type ResultFormat, resultFormatOfPath } from '../../offline/result-format.js';
import { type Sink, writableSink } from '../../offline/result-sink.js';
import type { FeatureRequest } from '../../serving/resolve-features.js';
import type { Progress } from '../progress.js';

const silentProgress: Progress = { update: () => {}, done: () => {} };

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
  if (!format) throw validationError(`cannot tell the format of '${out}': use .parquet, .csv, .json, .arrow (Arrow file) or .arrows (Arrow stream)`, [{ path: '--out', message: 'unknown extension' }]);
  return format;
}

/** Writes a file whole or not at all: into a temp name beside it, renamed when complete. */
async function atomically(out: string, write: (stream: fs.WriteStream) => Promise<void>): Promise<void> {
  const temp = `${out}.${randomBytes(4).toString('hex')}.tmp`;
  const stream = fs.createWriteStream(temp);
  // A failure to open or write the file (a missing folder, a full disk) is emitted as 'error': unheard,
  // Node would throw it and end the process. The writes fail on their own; this keeps the cause.
  let failure: Error | null = null;
  stream.on('error', (e) => void (failure ??= e));
  try {
    await write(stream);
    await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await fs.promises.rename(temp, out);
  } catch (e) {
    stream.destroy();
    await fs.promises.rm(temp, { force: true });
    throw failure ?? e;
  }
}

/** Why an entity file's format cannot be told from its name, or null. */
export function entityFormatProblem(file: string): string | null {
  return file.toLowerCase().endsWith('.json') || formatOfPath(file) ? null : `cannot tell the format of '${file}': use .csv, .parquet, .arrow or .json (an object of columns)`;
}

/** `text`: a JSON file's text, sent as it is over `--url` (JSON.stringify cannot write a BigInt). */
function entityInput(file: string): EntityInput & { text?: string } {
  if (!fs.existsSync(file)) throw validationError(`'${file}' does not exist`, [{ path: '--entities', message: 'no such file' }]);
  if (file.toLowerCase().endsWith('.json')) {
    const text = fs.readFileSync(file, 'utf8');
    try {
      JSON.parse(text);
    } catch (e) {
      throw validationError(`'${file}' is not valid JSON`, [{ path: '--entities', message: (e as Error).message }]);
    }
    // An int64 key beyond 2^53 stays exact (a BigInt), as the server reads a JSON body: JSON.parse would round it.
    return { kind: 'columns', columns: (mayHoldWideIntegers(text) ? parseJsonExact(text) : JSON.parse(text)) as Record<string, unknown[]>, text };
  }
  const format = formatOfPath(file);
  if (!format) throw validationError(entityFormatProblem(file)!, [{ path: '--entities', message: 'unknown extension' }]);
  return { kind: 'file', format, path: file };
}

/** `progress` hears what a long retrieval is doing (the CLI draws it on a terminal). */
export async function openOfflineClient(options: { url?: string; dataDir?: string }, env: NodeJS.ProcessEnv, progress: Progress = silentProgress): Promise<OfflineClient> {
  if (options.url) return remoteClient(options.url, progress);
  // The data dir needs DuckDB and the rest of the services: loaded only then, so `--url` starts fast.
  const [{ loadConfig }, { openLocalServices }] = await Promise.all([import('../../config.js'), import('../open-local-services.js')]);
  // Every offline command only reads the data dir (its files go where --out says).
  const local = await openLocalServices(loadConfig({ dataDir: options.dataDir }, env), 'read');
  const { services } = local;
  const { historical, datasets } = services;
  const toFile = (out: string, write: (sink: Sink) => Promise<void>) => atomically(out, (stream) => write(writableSink(stream)));
  return {
    async historical(selection, entities, out) {
      const format = outputFormat(out);
      progress.update({ phase: 'point-in-time join' });
      return historical.retrieve({ selection, entities: entityInput(entities) }, async (result) => {
        progress.update({ phase: `writing ${result.rows.toLocaleString('en-US')} rows to ${out}` });
        await toFile(out, (sink) => result.write(format, sink));
        return result.rows;
      });
    },
    listDatasets: async () => (await datasets.list()).map(presentSummary),
    showDataset: async (name) => presentDataset(await datasets.get(name)),
    async exportDataset(name, out) {
      const format = outputFormat(out);
      const data = await datasets.data(name);
      progress.update({ phase: `writing ${data.rows.toLocaleString('en-US')} rows to ${out}` });
      await toFile(out, (sink) => datasets.write(data, format, sink));
      return data.rows;
    },
    close: () => local.close(),
  };
}

function remoteClient(url: string, progress: Progress): OfflineClient {
  const client = createHttpClient(url);
  const call = async (path: string, options: RequestOptions & { method?: string } = {}): Promise<HttpAnswer> => {
    const answer = await client.request(options.method ?? 'GET', path, options);
    if (answer.status !== 200) throw problemError(answer.status, await answer.text(), path);
    return answer;
  };
  const download = async (answer: HttpAnswer, out: string): Promise<number> => {
    const rows = Number(answer.headers['x-tessera-rows'] ?? Number.NaN);
    progress.update({ phase: `receiving ${Number.isNaN(rows) ? '' : `${rows.toLocaleString('en-US')} rows `}into ${out}`, done: 0, total: undefined, unit: 'bytes' });
    let received = 0;
    await atomically(out, async (stream) => {
      for await (const chunk of answer.stream as AsyncIterable<Buffer>) {
        received += chunk.length;
        progress.update({ done: received });
        // once() rejects on 'error': a file that fails mid-download would never drain.
        if (!stream.write(chunk)) await once(stream, 'drain');
      }
    });
    return rows;
  };
  const upload = { onUpload: (sent: number, total: number) => progress.update({ phase: sent < total ? 'sending entity rows' : 'waiting for the server', done: sent, total, unit: 'bytes' }) };
  return {
    async historical(selection, entities, out) {
      const accept = MEDIA_TYPES[outputFormat(out)];
      const input = entityInput(entities);
      if (input.kind === 'columns') {
        // The file's own text as `entities`: its integers keep every digit.
        const selected = JSON.stringify({ features: selection.features, feature_service: selection.featureService, full_feature_names: selection.fullFeatureNames });
        const body = `${selected.slice(0, -1)}${selected.length > 2 ? ',' : ''}"entities":${input.text}}`;
        return download(await call('/get-historical-features', { method: 'POST', headers: { 'content-type': 'application/json', accept }, body, ...upload }), out);
      }
      const query = new URLSearchParams();
      if (selection.features) query.set('features', selection.features.join(','));
      if (selection.featureService) query.set('feature_service', selection.featureService);
      if (selection.fullFeatureNames) query.set('full_feature_names', 'true');
      const bytes = await fs.promises.readFile((input as { path: string }).path);
      return download(await call(`/get-historical-features?${query}`, { method: 'POST', headers: { 'content-type': MEDIA_TYPES[input.format], accept }, body: bytes, ...upload }), out);
    },
    listDatasets: async () => (await client.json<{ trainingDatasets: Record<string, unknown>[] }>('GET', '/api/v1/training-datasets')).trainingDatasets,
    showDataset: (name) => client.json<Record<string, unknown>>('GET', `/api/v1/training-datasets/${encodeURIComponent(name)}`),
    exportDataset: async (name, out) => download(await call(`/api/v1/training-datasets/${encodeURIComponent(name)}/data`, { headers: { accept: MEDIA_TYPES[outputFormat(out)] } }), out),
    close: async () => client.close(),
  };
}
