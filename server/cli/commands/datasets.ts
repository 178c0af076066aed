import { parseArgs } from 'node:util';
import type { Command } from '../io.js';
import { usageError } from '../io.js';
import { openOfflineClient } from './historical-client.js';

const USAGE = 'usage: tessera datasets list | show <name> | export <name> --out <file.parquet|.csv|.json|.arrow>  [--data-dir | --url]';

/** `tessera datasets list|show|export`: saved training datasets. */
export const datasets: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' }, url: { type: 'string' } }, allowPositionals: true });
  const [action, name] = positionals;
  if (action === 'list' ? positionals.length !== 1 : !['show', 'export'].includes(action ?? '') || !name || positionals.length !== 2) throw usageError(USAGE);
  if (action === 'export' && !values.out) throw usageError(USAGE);
  const client = await openOfflineClient({ url: values.url, dataDir: values['data-dir'] }, io.env);
  try {
    if (action === 'list') {
      const items = await client.listDatasets();
      if (values.json) {
        io.stdout(`${JSON.stringify(items, null, 2)}\n`);
        return 0;
      }
      const rows = items.map((d) => [String(d.name), String(d.status), String(d.rows ?? ''), String(d.createdAt), ((d.featureViews as string[] | undefined) ?? []).join(', ')]);
      const header = ['NAME', 'STATUS', 'ROWS', 'CREATED', 'FEATURE VIEWS'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
      for (const r of [header, ...rows]) io.stdout(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
      return 0;
    }
    if (action === 'show') {
      io.stdout(`${JSON.stringify(await client.showDataset(name), null, 2)}\n`);
      return 0;
    }
    const rows = await client.exportDataset(name, values.out!);
    io.stdout(`wrote ${Number.isNaN(rows) ? 'the' : rows} rows of '${name}' to ${values.out}\n`);
    return 0;
  } finally {
    await client.close();
  }
};
