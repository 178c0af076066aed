import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS as TABLE } from '../../server/cli/command-table.js';
import type { CliIo } from '../../server/cli/io.js';
import { main } from '../../server/cli/main.js';
import { tempDir } from '../support/temp-dir.js';

/** Runs `tessera <args>` in this process, collecting what it writes. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { TESSERA_DATA_DIR: tempDir() } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const COMMANDS = ['init', 'serve', 'plan', 'apply', 'list', 'describe', 'materialize', 'get-historical-features', 'datasets', 'sample-data'];

test('every command has --help (and -h): usage, options, examples; exit 0', async () => {
  for (const command of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      const r = await run([command, flag]);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, new RegExp(`^tessera ${command}: .+\\n\\nusage: tessera ${command} `), command);
      assert.match(r.stdout, /\noptions:\n(?: {2}.+\n)+/);
      assert.match(r.stdout, new RegExp(`\\nexamples:\\n {2}tessera ${command}`), command);
    }
  }
  // --help wins over everything else on the line, even mistakes.
  assert.equal((await run(['materialize', 'x', '--nope', '--help'])).code, 0);
  assert.equal((await run(['help', 'describe'])).stdout, (await run(['describe', '--help'])).stdout);
  const top = await run(['--help']);
  assert.equal(top.code, 0);
  for (const command of COMMANDS) assert.match(top.stdout, new RegExp(`^ {2}${command} +\\S`, 'm'));
});

test("the overview's table names each command as its module does, with the same one-line summary", async () => {
  for (const entry of TABLE) {
    const spec = await entry.load();
    assert.equal(spec.name, entry.name);
    assert.equal(spec.summary, entry.summary, entry.name);
  }
  assert.equal(new Set(TABLE.map((e) => e.name)).size, TABLE.length);
});

test('usage mistakes: one line on stderr naming the mistake, exit 2, no stack, nothing on stdout', async () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /^tessera: unknown command 'frobnicate' \(commands: init, serve/],
    [['materialize', '--help-me'], /^tessera materialize: unknown option '--help-me' \(see 'tessera materialize --help'\)\n$/],
    [['materialize', '-x'], /^tessera materialize: unknown option '-x'/],
    [['materialize', 'v', '--start'], /^tessera materialize: option '--start' needs a value/],
    [['materialize', 'v', '--start', '--end', '2026-01-01'], /^tessera materialize: option '--start' needs a value/],
    [['materialize', 'v', '--start', 'soon'], /^tessera materialize: option '--start': 'soon' is not a timestamp/],
    [['materialize', 'v', '--version', '0'], /^tessera materialize: option '--version': '0' is not a version number/],
    [['materialize', 'a', 'b', '--version', '2'], /^tessera materialize: --version names a version of one view/],
    [['list', '--json=yes', 'entities'], /^tessera list: option '--json' takes no value/],
    [['list'], /^tessera list: missing argument: tessera list <kind>/],
    [['list', 'widgets'], /^tessera list: unknown kind 'widgets'/],
    [['list', 'entities', 'extra'], /^tessera list: unexpected argument 'extra'/],
    [['describe', 'entity'], /^tessera describe: missing arguments: tessera describe <kind> <name>/],
    [['plan', 'a', 'b'], /^tessera plan: unexpected argument 'b'/],
    [['get-historical-features', '--features', 'v:a', '--out', 'x.csv'], /^tessera get-historical-features: missing option '--entities <file>'/],
    [['get-historical-features', '--entities', 'e.csv', '--features', 'v:a', '--out', 'x.xlsx'], /^tessera get-historical-features: option '--out': cannot tell the format of 'x\.xlsx'/],
    [['get-historical-features', '--entities', 'e.csv', '--out', 'x.csv'], /^tessera get-historical-features: missing option: give '--features <refs>' or '--feature-service <name>'/],
    [['datasets'], /^tessera datasets: missing argument/],
    [['datasets', 'drop', 'x'], /^tessera datasets: unknown action 'drop'/],
    [['datasets', 'export', 'x'], /^tessera datasets: missing option '--out <file>'/],
    [['serve', '--port', 'abc'], /^tessera serve: option '--port': 'abc' is not valid: expected a whole number from 0 to 65535, in decimal digits/],
    [['serve', '--port', '70000'], /^tessera serve: option '--port': '70000' is not valid/],
    [['serve', '--workers', '0'], /^tessera serve: option '--workers': '0' is not valid/],
    [['serve', 'now'], /^tessera serve: unexpected argument 'now'/],
    [['help', 'nope'], /^tessera: unknown command 'nope'/],
    // A dash and a digit after an option is its value (parseArgs took it for an option: "needs a value"), checked by the command.
    [['audit', '--limit', '-5'], /^tessera audit: option '--limit': '-5' is not a whole number from 1 to 1000/],
    [['serve', '--port', '-1'], /^tessera serve: option '--port': '-1' is not valid/],
    [['serve', '--workers', '-2'], /^tessera serve: option '--workers': '-2' is not valid/],
    [['keys', 'create', '--name', 'k', '--role', 'admin', '--expires', '-30d'], /^tessera keys: option '--expires': '-30d' is not a duration/],
    // Bad values and clashing options that the command or the server used to refuse with exit 1, as if it had run.
    [['list', 'entities', '--url', 'localhost'], /^tessera list: option '--url': 'localhost' is not a URL \(expected http:\/\/host:port\)/],
    [['audit', '--url', 'ftp://host'], /^tessera audit: option '--url': 'ftp:\/\/host' is not an http or https URL/],
    [['list', 'entities', '--url', 'http://127.0.0.1:1', '--data-dir', 'd'], /^tessera list: give '--url' or '--data-dir', not both/],
    [['materialize', '--definitions', 'defs', '--url', 'http://127.0.0.1:1'], /^tessera materialize: give '--definitions' or '--url', not both/],
    [
      ['get-historical-features', '--entities', 'e.csv', '--features', 'v:a', '--feature-service', 's', '--out', 'x.csv'],
      /^tessera get-historical-features: give '--features' or '--feature-service', not both/,
    ],
    [['get-historical-features', '--entities', 'e.csv', '--features', ' , ', '--out', 'x.csv'], /^tessera get-historical-features: option '--features': ' , ' names no feature/],
    [['get-historical-features', '--entities', 'e.xlsx', '--features', 'v:a', '--out', 'x.csv'], /^tessera get-historical-features: option '--entities': cannot tell the format of 'e\.xlsx'/],
    [['materialize', 'v', '--start', '2020-11-02', '--end', '2020-11-01'], /^tessera materialize: option '--start': '2020-11-02' is not before --end '2020-11-01'/],
    [['materialize', 'v', '--start', '2020-11-01', '--end', '2020-11-01'], /^tessera materialize: option '--start': '2020-11-01' is not before --end/],
    [['materialize', 'v', '--start', '2999-01-01'], /^tessera materialize: option '--start': '2999-01-01' is not before now \(.*\), the default --end/],
    [['materialize', 'v', '--end', '2999-01-01'], /^tessera materialize: option '--end': '2999-01-01' is in the future/],
    [['keys', 'create', '--name', 'k', '--role', 'admin', '--expires', '2001-01-01'], /^tessera keys: option '--expires': '2001-01-01' is in the past/],
    [['list', 'entities', '--data-dir', ''], /^tessera list: option '--data-dir': a data directory cannot be empty/],
    [['materialize', '--definitions', ''], /^tessera materialize: option '--definitions': a definitions folder cannot be empty/],
    [['get-historical-features', '--entities', 'e.csv', '--features', 'v:a,nocolon', '--out', 'x.csv'], /^tessera get-historical-features: option '--features': 'nocolon' is not a feature reference/],
    [['get-historical-features', '--entities', 'e.csv', '--features', 'v@x:a', '--out', 'x.csv'], /^tessera get-historical-features: option '--features': 'v@x:a': the version after '@' must be/],
  ];
  for (const [args, expected] of cases) {
    const r = await run(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, expected, args.join(' '));
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${JSON.stringify(r.stderr)}`);
    assert.doesNotMatch(r.stderr, /\n\s+at |Error:|ERR_/);
  }
  // No command at all: the overview, on stderr, as a usage error.
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^usage: tessera <command>/);
});

test('errors that are not mistakes of usage: exit 1 with the message; an unreachable server: exit 3', async () => {
  const missing = await run(['plan', `${tempDir()}/nowhere`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: definitions folder '.*nowhere' does not exist$/m);
  const unreachable = await run(['list', 'entities', '--url', 'http://127.0.0.1:1']);
  assert.equal(unreachable.code, 3);
  assert.match(unreachable.stderr, /^error: cannot reach http:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
});
