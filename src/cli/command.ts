/**
 * What a command is (a spec the parser, the help text and the dispatcher all read, so they cannot
 * disagree) and what it gets to run (`Ctx`) and returns (`CommandResult`). Commands never print
 * directly except for their data (key text, unsealed sessions); main prints the report.
 */
import { resolve } from 'node:path';
import type { Keyring } from '../index.node.js';
import { loadKeyring } from '../node.js';
import { usageError } from './errors.js';
import type { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder in help, e.g. `<file>`. */
  readonly arg?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** How a command uses key material; decides which global options its help lists. */
export type KeyUse = 'never' | 'reads' | 'rewrites';

export interface CommandSpec {
  /** `seal`, or `keys promote` for a group member. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Synopsis after `session-seal `. */
  readonly usage: string;
  readonly description: readonly string[];
  readonly options: OptionSpecs;
  /** Names of required positional arguments, e.g. `['KID']`. */
  readonly positionals?: readonly string[];
  readonly keys: KeyUse;
  /** Replaces the help's default sentence about key material. */
  readonly keyNote?: string;
  /** Shell lines shown under "Example:". */
  readonly examples: readonly string[];
  readonly run: (ctx: Ctx) => Promise<CommandResult>;
}

/** What a command reports; main prints `text` or `report` (with --json) to `stream`. */
export interface CommandResult {
  readonly exit: ExitCode;
  readonly report: Readonly<Record<string, unknown>>;
  readonly text: readonly string[];
  /** Default stdout. `unseal` reports on stderr because stdout may carry the sessions. */
  readonly stream?: 'stdout' | 'stderr';
}

export type OptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface Ctx {
  readonly io: CliIo;
  readonly command: string;
  readonly json: boolean;
  readonly cwd: string;
  readonly now: () => number;
  /** `--key-file`, resolved against cwd. */
  readonly keyFile: string | undefined;
  /** `--key-env`, default SESSION_SEAL_KEYRING. */
  readonly keyEnv: string;
  readonly opts: OptionValues;
  readonly args: readonly string[];
}

/** The keyring from `--key-file`, else from the environment variable. Never from argv. */
export function loadKeys(ctx: Ctx): Keyring {
  return loadKeyring({ file: ctx.keyFile, env: ctx.io.env, envVar: ctx.keyEnv });
}

/** A path from the command line, absolute against the CLI's working directory. */
export function resolvePath(ctx: Ctx, path: string): string {
  return resolve(ctx.cwd, path);
}

export function stringOpt(ctx: Ctx, name: string): string | undefined {
  const v = ctx.opts[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(ctx: Ctx, name: string): boolean {
  return ctx.opts[name] === true;
}

/** A required string option; missing is a usage error naming the option. */
export function needString(ctx: Ctx, name: string, arg = '<file>'): string {
  const v = stringOpt(ctx, name);
  if (v === undefined)
    throw usageError(`${ctx.command} needs --${name} ${arg}`, `see: session-seal ${ctx.command} --help`);
  return v;
}
