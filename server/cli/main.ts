import { commandHelp, parseCommandArgs, UsageError, wantsHelp } from './command.js';
import { COMMANDS } from './command-table.js';
import { type CliIo, EXIT, printError, processIo } from './io.js';

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: tessera <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "'tessera <command> --help' shows a command's options and examples. Exit codes: 0 done, 1 failed, 2 usage error, 3 server unreachable (docs/cli.md).",
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = withoutApiKey(argv);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const entry = name === 'help' && args[0] ? COMMANDS.find((c) => c.name === args[0]) : undefined;
    if (name === 'help' && args[0] && !entry) return usageError(io, `unknown command '${args[0]}'`);
    (name ? io.stdout : io.stderr)(entry ? commandHelp(await entry.load()) : usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) return usageError(io, `unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
  const command = await entry.load();
  if (wantsHelp(args)) {
    io.stdout(commandHelp(command));
    return EXIT.ok;
  }
  try {
    return await command.run(parseCommandArgs(command, args), io);
  } catch (e) {
    if (e instanceof UsageError) return usageError(io, e.message, command.name);
    return printError(io, e);
  }
}

/**
 * The global `--api-key <key>` (any position): every HTTP client of this process sends it, as it
 * does TESSERA_API_KEY. Taken out of the arguments before a command parses them.
 */
function withoutApiKey(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--api-key' && i + 1 < argv.length) process.env.TESSERA_API_KEY = argv[++i];
    else if (argv[i].startsWith('--api-key=')) process.env.TESSERA_API_KEY = argv[i].slice('--api-key='.length);
    else out.push(argv[i]);
  }
  return out;
}

/** One line, exit code 2. */
function usageError(io: CliIo, message: string, command?: string): number {
  io.stderr(`tessera${command ? ` ${command}` : ''}: ${message} (see 'tessera ${command ? `${command} ` : ''}--help')\n`);
  return EXIT.usage;
}
