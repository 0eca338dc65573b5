/**
 * Help texts, generated from the command specs so that options, usage and help cannot drift.
 * Golden files in test/golden/ pin them.
 */
import { GLOBAL_OPTIONS } from './args.js';
import type { CommandSpec, OptionSpecs } from './command.js';
import { table } from './output.js';

const EXIT_CODES: readonly (readonly [string, string])[] = [
  ['0', 'success'],
  ['1', 'data problem: verify or integrity failed; entries skipped or refused with --strict;'],
  ['', 'rotate kept or dropped entries it could not re-seal'],
  ['2', 'usage error: unknown command or option, missing or bad value, key given as argument'],
  ['3', 'key material problem: missing, malformed, unsafe file permissions, unknown kid'],
  ['4', 'file problem: not found, too large, unsafe (symlink), not JSON, not a bundle, cannot write'],
  ['70', 'internal error (a bug; please report it)'],
];

function optionRows(specs: OptionSpecs): string[][] {
  return Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.arg === undefined ? '' : ` ${spec.arg}`}`;
    return [flag, spec.help];
  });
}

/**
 * The global options a command's help lists. `--version` is on the main help only; commands that
 * never read key material accept but do not list the key options (inspect, keygen).
 */
function globalsFor(cmd: CommandSpec): OptionSpecs {
  const { version: _version, ...rest } = GLOBAL_OPTIONS;
  if (cmd.keys !== 'never') return rest;
  const { 'key-file': _file, 'key-env': _env, ...noKeys } = rest;
  return noKeys;
}

/** `session-seal <command> --help`. */
export function commandHelp(cmd: CommandSpec): string {
  const lines = [`Usage: session-seal ${cmd.usage}`, '', ...cmd.description, ''];
  const own = optionRows(cmd.options);
  const globals = optionRows(globalsFor(cmd));
  const rows = table([...own, ...globals], '  ');
  if (own.length > 0) lines.push('Options:', ...rows.slice(0, own.length), '');
  lines.push('Global options:', ...rows.slice(own.length), '');
  const note =
    cmd.keyNote ??
    (cmd.keys === 'never'
      ? 'Reads no key material.'
      : 'Key material comes from --key-file or the environment variable, never from arguments.');
  lines.push(note, '');
  lines.push(cmd.examples.length > 1 ? 'Examples:' : 'Example:', ...cmd.examples.map((e) => `  $ ${e}`), '');
  return lines.join('\n');
}

/** `session-seal keys --help`: the group's members. */
export function groupHelp(group: string, summary: string, members: readonly CommandSpec[]): string {
  const rows = table(
    members.map((m) => [m.usage.replace(/ \[options\]$/, ''), m.summary]),
    '  ',
  );
  return [
    `Usage: session-seal ${group} <command> [options]`,
    '',
    summary,
    '',
    'Commands:',
    ...rows,
    '',
    `Run 'session-seal ${group} <command> --help' for the options of one command.`,
    '',
  ].join('\n');
}

/** `session-seal --help`. */
export function mainHelp(commands: readonly { readonly name: string; readonly summary: string }[]): string {
  return [
    'session-seal: encrypt n8n-mcp session state at rest',
    '',
    'Usage: session-seal <command> [options]',
    '',
    'Commands:',
    ...table(
      commands.map((c) => [c.name, c.summary]),
      '  ',
    ),
    '',
    'Global options (any command):',
    ...table(optionRows(GLOBAL_OPTIONS), '  '),
    '',
    'Key material is read only from the environment variable (SESSION_SEAL_KEYRING unless',
    '--key-env names another) or from --key-file, never from arguments: other users can read',
    'arguments in the process list. A key file must not be readable by group or others.',
    '',
    'Output: text for people; with --json, one JSON object on the same stream. Errors go to',
    "stderr as 'session-seal: error: <what>', plus 'hint: <fix>' when a fix is known",
    '(with --json: {"error":{"code","message","hint"}}).',
    '',
    'Exit codes:',
    ...table(
      EXIT_CODES.map(([c, t]) => [c, t]),
      '  ',
    ),
    '',
    'Example:',
    '  $ session-seal keygen --out keyring.key',
    '  $ session-seal seal --key-file keyring.key --in sessions.json --out sessions.sealed',
    '',
    "Run 'session-seal <command> --help' for the options and an example of each command.",
    '',
  ].join('\n');
}
