/**
 * Master-key rotation of stored records (SPEC §11). Core: no `node:` module, no I/O.
 *
 * Rotation re-seals a record under the keyring's primary key. It opens the record with the key
 * its kid names (SPEC §7 steps 1–6), then seals the same `sessionId` and `metadata` strings with a
 * fresh nonce: rotation never extends a session's life, and the plaintext never leaves this module.
 */
import { randomBytes } from './crypto/noble.js';
import { encodeBase64url } from './encoding/base64url.js';
import {
  NONCE_LENGTH,
  type ParsedRecord,
  parseSealedRecord,
  type SealedSessionState,
} from './envelope/format.js';
import { assertKeyring, sealValidated } from './envelope/seal.js';
import { openContext, validateOpened } from './envelope/unseal.js';
import { isSessionSealError, type SessionSealErrorCode } from './errors.js';
import type { Keyring } from './keys/keyring.js';
import type { ValidateOptions } from './schema.js';

export type RotateOptions = ValidateOptions;

/** The outcome for one record of `rotateSessions`, at its index in the input. */
export type RotationResult =
  | { readonly index: number; readonly status: 'rotated'; readonly sealed: SealedSessionState }
  | { readonly index: number; readonly status: 'current'; readonly sealed: SealedSessionState }
  | {
      readonly index: number;
      readonly status: 'failed';
      readonly code: SessionSealErrorCode;
      /** Present when the record parsed: its clear sessionId and its envelope's kid (both public). */
      readonly sessionId?: string;
      readonly kid?: string;
    };

export interface RotationSummary {
  readonly total: number;
  readonly rotated: number;
  readonly current: number;
  readonly failed: number;
  /** Failures counted by error code. */
  readonly failedByCode: Readonly<Partial<Record<SessionSealErrorCode, number>>>;
}

export interface RotationReport {
  readonly results: readonly RotationResult[];
  readonly summary: RotationSummary;
}

export interface KeyUsage {
  /** Records parsed, counted by the kid in their envelope (kids in first-seen order). */
  readonly byKid: Readonly<Record<string, number>>;
  /** Records that are not sealed records this build can parse (SPEC §7 steps 1–2). */
  readonly malformed: number;
  readonly total: number;
}

/**
 * True when the record's envelope names a key other than the keyring's primary (including a kid
 * the keyring does not know). Parses without a key; a malformed record throws its typed error.
 */
export function needsRotation(sealed: unknown, keyring: Keyring): boolean {
  assertKeyring(keyring);
  return parseSealedRecord(sealed).kidText !== keyring.primaryKid;
}

/**
 * Re-seal one record under the primary key. A record already under the primary is returned as a
 * fresh copy of its own fields without being opened (rotation is idempotent and cheap to re-run;
 * `unsealSession` is the way to verify a record). Throws what `unsealSession` throws.
 */
export function rotateSession(
  sealed: unknown,
  keyring: Keyring,
  options?: RotateOptions,
): SealedSessionState {
  assertKeyring(keyring);
  return rotateParsed(parseSealedRecord(sealed), keyring, options).sealed;
}

/**
 * Rotate many records. Each record gets a result; a failing record (any SessionSealError) is
 * reported with its code and never stops the rest. Only programmer errors throw.
 */
export function rotateSessions(
  records: readonly unknown[],
  keyring: Keyring,
  options?: RotateOptions,
): RotationReport {
  if (!Array.isArray(records)) throw new TypeError('rotateSessions expects an array of sealed records');
  assertKeyring(keyring);
  const results: RotationResult[] = [];
  const failedByCode: Partial<Record<SessionSealErrorCode, number>> = {};
  let rotated = 0;
  let current = 0;
  // By index, not forEach: a hole in a sparse array must get its result too (results[i] ↔ records[i]).
  for (let index = 0; index < records.length; index++) {
    const record: unknown = records[index];
    let parsed: ParsedRecord | undefined;
    try {
      parsed = parseSealedRecord(record);
      const out = rotateParsed(parsed, keyring, options);
      results.push({ index, ...out });
      if (out.status === 'rotated') rotated++;
      else current++;
    } catch (err) {
      // Anything that is not a typed data error is a bug, and a bug must not be swallowed.
      if (!isSessionSealError(err)) throw err;
      failedByCode[err.code] = (failedByCode[err.code] ?? 0) + 1;
      const who = parsed === undefined ? {} : { sessionId: parsed.sessionId, kid: parsed.kidText };
      results.push({ index, status: 'failed', code: err.code, ...who });
    }
  }
  const failed = records.length - rotated - current;
  return { results, summary: { total: records.length, rotated, current, failed, failedByCode } };
}

/**
 * Count records per envelope kid, without any key, so an operator can see that a decrypt-only
 * key is no longer used anywhere before disabling it, then removing it (SPEC §11.3).
 */
export function keyUsage(records: readonly unknown[]): KeyUsage {
  if (!Array.isArray(records)) throw new TypeError('keyUsage expects an array of sealed records');
  const byKid: Record<string, number> = {};
  let malformed = 0;
  for (const record of records) {
    let kid: string;
    try {
      kid = parseSealedRecord(record).kidText;
    } catch (err) {
      if (!isSessionSealError(err)) throw err;
      malformed++;
      continue;
    }
    byKid[kid] = (byKid[kid] ?? 0) + 1;
  }
  return { byKid, malformed, total: records.length };
}

function rotateParsed(
  parsed: ParsedRecord,
  keyring: Keyring,
  options: RotateOptions | undefined,
): { status: 'rotated' | 'current'; sealed: SealedSessionState } {
  const { sessionId, createdAt, lastAccess } = parsed;
  if (parsed.kidText === keyring.primaryKid) {
    // Re-encoded from the parsed bytes (canonical, so identical text), not read again from the input.
    const sealedContext = encodeBase64url(parsed.envelope);
    return { status: 'current', sealed: { sessionId, metadata: { createdAt, lastAccess }, sealedContext } };
  }
  const valid = validateOpened(openContext(parsed, keyring), options);
  // The clear fields are the parsed strings, byte for byte; only the context comes from validation.
  const state = { sessionId, metadata: { createdAt, lastAccess }, context: valid.context };
  return { status: 'rotated', sealed: sealValidated(state, keyring.sealingKey(), randomBytes(NONCE_LENGTH)) };
}
