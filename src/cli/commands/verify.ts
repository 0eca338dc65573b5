/**
 * `session-seal verify`: authenticate every entry and the bundle's entry list with the keyring,
 * and print pass/fail — never plaintext.
 *
 * It runs the library's unsealSessions with the restore policy switched off (no expiry, no
 * session limit), so every entry is opened and a failure means the entry itself is bad: wrong or
 * disabled key, tampering, an invalid record, or a duplicate sessionId that restore would drop.
 * The decrypted sessions are discarded unprinted.
 */
import { unsealSessions } from '../../index.node.js';
import { parseUrlPolicy } from '../args.js';
import { type CommandSpec, loadKeys, needString, stringOpt } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { readInput } from '../input.js';
import { escapeText, table } from '../output.js';
import { integrityLine, skippedRows, skipReport } from './report.js';

/** "Never": the largest values the library accepts (positive safe integers). */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export const verify: CommandSpec = {
  name: 'verify',
  summary: 'authenticate every entry and the bundle integrity; no plaintext',
  usage: 'verify --in <file|-> [options]',
  description: [
    'Authenticate the bundle: its entry list (MAC) and every entry (key commitment, AEAD tag,',
    'record schema). Expiry and the session limit do not apply. Prints PASS or FAIL and each',
    'failing entry (index, sessionId, kid, code); never any plaintext. Exit 1 on any failure.',
  ],
  options: {
    in: { type: 'string', arg: '<file|->', help: 'sealed bundle to verify; - reads stdin' },
    'url-policy': { type: 'string', arg: '<policy>', help: 'standard (default) or strict (SPEC §8)' },
  },
  keys: 'reads',
  examples: ['session-seal verify --key-file keyring.key --in sessions.sealed'],
  run: async (ctx) => {
    const shown = needString(ctx, 'in', '<file|->');
    const policy = parseUrlPolicy(stringOpt(ctx, 'url-policy'));
    const keyring = loadKeys(ctx);
    const result = unsealSessions(await readInput(ctx, shown), keyring, {
      now: ctx.now(),
      sessionTimeoutMs: NO_LIMIT,
      maxSessions: NO_LIMIT,
      integrity: 'report',
      ...policy,
    });
    const ok = result.integrity.ok && result.skipped.length === 0;
    const text = [
      `verify ${escapeText(shown)}: ${ok ? 'PASS' : 'FAIL'}`,
      ...table(
        [
          ['integrity', integrityLine(result.integrity).replace(/^integrity /, '')],
          ['entries', `${result.sessions.length} ok, ${result.skipped.length} failed, ${result.total} total`],
        ],
        '  ',
      ),
    ];
    if (result.skipped.length > 0) text.push('failed:', ...skippedRows(result.skipped));
    return {
      exit: ok ? EXIT.OK : EXIT.DATA,
      report: {
        command: 'verify',
        ok,
        integrity: result.integrity,
        total: result.total,
        passed: result.sessions.length,
        failed: result.skipped.map(skipReport),
      },
      text,
    };
  },
};
