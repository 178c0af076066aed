import type { HttpAnswer } from '../client/http-client.js';
import { problemError } from '../client/http-client.js';
import { jsonWithBigInts } from '../domain/canonical-json.js';
import { TesseraError, errorMessage, validationError } from '../errors.js';
import { mayHoldWideIntegers, parseJsonExact } from '../http/exact-json.js';
import { MEDIA_TYPES } from '../offline/result-format.js';
import * as arrow from '../vendor/arrow.cjs';

/**
 * A request body as `connect()` sends it: JSON with BigInts as exact integers. A value JSON cannot hold
 * (a cycle) is the caller's input, so a 400 naming the body, as the embedded store would give.
 */
export function jsonBody(value: unknown): string {
  try {
    // undefined (no request at all) has no JSON: sent as null, which the server refuses as the embedded store does.
    return value === undefined ? 'null' : jsonWithBigInts(value);
  } catch (e) {
    throw validationError(`the request cannot be sent as JSON: ${errorMessage(e)}`, [{ path: '(body)', message: errorMessage(e) }]);
  }
}

/** The answer's body; a connection cut while it arrives is 'unavailable', as a server that cannot be reached. */
async function answerBytes(answer: HttpAnswer, what: string): Promise<Buffer> {
  try {
    return await answer.bytes();
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw new TesseraError('unavailable', `${what}: the answer was cut off: ${errorMessage(e)}`, [], { cause: e });
  }
}

/**
 * An answer that is not what Tessera sends: 'internal', the code the client already gives an answer
 * it cannot read (a non-problem error body). Not 'unavailable': something did answer, and waiting for
 * it will not help; most often a proxy, a captive portal or another server at the URL.
 */
function notTessera(answer: HttpAnswer, what: string, expected: string, cause?: unknown): TesseraError {
  const type = answer.headers['content-type'] ?? 'no content-type';
  const detail = cause === undefined ? '' : ` (${errorMessage(cause)})`;
  return new TesseraError('internal', `${what} answered ${answer.status} with a body that is not ${expected} (${type})${detail}: is it a Tessera server, with no proxy rewriting its answers?`, [], {
    cause,
  });
}

/**
 * A JSON answer, with integers beyond 2^53 as BigInts (JSON.parse would round them); an error status
 * is the TesseraError its problem document describes.
 */
export async function jsonAnswer<T>(answer: HttpAnswer, what: string): Promise<T> {
  const text = (await answerBytes(answer, what)).toString('utf8');
  if (answer.status < 200 || answer.status > 299) throw problemError(answer.status, text, what);
  let parsed: unknown;
  try {
    // JSON.parse first: parseJsonExact expects valid JSON, and only walks it.
    parsed = JSON.parse(text);
  } catch (e) {
    throw notTessera(answer, what, 'JSON', e);
  }
  if (parsed === null || typeof parsed !== 'object') throw notTessera(answer, what, 'a JSON object');
  return (mayHoldWideIntegers(text) ? parseJsonExact(text) : parsed) as T;
}

/** An Arrow IPC stream answer. Its media type is checked too: Arrow reads an empty or JSON body as a table without columns. */
export async function arrowAnswer(answer: HttpAnswer, what: string): Promise<arrow.Table> {
  const bytes = await answerBytes(answer, what);
  if (answer.status !== 200) throw problemError(answer.status, bytes.toString('utf8'), what);
  const type = (answer.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== MEDIA_TYPES.arrow) throw notTessera(answer, what, 'Arrow IPC');
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (e) {
    throw notTessera(answer, what, 'Arrow IPC', e);
  }
  // Every answer holds the entity columns at least.
  if (table.numCols === 0) throw notTessera(answer, what, 'Arrow IPC');
  return table;
}
