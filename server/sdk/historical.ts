import * as arrow from '../vendor/arrow.cjs';
import { createHttpClient, type HttpAnswer, type HttpClient, problemError } from '../client/http-client.js';
import type { EntityInput } from '../offline/entity-input.js';
import type { HistoricalService } from '../offline/historical-service.js';
import { jsonWithBigInts } from '../domain/canonical-json.js';
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
 * it was on the server. `server` is a URL or a client (whose connections are reused).
 */
export async function getHistoricalFeaturesRemote(server: string | HttpClient, request: HistoricalRequest, options: { signal?: AbortSignal } = {}): Promise<arrow.Table> {
  const client = typeof server === 'string' ? createHttpClient(server) : server;
  const headers = { accept: MEDIA_TYPES.arrow };
  try {
    let answer: HttpAnswer;
    if (request.entities instanceof arrow.Table) {
      const query = new URLSearchParams();
      if (request.features) query.set('features', request.features.join(','));
      if (request.featureService) query.set('feature_service', request.featureService);
      if (request.fullFeatureNames) query.set('full_feature_names', 'true');
      const body = arrow.tableToIPC(request.entities, 'stream');
      answer = await client.request('POST', `/get-historical-features?${query}`, { headers: { ...headers, 'content-type': MEDIA_TYPES.arrow }, body, signal: options.signal });
    } else {
      // BigInt keys (int64 beyond 2^53) are written as exact JSON integers, which the server reads exactly.
      const body = jsonWithBigInts({ features: request.features, feature_service: request.featureService, full_feature_names: request.fullFeatureNames ?? false, entities: request.entities });
      answer = await client.request('POST', '/get-historical-features', { headers: { ...headers, 'content-type': 'application/json' }, body, signal: options.signal });
    }
    const bytes = await answer.bytes();
    if (answer.status !== 200) throw problemError(answer.status, bytes.toString('utf8'), 'the server');
    return arrow.tableFromIPC(bytes);
  } finally {
    if (typeof server === 'string') client.close();
  }
}
