import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';

/** One option of a command: its parseArgs type, the placeholder of its value in help, one line of help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** How help shows the value: `<n>`, `<file>`. */
  value?: string;
  short?: string;
  /** May be given more than once (`--role a --role b`): the values arrive as an array. */
  multiple?: boolean;
  description: string;
  /** What is wrong with a value (`'x' is not a URL`), or null: a bad one is a usage error naming the option. */
  check?: (text: string) => string | null;
  /** Options it cannot be given with (`--url` and `--data-dir`): both given is a usage error. */
  excludes?: readonly string[];
}

export type OptionTable = Record<string, OptionSpec>;

export type OptionValues<O extends OptionTable> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string };

/**
 * A CLI command, declared as data: its options table drives parsing, `--help` and usage errors, so a
 * new option is one line in the table. `run` gets the parsed values and returns the exit code.
 */
export interface CommandSpec<O extends OptionTable = OptionTable> {
  name: string;
  /** One line, for `tessera --help`. */
  summary: string;
  /** What follows `tessera <name>` in the usage line: `[<view>...] [options]`. */
  usage: string;
  /** A paragraph or two for `tessera <name> --help`. */
  description?: string;
  /** How many positional arguments it takes. */
  args: { min: number; max: number };
  options: O;
  examples: string[];
  run(input: { values: OptionValues<O>; positionals: string[] }, io: CliIo): Promise<number>;
}

/** Declares a command with its option types inferred from the table. */
export function defineCommand<O extends OptionTable>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** A mistake in how a command was called: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` or `-h` among the arguments (before a `--`). */
export function wantsHelp(args: string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** Parses a command's arguments against its table; every mistake becomes a one-line UsageError. */
export function parseCommandArgs<O extends OptionTable>(spec: CommandSpec<O>, args: string[]): { values: OptionValues<O>; positionals: string[] } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    const options = Object.fromEntries(Object.entries(spec.options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]));
    parsed = parseArgs({ args: negativeValuesInline(spec.options, args), options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(parseArgsMessage(e as Error & { code?: string }));
  }
  const n = parsed.positionals.length;
  if (n < spec.args.min)
    throw new UsageError(spec.args.min === 1 && spec.args.max === 1 ? `missing argument: tessera ${spec.name} ${spec.usage}` : `missing arguments: tessera ${spec.name} ${spec.usage}`);
  if (n > spec.args.max) {
    const extra = parsed.positionals.slice(spec.args.max).map((p) => `'${p}'`);
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')}: tessera ${spec.name} ${spec.usage}`);
  }
  checkValues(spec.options, parsed.values);
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

/** The table's own rules on values: options that exclude each other, and each value's check. */
function checkValues(table: OptionTable, values: Record<string, unknown>): void {
  for (const [name, option] of Object.entries(table)) {
    const given = values[name];
    if (given === undefined) continue;
    const clash = option.excludes?.find((other) => values[other] !== undefined);
    if (clash) throw new UsageError(`give '--${name}' or '--${clash}', not both`);
    for (const text of [given].flat()) {
      const problem = typeof text === 'string' ? (option.check?.(text) ?? null) : null;
      if (problem !== null) throw new UsageError(`option '--${name}': ${problem}`);
    }
  }
}

/**
 * parseArgs takes the `-5` of `--limit -5` for an option (and says `--limit` needs a value): a dash
 * followed by a digit after an option that takes a value is that value, passed on as `--limit=-5` for
 * the command to check like any other.
 */
function negativeValuesInline(table: OptionTable, args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return out.concat(args.slice(i));
    const name = arg.startsWith('--') ? arg.slice(2) : Object.keys(table).find((n) => table[n].short !== undefined && arg === `-${table[n].short}`);
    const next = args[i + 1];
    if (name !== undefined && Object.hasOwn(table, name) && table[name].type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** node:util's messages are long and mention its own internals: say the one thing that is wrong. */
function parseArgsMessage(e: Error & { code?: string }): string {
  const text = e.message;
  const unknown = /^Unknown option '([^']+)'/.exec(text);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(text);
  if (missing) return `option '${missing[1]}' needs a value`;
  const noValue = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(text);
  if (noValue) return `option '${noValue[1]}' takes no value`;
  return text.split('\n')[0];
}

/** `tessera <name> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`, o.description]);
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [`tessera ${spec.name}: ${spec.summary}`, '', `usage: tessera ${spec.name} ${spec.usage}`];
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'options:', ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`));
  if (spec.examples.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** Checks a value given to an option; a bad one is a usage error naming the option. */
export function optionValue<T>(name: string, text: string | undefined, parse: (text: string) => T | null, expected: string): T | undefined {
  if (text === undefined) return undefined;
  const value = parse(text);
  if (value === null) throw new UsageError(`option '--${name}': '${text}' is not ${expected}`);
  return value;
}
