import { z } from '../vendor/zod.cjs';
import { descriptionSchema, nameSchema } from '../domain/names.js';
import { secretRefSchema } from '../domain/secret-ref.js';

/**
 * What an alert rule watches. `run_failures` is evaluated from the run history; the others are
 * evaluated by the feature that owns the measurement (freshness, validation, drift, skew, model
 * performance) once it registers a condition provider (docs/alerts.md).
 */
export const ALERT_KINDS = ['run_failures', 'freshness', 'validation', 'drift', 'skew', 'performance'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** `run_failures` fires when this many of a view's latest finished runs all failed. */
export const DEFAULT_RUN_FAILURES = 2;

export const alertRuleSchema = z.strictObject({
  name: nameSchema,
  kind: z.enum(ALERT_KINDS).describe('what the rule watches'),
  description: descriptionSchema.optional(),
  featureViews: z.array(nameSchema).max(1000).optional().describe('the views it watches (kinds about views); every view when left out'),
  threshold: z.number().finite().optional().describe("the level at which the condition fires; its meaning is the kind's (run_failures: consecutive failed runs, an integer >= 1, default 2)"),
  webhooks: z.array(nameSchema).max(20).default([]).describe('the webhooks told when an alert of this rule fires or resolves'),
  retrain: z.boolean().default(false).describe('the payload asks the receiver to retrain (the feedback loop)'),
});

export type AlertRule = z.output<typeof alertRuleSchema>;

export const webhookSchema = z.strictObject({
  name: nameSchema,
  url: z
    .string()
    .max(2000)
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http:// or https:// URL')
    .describe('where alerts are POSTed'),
  description: descriptionSchema.optional(),
  secret: secretRefSchema.optional().describe('the HMAC-SHA256 key of X-Tessera-Signature, from an environment variable'),
  timeoutMs: z.number().int().min(100).max(60_000).default(5_000).describe('per attempt'),
  maxAttempts: z.number().int().min(1).max(20).default(5),
  backoffMs: z.number().int().min(1).max(3_600_000).default(1_000).describe('the wait before the second attempt; doubled before each next one'),
});

export type Webhook = z.output<typeof webhookSchema>;
