/**
 * Per-entry steps of bundle unsealing (SPEC §10.4): pass 1 of one entry (§7 steps 1–2, pure), the
 * integrity check over the entry headers (§10.2), and skip reports that carry no secret.
 */

import { equalBytes } from '../crypto/noble.js';
import { isWellFormed } from '../encoding/utf8.js';
import { type ParsedRecord, parseSealedRecord } from '../envelope/format.js';
import {
  EnvelopeTooLargeError,
  isSessionSealError,
  SessionInvalidError,
  type SessionSealError,
  type SessionSealErrorCode,
  type ValidationIssue,
} from '../errors.js';
import type { Keyring } from '../keys/keyring.js';
import { headerOffset, macInput, macOfInput } from './mac.js';

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

export type Pass1 = { ok: true; parsed: ParsedRecord } | { ok: false; skip: SkippedEntry };

/**
 * Pass 1 for one entry: size (optionally lowered), then SPEC §7 steps 1–2. Never throws for data.
 * `reuse`: see `parseSealedRecord` (the result's envelope bytes live until the next such parse).
 */
export function parseEntry(
  entry: unknown,
  index: number,
  maxEntryChars: number | undefined,
  reuse = false,
): Pass1 {
  try {
    const sc = (entry as { sealedContext?: unknown } | null)?.sealedContext;
    if (maxEntryChars !== undefined && typeof sc === 'string' && sc.length > maxEntryChars) {
      throw new EnvelopeTooLargeError(maxEntryChars);
    }
    return { ok: true, parsed: parseSealedRecord(entry, reuse) };
  } catch (err) {
    if (!isSessionSealError(err)) throw err;
    return { ok: false, skip: { index, ...readableSessionId(entry), code: err.code, message: err.message } };
  }
}

/** SPEC §10.2 over the pass-1 results of every entry, in order. */
export function checkIntegrity(
  first: readonly Pass1[],
  kid: string,
  mac: Uint8Array,
  keyring: Keyring,
): IntegrityResult {
  const input = macInput(first.length);
  let allParsed = true;
  first.forEach((item, index) => {
    if (item.ok) input.set(item.parsed.header, headerOffset(index));
    else allParsed = false;
  });
  return integrityOf(allParsed, input, kid, mac, keyring);
}

/** SPEC §10.2 on a filled MAC input; `allParsed` false when an entry failed §7 step 2. */
export function integrityOf(
  allParsed: boolean,
  input: Uint8Array,
  kid: string,
  mac: Uint8Array,
  keyring: Keyring,
): IntegrityResult {
  if (!allParsed) return integrityFailure('an entry is malformed, so the entry list cannot be verified');
  let key: ReturnType<Keyring['openingKey']>;
  try {
    key = keyring.openingKey(kid);
  } catch {
    return integrityFailure(`the bundle MAC key ${kid} is not usable in this keyring`);
  }
  return equalBytes(macOfInput(key, input), mac)
    ? { ok: true, kid }
    : integrityFailure('entries were removed, added, duplicated or reordered');
}

function integrityFailure(message: string): IntegrityResult {
  return { ok: false, code: 'ERR_BUNDLE_INTEGRITY', message: `bundle integrity check failed: ${message}` };
}

/** The report of an entry skipped with `err`. */
export function skipOf(index: number, item: Pass1, err: SessionSealError): SkippedEntry {
  const base = item.ok ? { index, sessionId: item.parsed.sessionId, kid: item.parsed.kidText } : item.skip;
  const issues = err instanceof SessionInvalidError ? { issues: err.issues } : {};
  return { ...base, code: err.code, message: err.message, ...issues };
}

/** A clear sessionId worth reporting: a bounded, well-formed string. Not trusted, only echoed. */
function readableSessionId(entry: unknown): { sessionId?: string } {
  const sid = (entry as { sessionId?: unknown } | null)?.sessionId;
  return typeof sid === 'string' && sid.length > 0 && sid.length <= 256 && isWellFormed(sid)
    ? { sessionId: sid }
    : {};
}
