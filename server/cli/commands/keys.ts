import type { KeyInfo } from '../../auth/key-service.js';
import { parseDuration } from '../../domain/duration.js';
import { parseTimestamp } from '../../domain/time.js';
import { openAuthTarget } from '../auth-target.js';
import { defineCommand, optionValue, UsageError } from '../command.js';
import { EXIT } from '../io.js';
import { jsonOption, targetOptions } from '../options.js';
import { printTable } from '../table.js';

/** `--expires`: a duration from now (`30d`, `12h`) or a point in time (RFC 3339 or epoch ms). */
export function parseExpiry(text: string, now: number): number | null {
  if (/^(?:\d+[smhdw])+$/.test(text.trim())) {
    const seconds = parseDuration(text);
    return seconds === null || seconds === 0 ? null : now + seconds * 1000;
  }
  return parseTimestamp(text);
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** `tessera keys create|list|revoke`: API keys, on the data dir (the first key) or a server (`--url`, admin key). */
export const keys = defineCommand({
  name: 'keys',
  summary: 'API keys: create one (its token is shown once), list them, revoke one',
  usage: 'create --name <name> --role <role> [--role <role>...] [--expires <when>] | list | revoke <id> [options]',
  description:
    'Creating the first key turns authentication on. Make it on the data dir (--data-dir, no credentials needed: whoever can write the data dir owns the registry); after that, manage keys over --url with an admin key (--api-key or TESSERA_API_KEY). Only a salted hash is stored: the token is printed once, on stdout. A revoked key is refused at once by the process that revoked it, and by other processes within TESSERA_KEY_CACHE_MS.',
  args: { min: 1, max: 2 },
  options: {
    name: { type: 'string', value: '<name>', description: 'for create: what the key is for (shown in lists and the audit log)' },
    role: { type: 'string', value: '<role>', multiple: true, description: 'for create: a role the key holds (repeat for more); `admin` may do everything' },
    expires: { type: 'string', value: '<when>', description: 'for create: a duration from now (30d, 12h) or a time (RFC 3339 or epoch ms); default never' },
    ...targetOptions,
    ...jsonOption,
  },
  examples: [
    'tessera keys create --name bootstrap --role admin --data-dir .data',
    'tessera keys create --name ranking-service --role reader --expires 90d --url http://127.0.0.1:6567 --api-key $ADMIN_KEY',
    'tessera keys list --url http://127.0.0.1:6567',
    'tessera keys revoke 3f9a0c1b2d4e --url http://127.0.0.1:6567',
  ],
  async run({ values, positionals }, io) {
    const [action, id] = positionals;
    if (!['create', 'list', 'revoke'].includes(action)) throw new UsageError(`unknown action '${action}': create, list or revoke <id>`);
    if (action !== 'revoke' && id !== undefined) throw new UsageError(`unexpected argument '${id}': tessera keys ${action}`);
    if (action === 'revoke' && id === undefined) throw new UsageError('missing argument: tessera keys revoke <id>');
    const forCreate = ['name', 'role', 'expires'] as const;
    if (action !== 'create') {
      const stray = forCreate.find((o) => values[o] !== undefined);
      if (stray) throw new UsageError(`option '--${stray}' is for 'tessera keys create'`);
    }
    let input: { name: string; roles: string[]; expiresAt: number | null } | undefined;
    if (action === 'create') {
      if (!values.name) throw new UsageError("missing option '--name <name>'");
      if (!values.role || values.role.length === 0) throw new UsageError("missing option '--role <role>'");
      if (values.role.some((r) => r.trim() === '')) throw new UsageError("option '--role': a role cannot be empty");
      const now = Date.now();
      const expiresAt = optionValue('expires', values.expires, (t) => parseExpiry(t, now), 'a duration (30d, 12h) or a time (RFC 3339 or epoch ms)') ?? null;
      if (expiresAt !== null && expiresAt <= now) throw new UsageError(`option '--expires': '${values.expires}' is in the past: the key would have expired already`);
      input = { name: values.name, roles: [...new Set(values.role)], expiresAt };
    }
    const target = await openAuthTarget({ url: values.url, dataDir: values['data-dir'], access: input ? 'write' : 'read' }, io.env);
    try {
      if (input) {
        const created = await target.createKey(input);
        if (values.json) io.stdout(`${JSON.stringify(created, null, 2)}\n`);
        else {
          io.stdout(`${created.token}\n`);
          io.stderr(`created key ${created.key.id} '${created.key.name}' (roles ${created.key.roles.join(', ')}; expires ${iso(created.key.expiresAt)}): the token above is shown once, keep it\n`);
        }
        return EXIT.ok;
      }
      if (action === 'revoke') {
        await target.revokeKey(id);
        io.stdout(`revoked key ${id}\n`);
        return EXIT.ok;
      }
      const list = await target.listKeys();
      if (values.json) io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      else printTable(io, ['ID', 'NAME', 'ROLES', 'CREATED', 'EXPIRES', 'REVOKED', 'BY'], list.map(keyRow));
      return EXIT.ok;
    } finally {
      await target.close();
    }
  },
});

function keyRow(k: KeyInfo): string[] {
  return [k.id, k.name, k.roles.join(','), iso(k.createdAt), iso(k.expiresAt), iso(k.revokedAt), k.createdBy];
}
