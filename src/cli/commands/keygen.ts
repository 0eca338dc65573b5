/**
 * `session-seal keygen`: a new random key, written where nobody else can read it.
 *
 * The key text goes to a file created with mode 0600 (O_EXCL: an existing file is never replaced
 * without --force), or to stdout only when --stdout asks for it. `--add-to` adds a new key to an
 * existing keyring file as decrypt-only (never primary on arrival: SPEC §11).
 */
import { exportKeyText, generateKey } from '../../index.node.js';
import { loadKeyring, writeKeyFile } from '../../node.js';
import { type CommandSpec, type Ctx, flag, resolvePath, stringOpt } from '../command.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { escapeText } from '../output.js';
import { addKey, applyChange } from './keys.js';

function isExists(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'EEXIST';
}

function writeNewKey(ctx: Ctx, shown: string): { kid: string; file: string } {
  const key = generateKey();
  const file = resolvePath(ctx, shown);
  try {
    writeKeyFile(file, exportKeyText(key), { overwrite: flag(ctx, 'force') });
  } catch (err) {
    if (!isExists(err)) throw err;
    throw new CliError(
      'ERR_FILE_EXISTS',
      EXIT.FILE,
      `${shown} already exists`,
      'choose another path, or pass --force to replace it (the key in it is lost unless stored elsewhere)',
    );
  }
  return { kid: key.kid, file };
}

export const keygen: CommandSpec = {
  name: 'keygen',
  summary: 'create a key file (0600), or add a new key to a keyring file',
  usage: 'keygen (--out <file> [--force] | --stdout | --add-to <file>) [options]',
  description: [
    'Generate a new random master key (32 bytes from the CSPRNG, random 8-byte kid) and write its',
    'text form (ssk1_…) to a new file created with mode 0600, or to stdout when --stdout asks for',
    'it (the report then goes to stderr). --add-to instead adds the key to an existing key or',
    'keyring file as decrypt-only and rewrites the file atomically; promote it with keys promote',
    'once every instance has the new keyring.',
  ],
  options: {
    out: { type: 'string', arg: '<file>', help: 'write the new key to this new file (mode 0600)' },
    force: { type: 'boolean', help: 'with --out: replace an existing file' },
    stdout: { type: 'boolean', help: 'print the new key text to stdout' },
    'add-to': { type: 'string', arg: '<file>', help: 'add a new decrypt-only key to this keyring file' },
  },
  keys: 'never',
  keyNote: 'Reads key material only with --add-to, from that file; never from arguments.',
  examples: ['session-seal keygen --out keyring.key', 'session-seal keygen --add-to keyring.key'],
  run: async (ctx) => {
    const out = stringOpt(ctx, 'out');
    const addTo = stringOpt(ctx, 'add-to');
    const toStdout = flag(ctx, 'stdout');
    const modes = [out !== undefined, addTo !== undefined, toStdout].filter(Boolean).length;
    if (modes !== 1) {
      throw usageError(
        'keygen needs exactly one of --out <file>, --stdout or --add-to <file>',
        'see: session-seal keygen --help',
      );
    }
    if (flag(ctx, 'force') && out === undefined) throw usageError('--force applies to --out only');
    if (addTo !== undefined) {
      const file = resolvePath(ctx, addTo);
      const current = loadKeyring({ file });
      return applyChange(ctx, { file, shownFile: addTo }, current, addKey);
    }
    if (out !== undefined) {
      const { kid, file } = writeNewKey(ctx, out);
      return {
        exit: EXIT.OK,
        report: { command: 'keygen', kid, keyFile: file, mode: '0600' },
        text: [`wrote new key ${kid} to ${escapeText(out)} (mode 0600)`],
      };
    }
    const key = generateKey();
    ctx.io.stdout.write(`${exportKeyText(key)}\n`);
    return {
      exit: EXIT.OK,
      report: { command: 'keygen', kid: key.kid, output: 'stdout' },
      text: [`new key ${key.kid} written to stdout`],
      stream: 'stderr',
    };
  },
};
