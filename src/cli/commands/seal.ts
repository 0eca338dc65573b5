/**
 * `session-seal seal`: SessionState[] JSON in, sealed bundle file out (atomic, 0600).
 *
 * Invalid records are refused and reported (index, sessionId, code, first issue) — never silently
 * dropped. With --strict nothing is written when any record is refused.
 */
import { sealSessions, serializeBundle } from '../../index.node.js';
import { openStore } from '../../node.js';
import { parseUrlPolicy } from '../args.js';
import { type CommandSpec, flag, loadKeys, needString, resolvePath, stringOpt } from '../command.js';
import { usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { parseExport, readInput } from '../input.js';
import { describeIssues, escapeText, plural, showId, table } from '../output.js';

export const seal: CommandSpec = {
  name: 'seal',
  summary: 'seal a SessionState[] JSON export into a bundle file',
  usage: 'seal --in <file|-> --out <file> [options]',
  description: [
    "Seal a JSON array of SessionState records (n8n-mcp's exportSessionState()) under the primary",
    'key and write the bundle atomically (mode 0600, fsync, rename). Records that fail validation',
    'are refused and listed with their index, sessionId and reason code; the rest are sealed.',
  ],
  options: {
    in: { type: 'string', arg: '<file|->', help: 'JSON export to seal; - reads stdin' },
    out: { type: 'string', arg: '<file>', help: 'bundle file to write (replaced atomically)' },
    strict: { type: 'boolean', help: 'write nothing and exit 1 if any record is refused' },
    'url-policy': { type: 'string', arg: '<policy>', help: 'standard (default) or strict (SPEC §8)' },
  },
  keys: 'reads',
  examples: ['session-seal seal --key-file keyring.key --in sessions.json --out sessions.sealed'],
  run: async (ctx) => {
    const input = needString(ctx, 'in', '<file|->');
    const out = needString(ctx, 'out');
    const policy = parseUrlPolicy(stringOpt(ctx, 'url-policy'));
    if (input !== '-' && resolvePath(ctx, input) === resolvePath(ctx, out)) {
      // Refused records exist only in the input: replacing it would lose them.
      throw usageError(
        '--out is the input file: records that are refused would be lost',
        'write the bundle to another file',
      );
    }
    const keyring = loadKeys(ctx);
    const states = parseExport(await readInput(ctx, input));
    const { bundle, rejected } = sealSessions(states, keyring, policy);
    const refused = rejected.map((r) => ({
      index: r.index,
      ...(r.sessionId === undefined ? {} : { sessionId: r.sessionId }),
      code: r.code,
      issues: r.issues,
    }));
    const strictFail = flag(ctx, 'strict') && rejected.length > 0;
    if (!strictFail) {
      const store = await openStore(resolvePath(ctx, out));
      await store.write(serializeBundle(bundle));
    }
    const shownOut = escapeText(out);
    const head = strictFail
      ? `wrote nothing: ${plural(rejected.length, 'record')} refused and --strict is set`
      : `sealed ${bundle.entries.length} of ${plural(states.length, 'session')} under key ${keyring.primaryKid} -> ${shownOut}`;
    const text = [head];
    if (rejected.length > 0) {
      text.push(`refused ${rejected.length}:`);
      text.push(
        ...table(
          rejected.map((r) => [`#${r.index}`, showId(r.sessionId), r.code, describeIssues(r.issues)]),
          '  ',
        ),
      );
    }
    return {
      exit: strictFail ? EXIT.DATA : EXIT.OK,
      report: {
        command: 'seal',
        written: !strictFail,
        out: resolvePath(ctx, out),
        kid: keyring.primaryKid,
        total: states.length,
        sealed: strictFail ? 0 : bundle.entries.length,
        refused,
      },
      text,
    };
  },
};
