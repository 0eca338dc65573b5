/**
 * `session-seal keys …`: list a keyring and change key statuses, following the rotation order of
 * SPEC §11 (add → deploy → promote → disable → remove).
 *
 * A change rewrites the `--key-file` atomically (0600 temp file, fsync, rename) or, with
 * `--stdout`, prints the new keyring text for a secret store when the keyring lives in an
 * environment variable. Reports show kids and statuses only.
 */
import { exportKeyringText, generateKey, type Keyring, type KeyStatus } from '../../index.node.js';
import { writeKeyFile } from '../../node.js';
import { parseKid } from '../args.js';
import { type CommandResult, type CommandSpec, type Ctx, flag, loadKeys } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { escapeText, table } from '../output.js';

const STDOUT_OPTION = {
  stdout: {
    type: 'boolean',
    help: 'print the new keyring text to stdout instead of rewriting --key-file',
  },
} as const;

const KEY_NOTE =
  'Reads the keyring from --key-file or the environment variable, never from arguments. A change\n' +
  'rewrites --key-file atomically (mode 0600), or is printed with --stdout.';

function keyRows(keyring: Keyring): { kid: string; status: KeyStatus }[] {
  return keyring.entries().map((e) => ({ kid: e.key.kid, status: e.status }));
}

/** `kid status, kid status` on one line, primary first. */
function keyLine(keyring: Keyring): string {
  return keyRows(keyring)
    .map((k) => `${k.kid} ${k.status}`)
    .join(', ');
}

function keyTable(keyring: Keyring): string[] {
  return table([['kid', 'status'], ...keyRows(keyring).map((k) => [k.kid, k.status])], '  ');
}

/** A keyring change: the new keyring, the kid it concerns, and a sentence saying what happened. */
export interface KeyringChange {
  readonly keyring: Keyring;
  readonly kid: string;
  readonly summary: string;
}

/**
 * Load, change, then write back to `file` or print to stdout. Shared with `keygen --add-to`.
 * `shownFile` is the path as the user typed it.
 */
export function applyChange(
  ctx: Ctx,
  target: { readonly file: string; readonly shownFile: string } | 'stdout',
  current: Keyring,
  change: (keyring: Keyring) => KeyringChange,
): CommandResult {
  const next = change(current);
  const text = exportKeyringText(next.keyring);
  let where: string;
  if (target === 'stdout') {
    ctx.io.stdout.write(`${text}\n`);
    where = 'new keyring text written to stdout';
  } else {
    writeKeyFile(target.file, text, { overwrite: true });
    where = `rewrote ${escapeText(target.shownFile)} (mode 0600)`;
  }
  return {
    exit: EXIT.OK,
    report: {
      command: ctx.command,
      kid: next.kid,
      ...(target === 'stdout' ? { output: 'stdout' } : { keyFile: target.file }),
      primary: next.keyring.primaryKid,
      keys: keyRows(next.keyring),
    },
    text: [`${next.summary}; ${where}`, `keys: ${keyLine(next.keyring)}`],
    ...(target === 'stdout' ? { stream: 'stderr' as const } : {}),
  };
}

async function runChange(ctx: Ctx, change: (keyring: Keyring) => KeyringChange): Promise<CommandResult> {
  let target: { file: string; shownFile: string } | 'stdout';
  if (flag(ctx, 'stdout')) target = 'stdout';
  else if (ctx.keyFile !== undefined) target = { file: ctx.keyFile, shownFile: String(ctx.opts['key-file']) };
  else {
    throw usageError(
      `${ctx.command} needs --key-file <path> (rewritten in place) or --stdout (prints the new keyring text)`,
      `an environment variable cannot be rewritten; see: session-seal ${ctx.command} --help`,
    );
  }
  return applyChange(ctx, target, loadKeys(ctx), change);
}

function kidArg(ctx: Ctx): string {
  return parseKid(ctx.args[0] ?? '');
}

const list: CommandSpec = {
  name: 'keys list',
  summary: 'list the keyring: kids and statuses, never key bytes',
  usage: 'keys list [options]',
  description: ['List the keys of the keyring with their status (primary, decrypt-only, disabled).'],
  options: {},
  keys: 'reads',
  examples: ['session-seal keys list --key-file keyring.key'],
  run: async (ctx) => {
    const keyring = loadKeys(ctx);
    return {
      exit: EXIT.OK,
      report: { command: ctx.command, primary: keyring.primaryKid, keys: keyRows(keyring) },
      text: keyTable(keyring),
    };
  },
};

const add: CommandSpec = {
  name: 'keys add',
  summary: 'add a new random key as decrypt-only (same as keygen --add-to)',
  usage: 'keys add [options]',
  description: [
    'Generate a new key and add it to the keyring as decrypt-only: it can unseal but does not seal',
    'yet. Deploy the new keyring everywhere, then promote the key.',
  ],
  options: STDOUT_OPTION,
  keys: 'rewrites',
  keyNote: KEY_NOTE,
  examples: ['session-seal keys add --key-file keyring.key'],
  run: (ctx) => runChange(ctx, addKey),
};

/** Add a fresh decrypt-only key. */
export function addKey(keyring: Keyring): KeyringChange {
  const key = generateKey();
  return { keyring: keyring.add(key), kid: key.kid, summary: `added key ${key.kid} (decrypt-only)` };
}

const promote: CommandSpec = {
  name: 'keys promote',
  summary: 'make KID the primary (sealing) key; the old primary becomes decrypt-only',
  usage: 'keys promote KID [options]',
  description: [
    'Make KID the primary key: new seals and rotations use it. The previous primary becomes',
    'decrypt-only, so files sealed under it still open. Promote only after every instance has the',
    'keyring that contains KID.',
  ],
  options: STDOUT_OPTION,
  positionals: ['KID'],
  keys: 'rewrites',
  keyNote: KEY_NOTE,
  examples: ['session-seal keys promote 9f8e7d6c5b4a3f2e --key-file keyring.key'],
  run: (ctx) =>
    runChange(ctx, (keyring) => {
      const kid = kidArg(ctx);
      const before = keyring.primaryKid;
      const summary =
        before === kid
          ? `key ${kid} is already the primary`
          : `promoted ${kid} to primary; ${before} is now decrypt-only`;
      return { keyring: keyring.promote(kid), kid, summary };
    }),
};

const disable: CommandSpec = {
  name: 'keys disable',
  summary: 'disable KID: known, but unsealing with it fails (ERR_KEY_DISABLED)',
  usage: 'keys disable KID [options]',
  description: [
    'Disable a non-primary key. It stays in the keyring so that entries still sealed under it are',
    "reported as ERR_KEY_DISABLED instead of ERR_KEY_NOT_FOUND. Check with 'session-seal inspect'",
    'that no file uses it, then remove it.',
  ],
  options: STDOUT_OPTION,
  positionals: ['KID'],
  keys: 'rewrites',
  keyNote: KEY_NOTE,
  examples: ['session-seal keys disable 1a2b3c4d5e6f7a8b --key-file keyring.key'],
  run: (ctx) =>
    runChange(ctx, (keyring) => {
      const kid = kidArg(ctx);
      return { keyring: keyring.disable(kid), kid, summary: `disabled key ${kid}` };
    }),
};

const enable: CommandSpec = {
  name: 'keys enable',
  summary: 'mark KID decrypt-only again (undoes disable)',
  usage: 'keys enable KID [options]',
  description: ['Mark a non-primary key decrypt-only: it can unseal again. Undoes keys disable.'],
  options: STDOUT_OPTION,
  positionals: ['KID'],
  keys: 'rewrites',
  keyNote: KEY_NOTE,
  examples: ['session-seal keys enable 1a2b3c4d5e6f7a8b --key-file keyring.key'],
  run: (ctx) =>
    runChange(ctx, (keyring) => {
      const kid = kidArg(ctx);
      return { keyring: keyring.markDecryptOnly(kid), kid, summary: `key ${kid} is decrypt-only` };
    }),
};

const remove: CommandSpec = {
  name: 'keys remove',
  summary: 'remove a disabled key for good',
  usage: 'keys remove KID [options]',
  description: [
    'Remove a key from the keyring. Entries still sealed under it can never be opened again, so',
    'only a disabled key is removed unless --force is given.',
  ],
  options: { force: { type: 'boolean', help: 'also remove a key that is not disabled' }, ...STDOUT_OPTION },
  positionals: ['KID'],
  keys: 'rewrites',
  keyNote: KEY_NOTE,
  examples: ['session-seal keys remove 1a2b3c4d5e6f7a8b --key-file keyring.key'],
  run: (ctx) =>
    runChange(ctx, (keyring) => {
      const kid = kidArg(ctx);
      if (keyring.status(kid) === 'decrypt-only' && !flag(ctx, 'force')) {
        throw new CliError(
          'ERR_KEY_NOT_DISABLED',
          EXIT.KEY,
          `key ${kid} is decrypt-only, not disabled: entries sealed under it would become unreadable`,
          `disable it first (session-seal keys disable ${kid}), check 'session-seal inspect' shows no entry under it, then remove it; or pass --force`,
        );
      }
      return { keyring: keyring.remove(kid), kid, summary: `removed key ${kid}` };
    }),
};

/** The `keys` group, in help order. */
export const KEYS_COMMANDS: readonly CommandSpec[] = [list, add, promote, disable, enable, remove];

export const KEYS_SUMMARY = 'Manage a keyring: list keys, add, promote, disable, enable or remove one.';
