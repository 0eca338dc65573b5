/**
 * `session-seal` entry point: `main(argv, io)` parses, dispatches and prints, and returns the exit
 * code. It never calls process.exit and reaches the process only through `io` (the working
 * directory defaults to process.cwd()), so it runs in-process in tests; src/cli/bin.ts passes the
 * real process.
 */
import { resolve } from 'node:path';
import process from 'node:process';
import { DEFAULT_KEYRING_ENV } from '../node.js';
import { GLOBAL_OPTIONS, parseEnvName, parseOptions, refuseKeyArguments, splitCommand } from './args.js';
import type { CommandResult, CommandSpec, Ctx, OptionValues } from './command.js';
import { inspect } from './commands/inspect.js';
import { keygen } from './commands/keygen.js';
import { KEYS_COMMANDS, KEYS_SUMMARY } from './commands/keys.js';
import { rotate } from './commands/rotate.js';
import { seal } from './commands/seal.js';
import { unseal } from './commands/unseal.js';
import { verify } from './commands/verify.js';
import { toFailure, usageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import type { CliIo, OutStream } from './io.js';
import { escapeText, safeJson, showId } from './output.js';
import { packageVersion } from './version.js';

export { EXIT } from './exit-codes.js';
export type { CliIo, OutStream } from './io.js';

const COMMANDS: readonly CommandSpec[] = [keygen, seal, unseal, rotate, inspect, verify];
const GROUPS: ReadonlyMap<string, { summary: string; members: readonly CommandSpec[] }> = new Map([
  ['keys', { summary: KEYS_SUMMARY, members: KEYS_COMMANDS }],
]);

/** The command list of the main help, in workflow order. */
const LISTING = [
  { name: 'keygen', summary: keygen.summary },
  { name: 'keys', summary: 'list, add, promote, disable, enable or remove keys of a keyring' },
  ...COMMANDS.filter((c) => c !== keygen).map((c) => ({ name: c.name, summary: c.summary })),
];

/** What the words select: a command, a group's help, or the main help. */
type Target = { kind: 'command'; spec: CommandSpec } | { kind: 'group'; name: string } | { kind: 'main' };

function resolveTarget(words: readonly string[]): Target {
  const [first, second] = words;
  if (first === undefined) return { kind: 'main' };
  const group = GROUPS.get(first);
  if (group !== undefined) {
    if (second === undefined) return { kind: 'group', name: first };
    const spec = group.members.find((m) => m.name === `${first} ${second}`);
    if (spec === undefined) {
      throw usageError(
        `unknown ${first} command ${showId(second, 32)}`,
        `session-seal ${first} --help lists them`,
      );
    }
    return { kind: 'command', spec };
  }
  const spec = COMMANDS.find((c) => c.name === first);
  if (spec === undefined)
    throw usageError(`unknown command ${showId(first, 32)}`, 'session-seal --help lists the commands');
  return { kind: 'command', spec };
}

function helpText(target: Target): string {
  if (target.kind === 'main') return mainHelp(LISTING);
  if (target.kind === 'command') return commandHelp(target.spec);
  const group = GROUPS.get(target.name);
  return group === undefined ? mainHelp(LISTING) : groupHelp(target.name, group.summary, group.members);
}

function print(stream: OutStream, json: boolean, result: CommandResult): void {
  stream.write(json ? `${safeJson(result.report)}\n` : `${result.text.join('\n')}\n`);
}

function checkPositionals(spec: CommandSpec, positionals: readonly string[]): void {
  const names = spec.positionals ?? [];
  if (positionals.length < names.length) {
    throw usageError(`${spec.name} needs ${names.join(' ')}`, `see: session-seal ${spec.name} --help`);
  }
  if (positionals.length > names.length) {
    // Not echoed: a stray argument may be something pasted by mistake.
    throw usageError(
      `unexpected argument (${spec.name} takes ${names.length === 0 ? 'none' : names.join(' ')})`,
      `see: session-seal ${spec.name} --help`,
    );
  }
}

function makeCtx(io: CliIo, spec: CommandSpec, opts: OptionValues, args: readonly string[]): Ctx {
  const cwd = io.cwd ?? process.cwd();
  const keyFile = opts['key-file'];
  const keyEnv = opts['key-env'];
  return {
    io,
    command: spec.name,
    json: opts.json === true,
    cwd,
    now: io.now ?? Date.now,
    keyFile: typeof keyFile === 'string' ? resolve(cwd, keyFile) : undefined,
    keyEnv: typeof keyEnv === 'string' ? parseEnvName(keyEnv) : DEFAULT_KEYRING_ENV,
    opts,
    args,
  };
}

async function dispatch(
  argv: readonly string[],
  io: CliIo,
  state: { command: string; envVar: string },
): Promise<number> {
  refuseKeyArguments(argv);
  const { words, rest } = splitCommand(argv, new Set(GROUPS.keys()));
  if (words[0] === 'help') {
    const { positionals } = parseOptions(rest, GLOBAL_OPTIONS, 'session-seal');
    io.stdout.write(helpText(resolveTarget(positionals.slice(0, 2))));
    return EXIT.OK;
  }
  const target = resolveTarget(words);
  if (target.kind !== 'command') {
    const { opts } = parseOptions(rest, GLOBAL_OPTIONS, 'session-seal');
    if (opts.version === true && target.kind === 'main') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT.OK;
    }
    if (opts.help === true) {
      io.stdout.write(helpText(target));
      return EXIT.OK;
    }
    if (target.kind === 'group') {
      throw usageError(`${target.name} needs a command`, `session-seal ${target.name} --help lists them`);
    }
    throw usageError('no command given', 'session-seal --help lists the commands');
  }
  const { spec } = target;
  state.command = spec.name;
  const { opts, positionals } = parseOptions(
    rest,
    { ...spec.options, ...GLOBAL_OPTIONS },
    `session-seal ${spec.name}`,
  );
  if (opts.help === true) {
    io.stdout.write(helpText(target));
    return EXIT.OK;
  }
  if (opts.version === true) {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.OK;
  }
  checkPositionals(spec, positionals);
  const ctx = makeCtx(io, spec, opts, positionals);
  state.envVar = ctx.keyEnv;
  const result = await spec.run(ctx);
  print(result.stream === 'stderr' ? io.stderr : io.stdout, ctx.json, result);
  return result.exit;
}

/**
 * Run the CLI with `argv` (without the node and script paths) and return the exit code.
 * Errors are printed to `io.stderr` as `session-seal: error: <what>` and `hint: <fix>`, or as one
 * JSON object with `--json`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const state = { command: '', envVar: DEFAULT_KEYRING_ENV };
  try {
    return await dispatch(argv, io, state);
  } catch (err) {
    const failure = toFailure(err, state);
    const json = argv.includes('--json');
    const name = io.argv0 ?? 'session-seal';
    if (json) {
      const { exit: _exit, ...error } = failure;
      io.stderr.write(`${safeJson({ error })}\n`);
    } else {
      const hint = failure.hint === undefined ? '' : `hint: ${escapeText(failure.hint)}\n`;
      io.stderr.write(`${escapeText(name)}: error: ${escapeText(failure.message)}\n${hint}`);
    }
    return failure.exit;
  }
}
