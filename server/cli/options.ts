import { baseUrlProblem } from '../client/http-client.js';
import type { OptionTable } from './command.js';

/** A value check: `--data-dir ''` is a mistake in the call, not a configuration error. */
export function nonEmpty(what: string): (text: string) => string | null {
  return (text) => (text === '' ? `${what} cannot be empty` : null);
}

/** Where a command acts: a data directory, or a running server (not both: one would be ignored). */
export const targetOptions = {
  'data-dir': {
    type: 'string',
    value: '<dir>',
    description: 'the data directory to act on (default .data, env TESSERA_DATA_DIR)',
    check: nonEmpty('a data directory'),
  },
  url: {
    type: 'string',
    value: '<url>',
    description: 'a running server to act on instead, e.g. http://127.0.0.1:6567',
    check: (text: string) => {
      const problem = baseUrlProblem(text);
      return problem === null ? null : `${problem} (expected http://host:port)`;
    },
    excludes: ['data-dir'],
  },
} as const satisfies OptionTable;

export const jsonOption = {
  json: { type: 'boolean', description: 'print JSON, for scripts' },
} as const satisfies OptionTable;
