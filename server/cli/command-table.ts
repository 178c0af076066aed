import type { CommandSpec, OptionTable } from './command.js';

/**
 * A command as `tessera --help` lists it. Its module is imported only when the command is called:
 * most of them pull in DuckDB, Arrow or the HTTP server, and a process that loaded every command
 * paid for all of it (about 1.5 s) before doing anything, `--help` included.
 */
export interface CommandEntry {
  name: string;
  /** One line for `tessera --help`; the same as the spec's own (a test holds them equal). */
  summary: string;
  load(): Promise<CommandSpec>;
}

/** Each command's option types are checked where it is defined; here they are all alike. */
function entry<O extends OptionTable>(name: string, summary: string, load: () => Promise<CommandSpec<O>>): CommandEntry {
  return { name, summary, load: load as unknown as () => Promise<CommandSpec> };
}

/** In the order `tessera --help` lists them. */
export const COMMANDS: CommandEntry[] = [
  entry('init', 'create a feature repository: definitions, sample data, a README of the next commands', async () => (await import('./commands/init.js')).init),
  entry('serve', 'start the server: apply the definitions, serve HTTP, run the scheduled pipelines', async () => (await import('./commands/serve.js')).serve),
  entry('plan', 'show what apply would change, writing nothing', async () => (await import('./commands/apply.js')).plan),
  entry('apply', 'apply the definitions in a folder (a change set: what it leaves out is untouched)', async () => (await import('./commands/apply.js')).apply),
  entry('list', 'list the entities, sources, feature views or feature services', async () => (await import('./commands/list.js')).list),
  entry('describe', 'one object in detail: definition, versions, fitted state, snapshots, last runs', async () => (await import('./commands/list.js')).describe),
  entry('materialize', 'run materializations (source -> transforms -> Parquet + online store) and wait for them', async () => (await import('./commands/materialize.js')).materialize),
  entry('get-historical-features', 'a point-in-time training dataset from a file of entity rows', async () => (await import('./commands/historical.js')).getHistoricalFeatures),
  entry('datasets', 'saved training datasets: list, show one, export one to a file', async () => (await import('./commands/datasets.js')).datasets),
  entry('keys', 'API keys: create one (its token is shown once), list them, revoke one', async () => (await import('./commands/keys.js')).keys),
  entry('audit', 'the audit log, newest first: applies, deletes, key changes, runs, pushes, refused requests', async () => (await import('./commands/audit.js')).audit),
  entry('sample-data', 'write the sample data the example definitions read, ending now', async () => (await import('./commands/init.js')).sampleData),
];
