import * as arrow from 'apache-arrow';
import { type FieldError, TesseraError } from '../errors.js';
import { isErrorCode } from '../http/problem.js';
import type { EntityInput } from '../offline/entity-input.js';
import type { HistoricalService } from '../offline/historical-service.js';
import { MEDIA_TYPES } from '../offline/result-format.js';

/** A point-in-time request: feature references or a service, and entity rows (JSON-like columns or an Arrow table). */
export interface HistoricalRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  /** Columns: the join keys, `event_timestamp`, and any labels to carry through. */
  entities: Record<string, unknown[]> | arrow.Table;
}

function entityInput(entities: HistoricalRequest['entities']): EntityInput {
  if (entities instanceof arrow.Table) return { kind: 'bytes', format: 'arrow', bytes: arrow.tableToIPC(entities, 'stream') };
  return { kind: 'columns', columns: entities };
}

/**
 * In-process historical retrieval: the same engine and rules as `POST /get-historical-features`,
 * answered as an Arrow table (join keys, `event_timestamp`, the entity's other columns, then the
 * features; timestamps are UTC microsecond Arrow timestamps at millisecond precision).
 */
export function getHistoricalFeatures(historical: HistoricalService, request: HistoricalRequest, options: { signal?: AbortSignal } = {}): Promise<arrow.Table> {
  const selection = { features: request.features, featureService: request.featureService, fullFeatureNames: request.fullFeatureNames ?? false };
  return historical.table({ selection, entities: entityInput(request.entities) }, options);
}

/**
 * The same over HTTP against a running server: JSON columns are sent as JSON, an Arrow table as an
 * Arrow IPC upload; the answer comes back as Arrow IPC. A problem document becomes the TesseraError
 * it was on the server.
 */
export async function getHistoricalFeaturesRemote(baseUrl: string, request: HistoricalRequest, options: { signal?: AbortSignal; fetch?: typeof fetch } = {}): Promise<arrow.Table> {
  const send = options.fetch ?? fetch;
  const headers = { accept: MEDIA_TYPES.arrow };
  let res: Response;
  try {
    if (request.entities instanceof arrow.Table) {
      const query = new URLSearchParams();
      if (request.features) query.set('features', request.features.join(','));
      if (request.featureService) query.set('feature_service', request.featureService);
      if (request.fullFeatureNames) query.set('full_feature_names', 'true');
      const body = arrow.tableToIPC(request.entities, 'stream');
      res = await send(new URL(`/get-historical-features?${query}`, baseUrl), { method: 'POST', headers: { ...headers, 'content-type': MEDIA_TYPES.arrow }, body, signal: options.signal });
    } else {
      const body = JSON.stringify({ features: request.features, feature_service: request.featureService, full_feature_names: request.fullFeatureNames ?? false, entities: request.entities });
      res = await send(new URL('/get-historical-features', baseUrl), { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body, signal: options.signal });
    }
  } catch (e) {
    throw new TesseraError('unavailable', `cannot reach ${baseUrl}: ${String((e as Error).cause ?? (e as Error).message)}`);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) {
    let problem: { detail?: string; type?: string; errors?: FieldError[] } = {};
    try {
      problem = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof problem;
    } catch {
      // not a problem document: report the status
    }
    const code = problem.type?.replace('/problems/', '') ?? '';
    throw new TesseraError(isErrorCode(code) ? code : 'internal', problem.detail ?? `the server answered ${res.status}`, problem.errors ?? []);
  }
  return arrow.tableFromIPC(bytes);
}
