import { openAuthTarget } from '../auth-target.js';
import { defineCommand, optionValue } from '../command.js';
import { EXIT } from '../io.js';
import { jsonOption, targetOptions } from '../options.js';
import { printTable } from '../table.js';

/** `tessera audit`: the audit log, newest first (admin only over --url). */
export const audit = defineCommand({
  name: 'audit',
  summary: 'the audit log, newest first: applies, deletes, key changes, runs, pushes, refused requests',
  usage: '[--limit <n>] [--actor <actor>] [options]',
  description:
    "Each entry: when, who (key:<id> (<name>), oidc:<subject>, anonymous, unauthenticated, or 'cli (local)' for a change made on the data dir), what, on what, the outcome and the HTTP status (0 for a local change). Over --url this needs an admin key.",
  args: { min: 0, max: 0 },
  options: {
    limit: { type: 'string', value: '<n>', description: 'how many entries, 1 to 1000 (default 100)' },
    actor: { type: 'string', value: '<actor>', description: "only this actor's entries, as the ACTOR column shows it" },
    ...targetOptions,
    ...jsonOption,
  },
  examples: ['tessera audit --limit 20 --url http://127.0.0.1:6567 --api-key $ADMIN_KEY', 'tessera audit --data-dir .data'],
  async run({ values }, io) {
    const limit = optionValue('limit', values.limit, (t) => (/^\d{1,4}$/.test(t) && Number(t) >= 1 && Number(t) <= 1000 ? Number(t) : null), 'a whole number from 1 to 1000') ?? 100;
    const target = await openAuthTarget({ url: values.url, dataDir: values['data-dir'], access: 'read' }, io.env);
    try {
      const entries = await target.audit({ limit, actor: values.actor });
      if (values.json) io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
      else
        printTable(
          io,
          ['ID', 'AT', 'ACTOR', 'ACTION', 'RESOURCE', 'OUTCOME', 'STATUS', 'DETAIL'],
          entries.map((e) => [String(e.id), new Date(e.at).toISOString(), e.actor, e.action, e.resource, e.outcome, String(e.status), e.detail ?? '']),
        );
      return EXIT.ok;
    } finally {
      await target.close();
    }
  },
});
