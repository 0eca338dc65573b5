/**
 * Unsealing a bundle with n8n-mcp's restore rules (SPEC §10.4).
 *
 * Pass 1 parses every entry (pure) and checks the bundle MAC over their headers. Pass 2 opens
 * entries in order. Per entry: session limit → authenticate and decrypt → duplicate → expiry →
 * schema. Only authenticated values decide "duplicate" or "expired": an attacker who edits a clear
 * sessionId or lastAccess gets ERR_DECRYPTION_FAILED, never a misleading skip reason.
 * A bad entry never throws; only a document that is not a bundle does.
 */
import { type ParsedRecord, parseSealedRecord } from '../envelope/format.js';
import { assertKeyring } from '../envelope/seal.js';
import { openContext } from '../envelope/unseal.js';
import {
  BundleIntegrityError,
  EnvelopeTooLargeError,
  isSessionSealError,
  type SessionSealErrorCode,
  SessionDuplicateError,
  SessionExpiredError,
  type SessionSealError,
  SessionInvalidError,
  SessionLimitError,
  type ValidationIssue,
} from '../errors.js';
import type { Keyring } from '../keys/keyring.js';
import { checkSessionState, type SessionState, type UrlPolicy } from '../schema.js';
import { type BundleLimits, limit, parseBundle } from './format.js';
import { verifyBundleMac } from './mac.js';

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

/** An entry that was not restored. The message carries no secret and no raw input. */
export interface SkippedEntry {
  readonly index: number;
  /** The clear sessionId when it was readable (well-formed, bounded); absent otherwise. */
  readonly sessionId?: string;
  readonly code: SessionSealErrorCode;
  readonly message: string;
  readonly issues?: readonly ValidationIssue[];
  /** The entry's kid when it parsed. */
  readonly kid?: string;
}

export type IntegrityResult =
  | { readonly ok: true; readonly kid: string }
  | { readonly ok: false; readonly code: 'ERR_BUNDLE_INTEGRITY'; readonly message: string };

export interface UnsealSessionsResult {
  /** Validated sessions, in bundle order, ready for n8n-mcp's `restoreSessionState`. */
  readonly sessions: SessionState[];
  readonly skipped: SkippedEntry[];
  readonly integrity: IntegrityResult;
  /** Entries in the bundle. `sessions.length + skipped.length === total`. */
  readonly total: number;
}

export type Pass1 = { ok: true; parsed: ParsedRecord } | { ok: false; skip: SkippedEntry };

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

  const doc = parseBundle(bundle, options);
  const first: Pass1[] = doc.entries.map((entry, index) => parseEntry(entry, index, maxEntryChars));
  const integrity = checkIntegrity(first, doc.macKid, doc.mac, keyring);
  if (!integrity.ok && mode === 'require') throw new BundleIntegrityError(integrity.message);

  const sessions: SessionState[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < first.length; index++) {
    const item = first[index]!;
    if (sessions.length >= maxSessions) {
      skipped.push(skipOf(index, item, new SessionLimitError(maxSessions)));
      continue;
    }
    if (!item.ok) {
      skipped.push(item.skip);
      continue;
    }
    const p = item.parsed;
    try {
      const record = openContext(p, keyring); // authenticated from here on
      if (seen.has(p.sessionId)) throw new SessionDuplicateError();
      const last = Date.parse(p.lastAccess);
      if (now - last > timeout) throw new SessionExpiredError();
      const checked = checkSessionState(record, validate);
      if (!checked.ok) throw new SessionInvalidError(checked.issues);
      seen.add(p.sessionId);
      sessions.push(checked.value);
    } catch (err) {
      if (!isSessionSealError(err)) throw err;
      skipped.push(skipOf(index, item, err));
    }
  }
  return { sessions, skipped, integrity, total: first.length };
}

function resolveNow(now: number | Date | undefined): number {
  if (now === undefined) return Date.now();
  const t = now instanceof Date ? now.getTime() : now;
  if (typeof t !== 'number' || !Number.isFinite(t)) throw new RangeError('now must be a finite time');
  return t;
}

export function parseEntry(entry: unknown, index: number, maxEntryChars: number | undefined): Pass1 {
  try {
    const sc = (entry as { sealedContext?: unknown } | null)?.sealedContext;
    if (maxEntryChars !== undefined && typeof sc === 'string' && sc.length > maxEntryChars) {
      throw new EnvelopeTooLargeError(maxEntryChars);
    }
    return { ok: true, parsed: parseSealedRecord(entry) };
  } catch (err) {
    if (!isSessionSealError(err)) throw err;
    return { ok: false, skip: { index, ...readableSessionId(entry), code: err.code, message: err.message } };
  }
}

export function checkIntegrity(first: readonly Pass1[], kid: string, mac: Uint8Array, keyring: Keyring): IntegrityResult {
  const headers: Uint8Array[] = [];
  for (const item of first) {
    if (!item.ok) return integrityFailure('an entry is malformed, so the entry list cannot be verified');
    headers.push(item.parsed.header);
  }
  let key: ReturnType<Keyring['openingKey']>;
  try {
    key = keyring.openingKey(kid);
  } catch {
    return integrityFailure(`the bundle MAC key ${kid} is not usable in this keyring`);
  }
  return verifyBundleMac(key, headers, mac)
    ? { ok: true, kid }
    : integrityFailure('entries were removed, added, duplicated or reordered');
}

function integrityFailure(message: string): IntegrityResult {
  return { ok: false, code: 'ERR_BUNDLE_INTEGRITY', message: `bundle integrity check failed: ${message}` };
}

function skipOf(index: number, item: Pass1, err: SessionSealError): SkippedEntry {
  const base = item.ok ? { index, sessionId: item.parsed.sessionId, kid: item.parsed.kidText } : item.skip;
  const issues = err instanceof SessionInvalidError ? { issues: err.issues } : {};
  return { ...base, code: err.code, message: err.message, ...issues };
}

/** A clear sessionId worth reporting: a bounded, well-formed string. Not trusted, only echoed. */
function readableSessionId(entry: unknown): { sessionId?: string } {
  const sid = (entry as { sessionId?: unknown } | null)?.sessionId;
  return typeof sid === 'string' && sid.length > 0 && sid.length <= 256 ? { sessionId: sid } : {};
}
