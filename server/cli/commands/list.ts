import { defineCommand } from '../command.js';
import { describeEntity, describeFeatureView, describeService, describeSource } from '../describe-format.js';
import { EXIT } from '../io.js';
import { jsonOption, targetOptions } from '../options.js';
import { kindSegment, openTarget } from '../target.js';

const options = { ...targetOptions, ...jsonOption } as const;
const KINDS = 'entities | sources | feature-views | feature-services';

/** `tessera list <kind>`: one line per object (name and the facts that tell them apart). */
export const list = defineCommand({
  name: 'list',
  summary: 'list the entities, sources, feature views or feature services',
  usage: '<kind> [options]',
  description: `<kind> is one of ${KINDS} (or the singular).`,
  args: { min: 1, max: 1 },
  options,
  examples: ['tessera list feature-views', 'tessera list entities --json', 'tessera list feature-services --url http://127.0.0.1:6567'],
  async run({ values, positionals }, io) {
    const kind = kindSegment(positionals[0]);
    const target = await openTarget({ url: values.url, dataDir: values['data-dir'], access: 'read' }, io.env);
    try {
      const items = await target.list(kind);
      if (values.json) {
        io.stdout(`${JSON.stringify(items, null, 2)}\n`);
        return EXIT.ok;
      }
      const rows = items.map((o) => [String(o.name), summary(kind, o)]);
      const width = Math.max(4, ...rows.map((r) => r[0].length));
      io.stdout(`${'NAME'.padEnd(width)}  DETAILS\n`);
      for (const [name, details] of rows) io.stdout(`${name.padEnd(width)}  ${details}\n`);
      return EXIT.ok;
    } finally {
      await target.close();
    }
  },
});

function summary(kind: string, o: Record<string, unknown>): string {
  switch (kind) {
    case 'entities':
      return `join keys: ${(o.joinKeys as { name: string; type: string }[]).map((k) => `${k.name} (${k.type})`).join(', ')}`;
    case 'sources':
      return `${String(o.type)}: ${String(o.path ?? o.url ?? o.database)}`;
    case 'feature-views': {
      const versions = (o.versions as { version: number }[]).map((v) => v.version);
      return `versions: ${versions.join(', ')} (latest ${String(o.latestVersion)}), ${(o.features as unknown[]).length} features, source ${String(o.source)}`;
    }
    default:
      return `${(o.features as unknown[]).length} feature refs`;
  }
}

/** `tessera describe <kind> <name>`: a readable summary, or the API's JSON with `--json`. */
export const describe = defineCommand({
  name: 'describe',
  summary: 'one object in detail: definition, versions, fitted state, snapshots, last runs',
  usage: '<kind> <name> [options]',
  description: `<kind> is one of ${KINDS} (or the singular). A feature view shows its definition, every version (fitted or not), the latest version's fitted state and snapshots, and its last runs; --json prints the object as the API answers it.`,
  args: { min: 2, max: 2 },
  options,
  examples: ['tessera describe feature-view driver_hourly_stats', 'tessera describe entity driver --json', 'tessera describe feature-service driver_model --url http://127.0.0.1:6567'],
  async run({ values, positionals }, io) {
    const kind = kindSegment(positionals[0]);
    const name = positionals[1];
    const target = await openTarget({ url: values.url, dataDir: values['data-dir'], access: 'read' }, io.env);
    try {
      const found = await target.describe(kind, name);
      if (values.json) {
        io.stdout(`${JSON.stringify(found, null, 2)}\n`);
        return EXIT.ok;
      }
      if (kind === 'feature-views') {
        const latest = await target.version(name, found.latestVersion as number);
        io.stdout(describeFeatureView(found, latest, await target.runs(name, 5)));
      } else if (kind === 'entities') io.stdout(describeEntity(found));
      else if (kind === 'sources') io.stdout(describeSource(found));
      else io.stdout(describeService(found));
      return EXIT.ok;
    } finally {
      await target.close();
    }
  },
});
