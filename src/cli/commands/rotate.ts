/**
 * `session-seal rotate`: re-seal a bundle file in place under the primary key (SPEC §11.4) and
 * replace it atomically (the store: 0600 temp file, fsync, rename, directory fsync).
 *
 * The library refuses a bundle whose entry list fails its MAC unless --force (re-computing the MAC
 * would launder a truncation). Entries this keyring cannot open are kept as they are and reported;
 * the exit code is then 1, so a script does not go on to remove the old key.
 *
 * The file is parsed here (not inside rotateSealedFile) so the entry count is known before the
 * long, synchronous rotation starts and a progress bar can be on screen while it runs.
 */
import {
  BundleMalformedError,
  type RotateBundleOptions,
  type RotateBundleResult,
  rotateBundle,
  serializeBundle,
} from '../../index.node.js';
import { openStore } from '../../node.js';
import { type CommandSpec, flag, loadKeys, needString, resolvePath } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { decodeJson } from '../input.js';
import { escapeText, plural, showId, table } from '../output.js';
import { createProgress } from '../progress.js';

/** The library's own error for a file that is not a bundle. */
function parseDocument(bytes: Uint8Array): unknown {
  const decoded = decodeJson(bytes);
  if (!decoded.ok) throw new BundleMalformedError(`bundle is not valid ${decoded.reason}`);
  return decoded.value;
}

function entryCount(doc: unknown): number {
  const entries = (doc as { entries?: unknown } | null)?.entries;
  return Array.isArray(entries) ? entries.length : 0;
}

function kidCounts(byKid: Readonly<Record<string, number>>): string {
  const parts = Object.entries(byKid).map(([kid, n]) => `${kid} ${n}`);
  return parts.length === 0 ? '(none)' : parts.join(', ');
}

function kidsAfter(result: RotateBundleResult, primary: string): Record<string, number> {
  const after: Record<string, number> = {};
  const sealed = result.summary.rotated + result.summary.current;
  if (sealed > 0) after[primary] = sealed;
  for (const e of result.entries) {
    if (e.status === 'kept' && e.kid !== undefined) after[e.kid] = (after[e.kid] ?? 0) + 1;
  }
  return after;
}

export const rotate: CommandSpec = {
  name: 'rotate',
  summary: 're-seal a bundle file in place under the primary key',
  usage: 'rotate --file <file> [--force] [options]',
  description: [
    'Re-seal every entry of a bundle file under the keyring primary and replace the file',
    'atomically. Entries already under the primary stay as they are. Entries this keyring cannot',
    'open are kept unchanged and listed (exit 1); entries that do not parse at all are dropped and',
    'listed (exit 1). Counts per kid are shown before and after.',
    '',
    'A bundle whose entry list fails its integrity check is refused; --force rotates it anyway',
    'and seals the current list under a new MAC (check it with verify first).',
    '',
    'On a terminal, a progress bar is drawn on stderr for files of 1000 entries or more.',
  ],
  options: {
    file: { type: 'string', arg: '<file>', help: 'bundle file to rotate in place' },
    force: { type: 'boolean', help: 'rotate even if the bundle integrity check fails' },
  },
  keys: 'reads',
  examples: ['session-seal rotate --key-file keyring.key --file sessions.sealed'],
  run: async (ctx) => {
    const shown = needString(ctx, 'file');
    const keyring = loadKeys(ctx);
    const store = await openStore(resolvePath(ctx, shown));
    const doc = parseDocument(await store.read());
    const bar = createProgress(ctx.io.stderr, 'rotating', entryCount(doc));
    const options: RotateBundleOptions = {
      force: flag(ctx, 'force'),
      onProgress: (done) => bar.update(done),
    };
    let result: RotateBundleResult;
    try {
      result = rotateBundle(doc, keyring, options);
    } catch (err) {
      bar.abort();
      throw err;
    }
    bar.finish();
    await store.write(serializeBundle(result.bundle));

    const { summary } = result;
    const primary = keyring.primaryKid;
    const byKidAfter = kidsAfter(result, primary);
    const problems = result.entries.filter((e) => e.status === 'kept' || e.status === 'dropped');
    const text = [
      `rotated ${escapeText(shown)} under primary key ${primary}: ${plural(summary.total, 'entry', 'entries')} ` +
        `(${summary.rotated} re-sealed, ${summary.current} already current, ${summary.kept} kept, ${summary.dropped} dropped)`,
      ...table(
        [
          ['before', kidCounts(summary.byKidBefore)],
          ['after', kidCounts(byKidAfter)],
        ],
        '  ',
      ),
    ];
    if (!result.integrity.ok) {
      text.push('warning: the integrity check failed; --force re-sealed the entry list as it was');
    }
    if (problems.length > 0) {
      text.push(
        `not rotated ${problems.length}:`,
        ...table(
          problems.map((e) => [`#${e.index}`, showId(e.sessionId), e.kid ?? '-', e.status, e.code ?? '-']),
          '  ',
        ),
      );
    }
    return {
      exit: problems.length > 0 ? EXIT.DATA : EXIT.OK,
      report: {
        command: 'rotate',
        file: store.path,
        primary,
        integrity: result.integrity,
        ...summary,
        byKidAfter,
        problems: problems.map((e) => ({
          index: e.index,
          status: e.status,
          ...(e.sessionId === undefined ? {} : { sessionId: e.sessionId }),
          ...(e.kid === undefined ? {} : { kid: e.kid }),
          ...(e.code === undefined ? {} : { code: e.code }),
        })),
      },
      text,
    };
  },
};
