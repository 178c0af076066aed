import { type FieldError, TesseraError, isTesseraError } from '../errors.js';
import { isErrorCode } from '../http/problem.js';

/** Calls a running Tessera server; a problem document comes back as the TesseraError it was. */
export async function callServer<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, baseUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new TesseraError('unavailable', `cannot reach ${baseUrl}: ${(e as Error).cause ?? (e as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let problem: { detail?: string; type?: string; errors?: FieldError[] } = {};
    try {
      problem = JSON.parse(text);
    } catch {
      // not a problem document: report the raw status
    }
    const code = problem.type?.replace('/problems/', '') ?? '';
    throw new TesseraError(isErrorCode(code) ? code : 'internal', problem.detail ?? `${method} ${path} answered ${res.status}`, problem.errors ?? []);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

export { isTesseraError };
