/**
 * `session-seal unseal`: a sealed bundle in, the restorable SessionState[] JSON out, with
 * n8n-mcp's restore rules (SPEC §10.4).
 *
 * stdout carries only the sessions (when no --out is given), so the report goes to stderr. The
 * output file is created 0600: it holds API keys in plaintext. An existing file is replaced only
 * with --force, and never when it is the input (a typo must not overwrite the sealed file).
 */
import { lstat } from 'node:fs/promises';
import { unsealSessions } from '../../index.node.js';
import { writeFileAtomic } from '../../node.js';
import { parseCount, parseMinutes, parseTime, parseUrlPolicy } from '../args.js';
import {
  type CommandSpec,
  type Ctx,
  flag,
  loadKeys,
  needString,
  resolvePath,
  stringOpt,
} from '../command.js';
import { CliError, usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { readInput } from '../input.js';
import { escapeText, plural } from '../output.js';
import { integrityLine, skippedRows, skipReport } from './report.js';

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function checkOut(ctx: Ctx, inPath: string, out: string): Promise<string> {
  const file = resolvePath(ctx, out);
  if (file === resolvePath(ctx, inPath)) {
    throw usageError('--out is the input file: the sealed bundle would be replaced by plaintext');
  }
  if (!flag(ctx, 'force') && (await exists(file))) {
    throw new CliError(
      'ERR_FILE_EXISTS',
      EXIT.FILE,
      `${out} already exists`,
      'choose another path, or pass --force to replace it',
    );
  }
  return file;
}

export const unseal: CommandSpec = {
  name: 'unseal',
  summary: 'unseal a bundle and write the restorable SessionState[] JSON',
  usage: 'unseal --in <file|-> [--out <file>] [options]',
  description: [
    "Unseal a bundle with n8n-mcp's restore rules (first of duplicate sessionIds wins, expired and",
    'invalid sessions skipped, at most --max-sessions) and write the restored SessionState[] JSON',
    'to stdout (a pipe, never a terminal), or to --out (a new file, mode 0600: it holds API keys).',
    '',
    'The report goes to stderr: the count restored, each skipped entry (index, sessionId, code)',
    'and the bundle integrity result. Skips are normal (expired sessions) and exit 0 unless',
    '--strict is given. A failed integrity check (entries removed, added, duplicated or',
    'reordered) still writes what verifies, but exits 1.',
  ],
  options: {
    in: { type: 'string', arg: '<file|->', help: 'sealed bundle to read; - reads stdin' },
    out: { type: 'string', arg: '<file>', help: 'write the sessions to this new file (mode 0600)' },
    force: { type: 'boolean', help: 'with --out: replace an existing file' },
    strict: { type: 'boolean', help: 'write nothing and exit 1 if any entry is skipped or integrity fails' },
    'require-integrity': {
      type: 'boolean',
      help: 'refuse the whole bundle (exit 1) if its entry list fails the MAC',
    },
    now: { type: 'string', arg: '<iso>', help: 'clock for expiry, e.g. 2026-11-23T12:00:00Z (default: now)' },
    'session-timeout': {
      type: 'string',
      arg: '<min>',
      help: 'idle minutes before a session expires (default 30)',
    },
    'max-sessions': { type: 'string', arg: '<n>', help: 'restore at most n sessions (default 100)' },
    'url-policy': { type: 'string', arg: '<policy>', help: 'standard (default) or strict (SPEC §8)' },
  },
  keys: 'reads',
  examples: [
    'SESSION_SEAL_KEYRING="$(cat keyring.key)" session-seal unseal --in sessions.sealed --out restored.json',
  ],
  run: async (ctx) => {
    const inPath = needString(ctx, 'in', '<file|->');
    const out = stringOpt(ctx, 'out');
    if (flag(ctx, 'force') && out === undefined) throw usageError('--force applies to --out only');
    const nowText = stringOpt(ctx, 'now');
    const timeout = stringOpt(ctx, 'session-timeout');
    const max = stringOpt(ctx, 'max-sessions');
    const options = {
      now: nowText === undefined ? ctx.now() : parseTime('now', nowText),
      ...(timeout === undefined ? {} : { sessionTimeoutMs: parseMinutes('session-timeout', timeout) }),
      ...(max === undefined ? {} : { maxSessions: parseCount('max-sessions', max) }),
      ...parseUrlPolicy(stringOpt(ctx, 'url-policy')),
      integrity: flag(ctx, 'require-integrity') ? ('require' as const) : ('report' as const),
    };
    if (out === undefined && ctx.io.stdout.isTTY === true) {
      // The output holds every tenant's API key: not for a terminal's scrollback or a shared screen.
      throw usageError(
        'refusing to print API keys to a terminal',
        'write them to a file with --out <file> (mode 0600), or pipe stdout to the program that restores them',
      );
    }
    const outFile = out === undefined ? undefined : await checkOut(ctx, inPath, out);
    const keyring = loadKeys(ctx);
    const result = unsealSessions(await readInput(ctx, inPath), keyring, options);
    const problem = result.skipped.length > 0 || !result.integrity.ok;
    const refuse = flag(ctx, 'strict') && problem;
    if (!refuse) {
      const json = `${JSON.stringify(result.sessions, null, 2)}\n`;
      if (outFile === undefined) ctx.io.stdout.write(json);
      else await writeFileAtomic(outFile, json, { mode: 0o600 });
    }
    const where = outFile === undefined ? 'stdout' : escapeText(out ?? '');
    const head = refuse
      ? `wrote nothing: --strict is set and ${result.skipped.length > 0 ? `${plural(result.skipped.length, 'entry', 'entries')} would be skipped` : 'integrity failed'}`
      : `restored ${result.sessions.length} of ${plural(result.total, 'session')} -> ${where}`;
    const text = [head, integrityLine(result.integrity)];
    if (result.skipped.length > 0)
      text.push(`skipped ${result.skipped.length}:`, ...skippedRows(result.skipped));
    return {
      // A failed integrity check is loud: what verified is written (the library's default,
      // "restore what verifies"), but the exit code says the entry list was tampered with.
      exit: refuse || !result.integrity.ok ? EXIT.DATA : EXIT.OK,
      report: {
        command: 'unseal',
        written: !refuse,
        output: outFile ?? 'stdout',
        total: result.total,
        restored: refuse ? 0 : result.sessions.length,
        integrity: result.integrity,
        skipped: result.skipped.map(skipReport),
      },
      text,
      stream: 'stderr',
    };
  },
};
