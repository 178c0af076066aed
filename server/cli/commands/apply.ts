import { parseArgs } from 'node:util';
import { loadDefinitions } from '../../definitions/load-definitions.js';
import { formatPlan } from '../format-plan.js';
import type { Command } from '../io.js';
import { openTarget } from '../target.js';

const options = {
  'data-dir': { type: 'string' },
  url: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `tessera plan [dir]` and `tessera apply [dir]`: the same work, with or without writing. */
function applyCommand(dryRun: boolean): Command {
  return async (args, io) => {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
    const dir = positionals[0] ?? io.env.TESSERA_DEFINITIONS ?? 'feature-definitions';
    const loaded = loadDefinitions(dir);
    const target = await openTarget({ url: values.url, dataDir: values['data-dir'] }, io.env);
    try {
      const result = await target.apply(loaded.bundle, dryRun, loaded.origin);
      io.stdout(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatPlan(result));
      return 0;
    } finally {
      await target.close();
    }
  };
}

export const plan = applyCommand(true);
export const apply = applyCommand(false);
