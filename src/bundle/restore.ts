/**
 * SPEC §10.4 over a sequence of entries: pass 1 (parse every entry, check the MAC) and pass 2 (the
 * restore rules, per entry in order: session limit → authenticate and decrypt → duplicate → expiry
 * → schema). Only authenticated values decide "duplicate" or "expired": an attacker who edits a
 * clear sessionId or lastAccess gets ERR_DECRYPTION_FAILED, never a misleading skip reason.
 */
import { openContext } from '../envelope/unseal.js';
import {
  BundleIntegrityError,
  isSessionSealError,
  SessionDuplicateError,
  SessionExpiredError,
  SessionInvalidError,
  SessionLimitError,
} from '../errors.js';
import type { Keyring } from '../keys/keyring.js';
import { checkOpenedSessionState, type SessionState, timeValue, type UrlPolicy } from '../schema.js';
import {
  checkIntegrity,
  type IntegrityResult,
  integrityOf,
  type Pass1,
  parseEntry,
  type SkippedEntry,
  skipOf,
} from './entries.js';
import { headerOffset, macInput } from './mac.js';

export interface RestoreRules {
  readonly mode: 'report' | 'require';
  readonly now: number;
  readonly timeout: number;
  readonly maxSessions: number;
  readonly maxEntryChars: number | undefined;
  readonly validate: { urlPolicy: UrlPolicy } | undefined;
}

/** The entries of a bundle, read one at a time. `release(i)` says entry `i` is no longer needed. */
export interface EntrySource {
  readonly count: number;
  entry(index: number): unknown;
  release(index: number): void;
}

export interface Restored {
  readonly sessions: SessionState[];
  readonly skipped: SkippedEntry[];
  readonly integrity: IntegrityResult;
  readonly total: number;
}

export function restoreAll(
  source: EntrySource,
  mac: { readonly macKid: string; readonly mac: Uint8Array },
  keyring: Keyring,
  rules: RestoreRules,
): Restored {
  const restore = restorer(keyring, rules);
  const { count } = source;
  let integrity: IntegrityResult;
  if (rules.mode === 'require') {
    // Pass 1 over every entry, then pass 2 only once the entry list is verified.
    const first: Pass1[] = [];
    for (let index = 0; index < count; index++)
      first.push(parseEntry(source.entry(index), index, rules.maxEntryChars));
    integrity = checkIntegrity(first, mac.macKid, mac.mac, keyring);
    if (!integrity.ok) throw new BundleIntegrityError(integrity.message);
    first.forEach((item, index) => {
      source.release(index);
      restore.entry(index, item);
    });
  } else {
    // Mode `report` opens entries whatever the MAC says, so passes 1 and 2 run entry by entry and
    // the MAC is checked at the end over the same headers: the result is identical, and only 65
    // bytes per entry are kept instead of every decoded envelope.
    const input = macInput(count);
    let allParsed = true;
    for (let index = 0; index < count; index++) {
      // Each entry is done with (header copied, opened) before the next is parsed: reuse buffers.
      const item = parseEntry(source.entry(index), index, rules.maxEntryChars, true);
      source.release(index);
      if (item.ok) input.set(item.parsed.header, headerOffset(index));
      else allParsed = false;
      restore.entry(index, item);
    }
    integrity = integrityOf(allParsed, input, mac.macKid, mac.mac, keyring);
  }
  return { sessions: restore.sessions, skipped: restore.skipped, integrity, total: count };
}

/** Pass 2 for one entry at a time, in bundle order. */
function restorer(keyring: Keyring, rules: RestoreRules) {
  const sessions: SessionState[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  const { now, timeout, maxSessions, validate } = rules;
  return {
    sessions,
    skipped,
    entry(index: number, item: Pass1): void {
      if (sessions.length >= maxSessions) {
        skipped.push(skipOf(index, item, new SessionLimitError(maxSessions)));
        return;
      }
      if (!item.ok) {
        skipped.push(item.skip);
        return;
      }
      const p = item.parsed;
      try {
        const record = openContext(p, keyring); // authenticated from here on
        // Duplicate first. One hash operation in the common case: added now, and taken back below
        // if the entry is not restored after all — the outcome of "check first, add once restored".
        const size = seen.size;
        seen.add(p.sessionId);
        if (seen.size === size) throw new SessionDuplicateError();
        let restored = false;
        try {
          if (now - timeValue(p.lastAccess) > timeout) throw new SessionExpiredError();
          const checked = checkOpenedSessionState(record, validate);
          if (!checked.ok) throw new SessionInvalidError(checked.issues);
          sessions.push(checked.value);
          restored = true;
        } finally {
          if (!restored) seen.delete(p.sessionId);
        }
      } catch (err) {
        if (!isSessionSealError(err)) throw err;
        skipped.push(skipOf(index, item, err));
      }
    },
  };
}
