import * as arrow from '../../server/vendor/arrow.cjs';
import Papa from 'papaparse';
import { readParquet } from 'parquet-wasm/node';

export const ARROW = 'application/vnd.apache.arrow.stream';
export const PARQUET = 'application/vnd.apache.parquet';

export interface Answer {
  status: number;
  type: string;
  bytes: Uint8Array;
  // Problem documents and JSON answers are checked field by field.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

/** POSTs a body of any type to a historical endpoint and keeps the raw answer. */
export async function post(url: string, body: string | Uint8Array, contentType: string, accept?: string): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...(accept ? { accept } : {}) }, body });
  return answer(res);
}

export async function get(url: string, accept?: string): Promise<Answer> {
  return answer(await fetch(url, { headers: accept ? { accept } : {} }));
}

async function answer(res: Response): Promise<Answer> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes, json: () => JSON.parse(Buffer.from(bytes).toString('utf8')) };
}

export function postJsonTo(url: string, body: unknown, accept?: string): Promise<Answer> {
  return post(url, JSON.stringify(body), 'application/json', accept);
}

/** Answers read back independently of the server's writers, as rows of JS values. */
export function arrowRows(bytes: Uint8Array): { columns: string[]; rows: Record<string, unknown>[] } {
  return tableRows(arrow.tableFromIPC(bytes));
}

export function parquetRows(bytes: Uint8Array): { columns: string[]; rows: Record<string, unknown>[] } {
  return tableRows(arrow.tableFromIPC(readParquet(bytes).intoIPCStream()));
}

function tableRows(table: arrow.Table): { columns: string[]; rows: Record<string, unknown>[] } {
  return { columns: table.schema.fields.map((f) => f.name), rows: table.toArray().map((r) => ({ ...(r.toJSON() as Record<string, unknown>) })) };
}

export function csvRows(bytes: Uint8Array): { columns: string[]; rows: string[][] } {
  const parsed = Papa.parse<string[]>(Buffer.from(bytes).toString('utf8'), { skipEmptyLines: true });
  return { columns: parsed.data[0], rows: parsed.data.slice(1) };
}
