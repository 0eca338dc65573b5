/**
 * Unsealing a bundle with n8n-mcp's restore rules (SPEC §10.4): options, result, and reading the
 * document. The passes and rules are in restore.ts, the per-entry steps in entries.ts. A bad entry
 * never throws; only a document that is not a bundle does.
 *
 * Bundle text in the layout `serializeBundle` writes is read line by line (lines.ts), so the parsed
 * entries are never all in memory together; any other text, bytes or object goes through
 * `parseBundle`. Both give the same result for the same document.
 */
import { assertKeyring } from '../envelope/seal.js';
import type { Keyring } from '../keys/keyring.js';
import type { SessionState, UrlPolicy } from '../schema.js';
import type { IntegrityResult, SkippedEntry } from './entries.js';
import {
  type BundleLimits,
  bundleText,
  DEFAULT_MAX_BUNDLE_BYTES,
  DEFAULT_MAX_ENTRIES,
  integrityMember,
  limit,
  parseBundle,
} from './format.js';
import { LayoutMiss, splitBundleLines } from './lines.js';
import { type RestoreRules, restoreAll } from './restore.js';

export type { IntegrityResult, Pass1, SkippedEntry } from './entries.js';
export { checkIntegrity, parseEntry } from './entries.js';

export const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60 * 1000;
export const DEFAULT_MAX_SESSIONS = 100;

export interface UnsealSessionsOptions extends BundleLimits {
  /** `report` (default): restore what verifies and report an integrity failure in the result.
   *  `require`: throw ERR_BUNDLE_INTEGRITY before opening any entry. */
  readonly integrity?: 'report' | 'require';
  /** Sessions idle longer than this are skipped as expired. Default 30 minutes. */
  readonly sessionTimeoutMs?: number;
  /** At most this many sessions are restored; the rest are skipped. Default 100. */
  readonly maxSessions?: number;
  /** Clock for expiry, ms since the epoch or a Date. Default `Date.now()`. */
  readonly now?: number | Date;
  /** Per-entry `sealedContext` limit in characters (≤ SPEC §6's maximum). */
  readonly maxEntryChars?: number;
  readonly urlPolicy?: UrlPolicy;
}

export interface UnsealSessionsResult {
  /** Validated sessions, in bundle order, ready for n8n-mcp's `restoreSessionState`. */
  readonly sessions: SessionState[];
  readonly skipped: SkippedEntry[];
  readonly integrity: IntegrityResult;
  /** Entries in the bundle. `sessions.length + skipped.length === total`. */
  readonly total: number;
}

/** Unseal a bundle (JSON text, UTF-8 bytes or a parsed object) and apply the restore rules. */
export function unsealSessions(
  bundle: unknown,
  keyring: Keyring,
  options: UnsealSessionsOptions = {},
): UnsealSessionsResult {
  assertKeyring(keyring);
  const timeout = limit(options.sessionTimeoutMs, DEFAULT_SESSION_TIMEOUT_MS, 'sessionTimeoutMs');
  const maxSessions = limit(options.maxSessions, DEFAULT_MAX_SESSIONS, 'maxSessions');
  const maxEntryChars = options.maxEntryChars;
  if (maxEntryChars !== undefined) limit(maxEntryChars, 1, 'maxEntryChars');
  const now = resolveNow(options.now);
  const mode = options.integrity ?? 'report';
  if (mode !== 'report' && mode !== 'require') throw new RangeError('integrity must be report or require');
  const validate = options.urlPolicy === undefined ? undefined : { urlPolicy: options.urlPolicy };
  const rules: RestoreRules = { mode, now, timeout, maxSessions, maxEntryChars, validate };

  const fast = lineBundle(bundle, options);
  if (fast !== null) {
    try {
      return restoreAll(fast.source, fast.mac, keyring, rules);
    } catch (err) {
      // A line that is not one JSON value: start over with the general parser, which decides.
      if (!(err instanceof LayoutMiss)) throw err;
    }
  }
  const doc = parseBundle(bundle, options);
  const entries = doc.entries as unknown[];
  // From text or bytes, `entries` is our own JSON.parse output and nobody else's: each entry is
  // dropped once handled, so the parsed document shrinks while the restored sessions grow. A
  // caller's own array is never written to.
  const owned = typeof bundle === 'string' || bundle instanceof Uint8Array;
  const source = {
    count: entries.length,
    entry: (index: number) => entries[index],
    release: owned
      ? (index: number) => {
          entries[index] = undefined;
        }
      : () => {},
  };
  return restoreAll(source, doc, keyring, rules);
}

/** Text or bytes in the serializeBundle layout, checked like `parseBundle`; otherwise `null`. */
function lineBundle(bundle: unknown, limits: BundleLimits) {
  if (typeof bundle !== 'string' && !(bundle instanceof Uint8Array)) return null;
  // The same checks, in the same order, with the same errors, as the start of `parseBundle`.
  const maxBytes = limit(limits.maxBundleBytes, DEFAULT_MAX_BUNDLE_BYTES, 'maxBundleBytes');
  const maxEntries = limit(limits.maxEntries, DEFAULT_MAX_ENTRIES, 'maxEntries');
  const lines = splitBundleLines(bundleText(bundle, maxBytes), maxEntries);
  const mac = lines === null ? null : integrityMember(lines.integrity);
  if (lines === null || mac === null) return null;
  return {
    mac,
    source: { count: lines.count, entry: (index: number) => lines.entry(index), release: () => {} },
  };
}

function resolveNow(now: number | Date | undefined): number {
  if (now === undefined) return Date.now();
  const t = now instanceof Date ? now.getTime() : now;
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError('now must be a finite time');
  return t;
}
