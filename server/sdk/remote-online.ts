import type { HttpClient } from '../client/http-client.js';
import { problemError } from '../client/http-client.js';
import { jsonWithBigInts } from '../domain/canonical-json.js';
import { mayHoldWideIntegers, parseJsonExact } from '../http/exact-json.js';
import type { OnlineRequest } from '../serving/online-request.js';
import type { OnlineResponse } from '../serving/online-service.js';

/**
 * `getOnlineFeatures` over HTTP with int64 beyond 2^53 exact both ways, as the in-process store gives
 * them: BigInt keys are sent as exact JSON integers, and an answer's integers beyond 2^53 come back as
 * BigInts (JSON.parse would round them). Answers without such a number parse as before.
 */
export async function getOnlineFeaturesRemote(client: HttpClient, request: OnlineRequest): Promise<OnlineResponse> {
  const answer = await client.request('POST', '/get-online-features', { headers: { 'content-type': 'application/json' }, body: jsonWithBigInts(request) });
  const text = await answer.text();
  if (answer.status < 200 || answer.status > 299) throw problemError(answer.status, text, 'POST /get-online-features');
  const parsed = JSON.parse(text) as OnlineResponse;
  return mayHoldWideIntegers(text) ? (parseJsonExact(text) as OnlineResponse) : parsed;
}
