import type { HttpClient } from '../client/http-client.js';
import type { OnlineRequest } from '../serving/online-request.js';
import type { OnlineResponse } from '../serving/online-response.js';
import { jsonAnswer, jsonBody } from './remote-wire.js';

/**
 * `getOnlineFeatures` over HTTP with int64 beyond 2^53 exact both ways, as the in-process store gives
 * them: BigInt keys are sent as exact JSON integers, and an answer's integers beyond 2^53 come back as
 * BigInts (JSON.parse would round them). Answers without such a number parse as before.
 */
export async function getOnlineFeaturesRemote(client: HttpClient, request: OnlineRequest): Promise<OnlineResponse> {
  const answer = await client.request('POST', '/get-online-features', { headers: { 'content-type': 'application/json' }, body: jsonBody(request) });
  return jsonAnswer<OnlineResponse>(answer, 'POST /get-online-features');
}
