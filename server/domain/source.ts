import { z } from '../vendor/zod.cjs';
import { descriptionSchema, nameSchema, tagsSchema } from './names.js';
import { isCredentialHeader, secretRefSchema } from './secret-ref.js';

const columnName = z
  .string()
  .min(1)
  .max(200)
  .refine((c) => !c.includes('\u0000'), 'a column name cannot hold a NUL character');

const common = {
  name: nameSchema,
  /** The column holding each row's event time (RFC 3339 or epoch milliseconds; naive = UTC). */
  timestampField: columnName,
  /** Optional: breaks ties between rows with the same key and event time (greatest wins). */
  createdTimestampField: columnName.optional(),
  /** Renames applied to source columns as they are read: `{source_column: new_name}`. */
  fieldMapping: z
    .record(columnName, columnName)
    .refine((m) => new Set(Object.values(m)).size === Object.values(m).length, 'two source columns renamed to one name: each new name must be different')
    .optional(),
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
};

/** A path or glob of local files, relative to the definitions folder. */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\u0000'), 'a path cannot hold a NUL character');

/** HTTP header names are tokens (RFC 9110); values are one line of visible text. */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,200}$/, 'an HTTP header name');
const headerValue = z
  .string()
  .max(8192)
  .refine((v) => {
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
    }
    return true;
  }, 'a header value is one line of text');

/**
 * Headers sent with every request: text, or `{env: NAME}` for a secret. A header whose name says it
 * carries a credential (Authorization, Cookie, X-Api-Key...) must be a reference (docs/security.md).
 */
const headersSchema = z
  .record(headerName, z.union([headerValue, secretRefSchema]))
  .describe('headers sent with every request: text, or {env: NAME} for a secret; Authorization, Cookie, X-Api-Key and other credential headers must be {env: NAME}')
  .superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string' && isCredentialHeader(name)) {
        // The message never repeats the value: it is a secret.
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `'${name}' carries a credential: write it as a reference to an environment variable of the server, {env: NAME}, not as text (definitions are stored and shown as written)`,
        });
      }
    }
  });

export const sourceSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...common,
    type: z.literal('csv'),
    path: filePath,
    delimiter: z.string().length(1).default(','),
  }),
  z.strictObject({ ...common, type: z.literal('jsonl'), path: filePath }),
  z.strictObject({ ...common, type: z.literal('parquet'), path: filePath }),
  z.strictObject({
    ...common,
    type: z.literal('sqlite'),
    database: filePath,
    /** A SELECT with `:start` and `:end` bound to the run's range (epoch milliseconds and RFC 3339 both given). */
    query: z.string().min(1).max(100_000),
  }),
  z.strictObject({
    ...common,
    type: z.literal('http'),
    /** `{start}` and `{end}` are replaced by the run's range, RFC 3339, URL-encoded. */
    url: z.url({ protocol: /^https?$/ }).refine(placeholdersOutsideOrigin, '{start} and {end} may only stand in the path or the query, not in the host, port or user'),
    format: z.enum(['json', 'jsonl']).default('json'),
    /** Dotted path to the array of records inside a JSON answer, e.g. `data.items`. */
    recordsPath: z.string().min(1).max(500).optional(),
    timeoutMs: z.number().int().min(1).max(600_000).default(30_000),
    retries: z.number().int().min(0).max(10).default(3),
    headers: headersSchema.optional(),
  }),
  /**
   * Feast's `PushSource`: rows arrive through `POST /push` (the view's features are its schema).
   * `batchSource` names the source a materialization of the view reads; without one a run reads nothing.
   */
  z.strictObject({
    ...common,
    timestampField: columnName.default('event_timestamp'),
    type: z.literal('push'),
    batchSource: nameSchema.optional().describe('the source materializations of its views read (any type but push)'),
  }),
]);

/** True when filling `{start}`/`{end}` in leaves the URL's scheme, user, host and port as they are. */
function placeholdersOutsideOrigin(template: string): boolean {
  const fill = (value: string) => URL.parse(template.replaceAll('{start}', value).replaceAll('{end}', value));
  const [a, b] = [fill(''), fill('2026-01-01T00%3A00%3A00.000Z')];
  return a !== null && b !== null && a.protocol === b.protocol && a.username === b.username && a.password === b.password && a.host === b.host;
}

export type Source = z.output<typeof sourceSchema>;
export type SourceType = Source['type'];

/** Source fields that change no data: editing them updates in place instead of versioning views. */
export const SOURCE_METADATA_FIELDS = ['description', 'tags'] as const;
