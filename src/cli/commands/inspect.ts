/**
 * `session-seal inspect`: what a bundle reveals without any key (SPEC §1: sessionId and metadata
 * are clear so entries can be counted and pruned without the key). Reads no key material at all,
 * and prints no sessionId — only counts, kids and times.
 *
 * Everything shown comes from unauthenticated clear fields; `verify` is what authenticates.
 */
import { DEFAULT_SESSION_TIMEOUT_MS, isSessionSealError, parseBundle, sealedKid } from '../../index.node.js';
import { parseMinutes, parseTime } from '../args.js';
import { type CommandSpec, needString, stringOpt } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { readInput } from '../input.js';
import { escapeText, plural, table } from '../output.js';

interface Census {
  readonly kids: Record<string, number>;
  readonly malformed: Record<string, number>;
  readonly ids: Set<string>;
  oldest: number;
  newest: number;
  expired: number;
  badTimes: number;
}

function census(entries: readonly unknown[], now: number, timeoutMs: number): Census {
  const c: Census = {
    kids: {},
    malformed: {},
    ids: new Set(),
    oldest: Infinity,
    newest: -Infinity,
    expired: 0,
    badTimes: 0,
  };
  for (const entry of entries) {
    let kid: string;
    try {
      kid = sealedKid(entry); // SPEC §7 steps 1–2: structure only, no key
    } catch (err) {
      if (!isSessionSealError(err)) throw err;
      c.malformed[err.code] = (c.malformed[err.code] ?? 0) + 1;
      continue;
    }
    c.kids[kid] = (c.kids[kid] ?? 0) + 1;
    // sealedKid accepted the record, so these are non-empty strings.
    const record = entry as { sessionId: string; metadata: { lastAccess: string } };
    c.ids.add(record.sessionId);
    const last = Date.parse(record.metadata.lastAccess);
    if (!Number.isFinite(last)) {
      c.badTimes++;
      continue;
    }
    c.oldest = Math.min(c.oldest, last);
    c.newest = Math.max(c.newest, last);
    if (now - last > timeoutMs) c.expired++;
  }
  return c;
}

const iso = (t: number): string | null => (Number.isFinite(t) ? new Date(t).toISOString() : null);

export const inspect: CommandSpec = {
  name: 'inspect',
  summary: 'show what a bundle reveals without a key (never secrets)',
  usage: 'inspect --in <file|-> [options]',
  description: [
    'Show what can be known about a bundle without a key: format version, entry count, the kids',
    'in use with their counts, the oldest and newest lastAccess, and how many sessions are expired',
    'at --now. Needs no key and prints no sessionId. The values come from clear, unauthenticated',
    'metadata; verify authenticates them.',
  ],
  options: {
    in: { type: 'string', arg: '<file|->', help: 'sealed bundle to read; - reads stdin' },
    now: { type: 'string', arg: '<iso>', help: 'clock for expiry, e.g. 2026-11-23T12:00:00Z (default: now)' },
    'session-timeout': {
      type: 'string',
      arg: '<min>',
      help: 'idle minutes before a session expires (default 30)',
    },
  },
  keys: 'never',
  examples: ['session-seal inspect --in sessions.sealed'],
  run: async (ctx) => {
    const shown = needString(ctx, 'in', '<file|->');
    const nowText = stringOpt(ctx, 'now');
    const timeoutText = stringOpt(ctx, 'session-timeout');
    const now = nowText === undefined ? ctx.now() : parseTime('now', nowText);
    const timeoutMs =
      timeoutText === undefined ? DEFAULT_SESSION_TIMEOUT_MS : parseMinutes('session-timeout', timeoutText);
    const bytes = await readInput(ctx, shown);
    const doc = parseBundle(bytes);
    const c = census(doc.entries, now, timeoutMs);
    const malformed = Object.values(c.malformed).reduce((a, b) => a + b, 0);
    const parsed = doc.entries.length - malformed;
    const minutes = timeoutMs / 60_000;
    const kidText = Object.entries(c.kids).map(([kid, n]) => `${kid} ${n}`);
    const badText = Object.entries(c.malformed).map(([code, n]) => `${code} ${n}`);
    const rows = [
      ['file', `${escapeText(shown)} (${bytes.length} bytes)`],
      ['format', 'session-seal/bundle/v1, envelope v1'],
      [
        'entries',
        `${doc.entries.length} (${malformed} malformed${malformed > 0 ? `: ${badText.join(', ')}` : ''})`,
      ],
      ['MAC key', doc.macKid],
      ['keys in use', kidText.length === 0 ? '(none)' : kidText.join(', ')],
      ['sessionIds', `${c.ids.size} distinct`],
      [
        'lastAccess',
        c.oldest === Infinity
          ? '(none)'
          : `oldest ${iso(c.oldest)}, newest ${iso(c.newest)}${c.badTimes > 0 ? `, ${c.badTimes} unreadable` : ''}`,
      ],
      ['expired', `${c.expired} of ${parsed} at ${iso(now)} (idle > ${plural(minutes, 'minute')})`],
    ];
    return {
      exit: EXIT.OK,
      report: {
        command: 'inspect',
        bytes: bytes.length,
        format: 'session-seal/bundle/v1',
        envelopeVersion: 1,
        entries: doc.entries.length,
        malformed: c.malformed,
        macKid: doc.macKid,
        kids: c.kids,
        distinctSessionIds: c.ids.size,
        lastAccess: { oldest: iso(c.oldest), newest: iso(c.newest), unreadable: c.badTimes },
        expired: c.expired,
        now: iso(now),
        sessionTimeoutMinutes: minutes,
        authenticated: false,
      },
      text: [
        ...table(rows),
        'note: clear metadata, readable without a key and not authenticated (see verify)',
      ],
    };
  },
};
