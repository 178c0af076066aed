import { z } from '../../vendor/zod.cjs';
import { durationSchema } from '../../domain/duration.js';
import { nameSchema } from '../../domain/names.js';
import { refuseProtoKeys } from '../../domain/proto-key.js';
import { parseTimestamp, TIMESTAMP_FORMS } from '../../domain/time.js';
import { driftMethodSchema } from './drift-method.js';

const timestamp = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseTimestamp(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a timestamp: use ${TIMESTAMP_FORMS}` });
      return z.NEVER;
    }
    return ms;
  })
  .describe('RFC 3339 or epoch milliseconds');

/** `last` (and `offset` back from now) instead of `start`/`end`: what a scheduled monitor uses. */
const relative = {
  last: durationSchema.optional().describe('a window of this length ending `offset` before now, e.g. "1d"'),
  offset: durationSchema.optional().describe('how far before now the `last` window ends (default 0)'),
};
const absolute = {
  start: timestamp.optional().describe('earliest event (or request) time, inclusive'),
  end: timestamp.optional().describe('latest event (or request) time, exclusive; default now'),
};

/** A sample of a view's rows: given snapshots, committed rows in a time window, a training dataset, or logged online traffic. */
export const driftInputSchema = z.union([
  z.strictObject({ snapshots: z.array(z.number().int().min(1)).min(1).max(1000).describe("ids of the view version's snapshots") }),
  z.strictObject({ dataset: nameSchema.describe('a saved training dataset') }),
  z.strictObject({ featureService: nameSchema.describe('a feature service with `logging:`: its logged traffic'), ...absolute, ...relative }),
  z.strictObject({ ...absolute, ...relative }),
]);

export type DriftInputSpec = z.output<typeof driftInputSchema>;

/** Per-feature method and threshold overrides, and which features to compare: shared by requests and monitors. */
export const driftOptions = {
  features: z.array(z.string().min(1).max(200)).min(1).max(500).optional().describe("the view's output columns to compare (default all)"),
  method: driftMethodSchema.optional().describe("every feature's method (default: Evidently's preset by type and reference size)"),
  methods: z.record(z.string(), driftMethodSchema).optional().describe('a method per feature'),
  thresholds: z.record(z.string(), z.number().min(0).max(1e6)).optional().describe("a threshold per feature (default: the method's)"),
  driftShare: z.number().min(0).max(1).default(0.5).describe('the dataset drifts when at least this share of its features do (Evidently: 0.5)'),
};

const driftRequestFields = z
  .strictObject({
    featureView: nameSchema,
    version: z.number().int().min(1).optional().describe('default: the latest'),
    reference: driftInputSchema,
    detection: driftInputSchema,
    ...driftOptions,
  })
  .meta({ id: 'DriftRequest', description: 'A drift report: a detection sample of a feature view compared with a reference, per feature.' });

/**
 * `POST /api/v1/drift`. An own `__proto__` key (a feature named so in `methods` or `thresholds`) is a
 * 400 naming it, not dropped (proto-key.ts); a monitor's, in a bundle, is refused by the bundle's schema.
 */
export const driftRequestSchema = z.preprocess<unknown, typeof driftRequestFields, z.input<typeof driftRequestFields>>(refuseProtoKeys, driftRequestFields);

export type DriftRequest = z.output<typeof driftRequestSchema>;
