import { defineCommand, UsageError } from '../command.js';
import { describeDataset } from '../dataset-format.js';
import { EXIT } from '../io.js';
import { jsonOption, targetOptions } from '../options.js';
import { startProgress } from '../progress.js';
import { checkOut } from './historical.js';
import { openOfflineClient } from './historical-client.js';

/** `tessera datasets list|show|export`: saved training datasets. */
export const datasets = defineCommand({
  name: 'datasets',
  summary: 'saved training datasets: list, show one, export one to a file',
  usage: 'list | show <name> | export <name> --out <file> [options]',
  description:
    "Training datasets are saved with POST /api/v1/training-datasets (or the SDK); each pins the versions and snapshots it read, so it can be rebuilt. `list` prints a table and `show` a summary in words (the request, the view versions and snapshots it pins, its rows, their event times, its columns and files); --json prints the API's JSON.",
  args: { min: 1, max: 2 },
  options: {
    out: { type: 'string', value: '<file>', description: 'for export: .parquet, .csv, .json, .arrow (Arrow file) or .arrows (Arrow stream)' },
    ...targetOptions,
    ...jsonOption,
  },
  examples: [
    'tessera datasets list',
    'tessera datasets show rain_training_1796014027586',
    'tessera datasets show rain_training_1796014027586 --json --url http://127.0.0.1:6567',
    'tessera datasets export rain_training_1796014027586 --out train.parquet',
  ],
  async run({ values, positionals }, io) {
    const [action, name] = positionals;
    if (!['list', 'show', 'export'].includes(action)) throw new UsageError(`unknown action '${action}': list, show <name> or export <name> --out <file>`);
    if (action === 'list' && name !== undefined) throw new UsageError(`unexpected argument '${name}': tessera datasets list`);
    if (action !== 'list' && name === undefined) throw new UsageError(`missing argument: tessera datasets ${action} <name>`);
    if (action === 'export') {
      if (!values.out) throw new UsageError("missing option '--out <file>'");
      checkOut(values.out);
    }
    const progress = startProgress(io, { label: `datasets ${action}${name ? ` ${name}` : ''}`, done: 0, unit: 'rows' });
    const client = await openOfflineClient({ url: values.url, dataDir: values['data-dir'] }, io.env, progress);
    try {
      if (action === 'list') {
        const items = await client.listDatasets();
        progress.done();
        if (values.json) {
          io.stdout(`${JSON.stringify(items, null, 2)}\n`);
          return EXIT.ok;
        }
        const rows = items.map((d) => [String(d.name), String(d.status), String(d.rows ?? ''), String(d.createdAt), ((d.featureViews as string[] | undefined) ?? []).join(', ')]);
        const header = ['NAME', 'STATUS', 'ROWS', 'CREATED', 'FEATURE VIEWS'];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        for (const r of [header, ...rows]) io.stdout(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
        return EXIT.ok;
      }
      if (action === 'show') {
        const shown = await client.showDataset(name);
        progress.done();
        io.stdout(values.json ? `${JSON.stringify(shown, null, 2)}\n` : describeDataset(shown));
        return EXIT.ok;
      }
      const rows = await client.exportDataset(name, values.out!);
      progress.done();
      io.stdout(`wrote ${Number.isNaN(rows) ? 'the' : rows} rows of '${name}' to ${values.out}\n`);
      return EXIT.ok;
    } finally {
      progress.done();
      await client.close();
    }
  },
});
