/**
 * The int64 values beyond 2^53 that the wide-int64 tests use, and a POST that keeps bodies and answers
 * as text (JSON.stringify cannot write these numbers and JSON.parse would round them).
 *
 * 9007199254740993 (ABOVE) is 2^53 + 1: a double rounds it to 9007199254740992 (AT, 2^53), so a store
 * that rounds would merge those two. MAX is 2^63 - 1 and MIN is -2^63, the int64 bounds.
 */
export const MAX = '9223372036854775807';
export const MIN = '-9223372036854775808';
export const ABOVE = '9007199254740993';
export const AT = '9007199254740992';

/** POSTs `body` as it is and answers the status and the body as text. */
export async function postText(url: string, body: string, type = 'application/json', accept = 'application/json'): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': type, accept }, body });
  return { status: res.status, text: await res.text() };
}

/** A CSV answer's rows (header dropped) as [first column, third column]: the key and the feature of a one-feature historical answer. */
export function keyAndThird(csv: string): string[][] {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => [line.split(',')[0], line.split(',')[2]]);
}
