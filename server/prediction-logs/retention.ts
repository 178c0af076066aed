/** How many days of each model's prediction log the compaction job keeps; null: forever. */
export interface LogRetention {
  defaultDays: number | null;
  models: Record<string, number>;
}

/**
 * `30,churn=90`: 30 days for every model, 90 for `churn`; `churn=90` alone keeps the others forever.
 * A string saying what is wrong when the text is not that.
 */
export function parseRetention(text: string): LogRetention | string {
  const out: LogRetention = { defaultDays: null, models: {} };
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const m = /^(?:([a-z0-9][a-z0-9_.-]{0,127})=)?(\d{1,6})$/.exec(part);
    if (!m || Number(m[2]) < 1) return `'${part}' is not <days> or <model>=<days> (days >= 1)`;
    if (m[1] === undefined) out.defaultDays = Number(m[2]);
    else out.models[m[1]] = Number(m[2]);
  }
  return out;
}

/** Days kept for `model`, or null for forever. */
export function retentionDays(retention: LogRetention, model: string): number | null {
  // Own keys only: `constructor` is a model name, and models['constructor'] is Object's constructor.
  return Object.hasOwn(retention.models, model) ? retention.models[model] : retention.defaultDays;
}
