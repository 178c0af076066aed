import type { OnlineResponse } from './online-response.js';

/**
 * Writes an online answer as Feast's servers do. JSON.stringify writes the float 1.0 as `1`, which
 * Feast's Python client (`python_values_to_proto_values`) then types INT64; Feast writes `1.0`. So
 * float64 columns are written by hand: an integral value gets `.0` (beyond 1e21 JavaScript already
 * writes an exponent). `leading` entity columns come first and are written as JSON.stringify would
 * (int64 keys beyond 2^53, BigInts, as exact integers);
 * `floats[i]` says whether feature column i (after them) is float64. Statuses and timestamps are
 * known ASCII without quotes or backslashes, so they need no escaping.
 */
export function writeOnlineJson(answer: OnlineResponse, leading: number, floats: boolean[]): string {
  let out = `{"metadata":${JSON.stringify(answer.metadata)},"results":[`;
  const results = answer.results;
  for (let r = 0; r < results.length; r++) {
    const { values, statuses, event_timestamps: stamps } = results[r];
    if (r > 0) out += ',';
    out += '{"values":';
    if (r >= leading && floats[r - leading]) {
      out += '[';
      for (let i = 0; i < values.length; i++) {
        if (i > 0) out += ',';
        out += floatJson(values[i] as number | null);
      }
      out += ']';
    } else {
      out += entityJson(values);
    }
    out += ',"statuses":[';
    for (let i = 0; i < statuses.length; i++) out += i > 0 ? `,"${statuses[i]}"` : `"${statuses[i]}"`;
    out += '],"event_timestamps":[';
    for (let i = 0; i < stamps.length; i++) out += i > 0 ? `,"${stamps[i]}"` : `"${stamps[i]}"`;
    out += ']}';
  }
  return `${out}]}`;
}

/** Values as JSON.stringify writes them, except that a BigInt (an int64 key beyond 2^53) is written as its exact digits. */
function entityJson(values: unknown[]): string {
  let wide = false;
  for (let i = 0; i < values.length; i++) if (typeof values[i] === 'bigint') wide = true;
  if (!wide) return JSON.stringify(values);
  let out = '[';
  for (let i = 0; i < values.length; i++) out += (i > 0 ? ',' : '') + (typeof values[i] === 'bigint' ? String(values[i]) : JSON.stringify(values[i]));
  return `${out}]`;
}

/** A float64 as Feast writes it: `1.0`, `0.5`, `1e+21`; null (and NaN, which JSON cannot hold) as null. */
export function floatJson(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'null';
  const text = String(value);
  return Number.isInteger(value) && !text.includes('e') ? `${text}.0` : text;
}
