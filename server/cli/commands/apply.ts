import { loadDefinitions } from '../../definitions/load-definitions.js';
import { type CommandSpec, defineCommand } from '../command.js';
import { formatPlan } from '../format-plan.js';
import { EXIT } from '../io.js';
import { jsonOption, targetOptions } from '../options.js';
import { openTarget } from '../target.js';

const options = { ...targetOptions, ...jsonOption } as const;

/** `tessera plan [dir]` and `tessera apply [dir]`: the same work, with or without writing. */
function applyCommand(dryRun: boolean): CommandSpec<typeof options> {
  const name = dryRun ? 'plan' : 'apply';
  return defineCommand({
    name,
    summary: dryRun ? 'show what apply would change, writing nothing' : 'apply the definitions in a folder (a change set: what it leaves out is untouched)',
    usage: '[<dir>] [options]',
    description: `Reads every .yaml, .yml and .json file in <dir> (default feature-definitions, env TESSERA_DEFINITIONS) as one bundle and ${
      dryRun ? 'prints the changes apply would make' : 'applies it'
    }: + created, ~ updated in place, ^ new version, = unchanged.`,
    args: { min: 0, max: 1 },
    options,
    examples: [`tessera ${name}`, `tessera ${name} my-repo/definitions --data-dir my-repo/.data`, `tessera ${name} --url http://127.0.0.1:6567`],
    async run({ values, positionals }, io) {
      const dir = positionals[0] ?? (io.env.TESSERA_DEFINITIONS || 'feature-definitions');
      const loaded = loadDefinitions(dir);
      // Applied locally, the folder applied is the definitions folder its relative paths (and the file roots) mean.
      const target = await openTarget({ url: values.url, dataDir: values['data-dir'], definitions: dir, access: dryRun ? 'plan' : 'write' }, io.env);
      try {
        if (target.planningNew) io.stderr(`no registry in '${target.planningNew}' yet: planned against an empty one (nothing created)\n`);
        const result = await target.apply(loaded.bundle, dryRun, loaded.origin);
        io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatPlan(result));
        return EXIT.ok;
      } finally {
        await target.close();
      }
    },
  });
}

export const plan = applyCommand(true);
export const apply = applyCommand(false);
