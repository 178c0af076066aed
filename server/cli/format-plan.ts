import type { ApplyResult } from '../registry/apply-service.js';
import type { PlanItem } from '../registry/plan.js';

const label = (i: PlanItem) => `${i.kind} ${i.name}`;

/** A plan as a person reads it: + created, ~ updated in place, ^ new version, = unchanged. */
export function formatPlan(result: ApplyResult): string {
  const lines: string[] = [];
  const versioned = new Map(result.newVersions.map((v) => [v.featureView, v]));
  for (const item of result.created) lines.push(`+ ${label(item)}${item.kind === 'featureView' ? ' (version 1)' : ''}`);
  for (const item of result.updated) {
    const v = item.kind === 'featureView' ? versioned.get(item.name) : undefined;
    if (v) lines.push(`^ ${label(item)}: new version ${v.version} (${v.reasons.join(', ')})`);
    else lines.push(`~ ${label(item)}: ${(item.changes ?? []).join(', ')}`);
  }
  for (const item of result.unchanged) lines.push(`= ${label(item)}`);
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  const versions = n(result.newVersions.length, 'new version', 'new versions');
  const unchanged = `${result.unchanged.length} unchanged`;
  lines.push(
    result.dryRun
      ? `Plan: ${result.created.length} to create, ${result.updated.length} to update, ${versions}, ${unchanged}.`
      : `Applied: ${result.created.length} created, ${result.updated.length} updated, ${versions}, ${unchanged}.`,
  );
  return `${lines.join('\n')}\n`;
}
