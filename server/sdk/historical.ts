import * as arrow from '../vendor/arrow.cjs';
import { createHttpClient, type HttpAnswer, type HttpClient } from '../client/http-client.js';
import type { EntityInput } from '../offline/entity-input.js';
import type { HistoricalService } from '../offline/historical-service.js';
import { MEDIA_TYPES } from '../offline/result-format.js';
import { type HistoricalRequest, type ParsedHistoricalRequest, parseHistoricalRequest } from './historical-request.js';
import { arrowAnswer, jsonBody } from './remote-wire.js';

export type { HistoricalRequest };

function entityInput(entities: ParsedHistoricalRequest['entities']): EntityInput {
  if (entities instanceof arrow.Table) return { kind: 'bytes', format: 'arrow', bytes: arrow.tableToIPC(entities, 'stream') };
  return { kind: 'columns', columns: entities };
}

/**
 * In-process historical retrieval: the same engine and rules as `POST /get-historical-features`,
 * answered as an Arrow table (join keys, `event_timestamp`, the entity's other columns, then the
 * features; timestamps are UTC microsecond Arrow timestamps at millisecond precision).
 */
export async function getHistoricalFeatures(historical: HistoricalService, request: HistoricalRequest, options: { signal?: AbortSignal } = {}): Promise<arrow.Table> {
  const { selection, entities } = parseHistoricalRequest(request);
  return historical.table({ selection, entities: entityInput(entities) }, options);
}

/**
 * The same over HTTP against a running server: JSON columns are sent as JSON, an Arrow table as an
 * Arrow IPC upload; the answer comes back as Arrow IPC. A problem document becomes the TesseraError
 * it was on the server. `server` is a URL or a client (whose connections are reused). The request is
 * checked here first, as the embedded store checks it: an Arrow upload's selection rides in the query
 * string, where the server could not tell `fullFeatureNames: 'yes'` from true.
 */
export async function getHistoricalFeaturesRemote(server: string | HttpClient, request: HistoricalRequest, options: { signal?: AbortSignal } = {}): Promise<arrow.Table> {
  const { selection, entities } = parseHistoricalRequest(request);
  const client = typeof server === 'string' ? createHttpClient(server) : server;
  const headers = { accept: MEDIA_TYPES.arrow };
  const what = 'POST /get-historical-features';
  try {
    let answer: HttpAnswer;
    if (entities instanceof arrow.Table) {
      const query = new URLSearchParams();
      if (selection.features) query.set('features', selection.features.join(','));
      if (selection.featureService !== undefined) query.set('feature_service', selection.featureService);
      if (selection.fullFeatureNames) query.set('full_feature_names', 'true');
      const body = arrow.tableToIPC(entities, 'stream');
      answer = await client.request('POST', `/get-historical-features?${query}`, { headers: { ...headers, 'content-type': MEDIA_TYPES.arrow }, body, signal: options.signal });
    } else {
      // BigInt keys (int64 beyond 2^53) are written as exact JSON integers, which the server reads exactly.
      const body = jsonBody({ features: selection.features, feature_service: selection.featureService, full_feature_names: selection.fullFeatureNames, entities });
      answer = await client.request('POST', '/get-historical-features', { headers: { ...headers, 'content-type': 'application/json' }, body, signal: options.signal });
    }
    return await arrowAnswer(answer, what);
  } finally {
    if (typeof server === 'string') client.close();
  }
}
