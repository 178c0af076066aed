import { literal } from '../offline/sql.js';
import { KIND_BOOL, KIND_FLOAT64, KIND_INT64, KIND_STRING, type Kind } from './column-buffer.js';

/**
 * The SQL that types a plain CSV file's text fields in DuckDB exactly as `coerce.ts` types them in JS,
 * plus a `bad` flag on every row where that equality is not proven. A row flagged `bad` is never
 * typed by DuckDB: the JS reader takes over the file from that row, rejects and all.
 *
 * Why each accepted form types alike (text is what both readers see, field for field, in a plain file;
 * an empty field is NULL in DuckDB and null in JS):
 * - float64: decimal text with an optional exponent (the regex); DuckDB's cast and JS's `Number` (and
 *   `simpleDecimal`, Clinger's exact path) both round it correctly, so they give the same double;
 *   a non-finite result (`1e400`) is not proven (JS rejects it).
 * - int64: at most 15 digits with an optional sign: an exact integer in both, never beyond 2^53.
 * - bool: the same word list as `boolFromText`, compared lower-cased.
 * - string: the text itself.
 * - timestamp: `YYYY-MM-DD[( |T)hh:mm[:ss[.f{1,3}]]][Z]`, year 1000-9999, hours 00-23, seconds 00-59
 *   (JS maps a leap second 60 to 59, DuckDB does not: left to JS), read as UTC; an impossible date
 *   (February 30) fails DuckDB's cast and is left to JS, which rejects it too.
 */
const FLOAT = '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?';
const INT = '[+-]?[0-9]{1,15}';
const TIMESTAMP = '[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,3})?)?)?Z?';

export interface TypedColumn {
  kind: Kind;
  /** The field's position in the file's header. */
  position: number;
  /** A null rejects the row (join keys, the event time). */
  required: boolean;
}

/** Column names DuckDB gives the file's fields: `c0`, `c1`, ... by position. */
export const fieldName = (position: number): string => `c${position}`;

/**
 * `SELECT <typed columns>, <bad> FROM read_csv(<file>)`: numbers (int64 and timestamps as epoch ms)
 * come out as DOUBLE (exact: every proven value is below 2^53), booleans as BOOLEAN, strings as VARCHAR.
 */
export function typedCsvQuery(file: string, width: number, delimiter: string, columns: readonly TypedColumn[]): string {
  const fields = Array.from({ length: width }, (_, i) => `${literal(fieldName(i))}: 'VARCHAR'`).join(', ');
  const from = `read_csv(${literal(file)}, header = true, auto_detect = false, columns = {${fields}}, delim = ${literal(delimiter)}, quote = '"', escape = '"', strict_mode = true, null_padding = false, parallel = true)`;
  const values: string[] = [];
  const proofs: string[] = [];
  const texts: string[] = [];
  const patterns: string[] = [];
  columns.forEach((column, i) => {
    const c = fieldName(column.position);
    const { value, proof, pattern, stand } = typed(column.kind, c);
    values.push(`${value} AS v${i}`);
    if (pattern !== undefined) {
      // A null field stands in as text its pattern matches: its proof is the null test alone.
      texts.push(`coalesce(${c}, '${stand}')`);
      patterns.push(`(${pattern})`);
    }
    proofs.push(column.required ? `(${c} IS NOT NULL AND ${proof})` : `(${c} IS NULL OR ${proof})`);
  });
  // One regex call a row instead of one a field (the proofs were over half of the query's CPU). The
  // fields are joined by commas, which no pattern matches: a full match needs exactly as many commas
  // as separators, so no field holds one and each pattern matched its own field whole.
  if (patterns.length > 0) proofs.unshift(`regexp_full_match(concat_ws(',', ${texts.join(', ')}), '${patterns.join(',')}')`);
  return `SELECT ${values.join(', ')}, NOT coalesce(${proofs.join(' AND ')}, false) AS bad FROM ${from}`;
}

/** `pattern`, when given, is a regex the field's text must match whole (tested for all fields at once); `stand` matches it. */
function typed(kind: Kind, c: string): { value: string; proof: string; pattern?: string; stand?: string } {
  switch (kind) {
    case KIND_FLOAT64:
      return { value: `TRY_CAST(${c} AS DOUBLE)`, proof: `isfinite(TRY_CAST(${c} AS DOUBLE))`, pattern: FLOAT, stand: '0' };
    case KIND_INT64:
      return { value: `TRY_CAST(${c} AS BIGINT)::DOUBLE`, proof: 'true', pattern: INT, stand: '0' };
    case KIND_BOOL: {
      const value = `CASE WHEN lower(${c}) IN ('true', 't', 'yes', '1') THEN true WHEN lower(${c}) IN ('false', 'f', 'no', '0') THEN false END`;
      return { value, proof: `(${value}) IS NOT NULL` };
    }
    case KIND_STRING:
      return { value: c, proof: 'true' };
    default: {
      const value = `epoch_ms(TRY_CAST(${c} AS TIMESTAMP))::DOUBLE`;
      return { value, proof: `(${value}) IS NOT NULL`, pattern: TIMESTAMP, stand: '2000-01-01' };
    }
  }
}
