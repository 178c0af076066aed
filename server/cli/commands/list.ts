import { parseArgs } from 'node:util';
import type { Command } from '../io.js';
import { usageError } from '../io.js';
import { kindSegment, openTarget } from '../target.js';

const options = { 'data-dir': { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' } } as const;

/** `tessera list <kind>`: one line per object (name and the facts that tell them apart). */
export const list: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const kind = kindSegment(positionals[0]);
  const target = await openTarget({ url: values.url, dataDir: values['data-dir'] }, io.env);
  try {
    const items = await target.list(kind);
    if (values.json) {
      io.stdout(`${JSON.stringify(items, null, 2)}\n`);
      return 0;
    }
    const rows = items.map((o) => [String(o.name), summary(kind, o)]);
    const width = Math.max(4, ...rows.map((r) => r[0].length));
    io.stdout(`${'NAME'.padEnd(width)}  DETAILS\n`);
    for (const [name, details] of rows) io.stdout(`${name.padEnd(width)}  ${details}\n`);
    return 0;
  } finally {
    await target.close();
  }
};

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

/** `tessera describe <kind> <name>`: the object as JSON. */
export const describe: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const kind = kindSegment(positionals[0]);
  if (!positionals[1]) throw usageError('usage: tessera describe <kind> <name>');
  const target = await openTarget({ url: values.url, dataDir: values['data-dir'] }, io.env);
  try {
    io.stdout(`${JSON.stringify(await target.describe(kind, positionals[1]), null, 2)}\n`);
    return 0;
  } finally {
    await target.close();
  }
};
