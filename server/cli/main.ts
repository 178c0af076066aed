import { apply, plan } from './commands/apply.js';
import { datasets } from './commands/datasets.js';
import { getHistoricalFeatures } from './commands/historical.js';
import { describe, list } from './commands/list.js';
import { materialize } from './commands/materialize.js';
import { serve } from './commands/serve.js';
import { type CliIo, type Command, printError, processIo } from './io.js';

const COMMANDS: Record<string, { run: Command; help: string }> = {
  serve: { run: serve, help: 'serve [--port --host --data-dir --definitions --workers]  start the server (applies the definitions first)' },
  plan: { run: plan, help: 'plan [dir] [--data-dir | --url]          show what apply would change' },
  apply: { run: apply, help: 'apply [dir] [--data-dir | --url]         apply the definitions in dir' },
  list: { run: list, help: 'list <kind> [--data-dir | --url]         entities | sources | feature-views | feature-services' },
  describe: { run: describe, help: 'describe <kind> <name>                   one object, as JSON' },
  materialize: { run: materialize, help: 'materialize <view> [--start --end --version] [--data-dir | --url]  run a materialization and wait' },
  'get-historical-features': {
    run: getHistoricalFeatures,
    help: 'get-historical-features --entities <file> --features v:a,v:b --out <file.parquet|.csv|.json|.arrow> [--full-feature-names] [--data-dir | --url]  a point-in-time dataset',
  },
  datasets: { run: datasets, help: 'datasets list | show <name> | export <name> --out <file> [--data-dir | --url]  saved training datasets' },
};

export function usage(): string {
  return `usage: tessera <command> [options]\n\n${Object.values(COMMANDS)
    .map((c) => `  ${c.help}`)
    .join('\n')}\n\nEnvironment: TESSERA_PORT, TESSERA_HOST, TESSERA_DATA_DIR, TESSERA_DEFINITIONS, TESSERA_WORKERS, TESSERA_LOG_LEVEL\n`;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  try {
    return await command.run(args, io);
  } catch (e) {
    printError(io, e);
    return 1;
  }
}
