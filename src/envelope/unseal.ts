/** Unsealing one sealed record (SPEC §7). The order of the steps is the security argument. */
import { assertNotInBackend } from '../crypto/aead.js';
import { openEnvelope } from '../crypto/envelope-open.js';
import { scratchBytes } from '../encoding/scratch.js';
import { utf8Decode } from '../encoding/utf8.js';
import { DecryptionFailedError, SessionInvalidError } from '../errors.js';
import { keyPrk } from '../keys/key.js';
import type { Keyring } from '../keys/keyring.js';
import {
  checkOpenedSessionState,
  type OpenedRecord,
  type SessionState,
  type ValidateOptions,
} from '../schema.js';
import { buildAadFromFields } from './aad.js';
import { type ParsedRecord, parseSealedRecord, TAG_LENGTH } from './format.js';
import { assertKeyring } from './seal.js';

export type UnsealOptions = ValidateOptions;

/**
 * Unseal and validate. `sealed` is untrusted data (typically from `JSON.parse` of a file): any
 * shape is accepted as input and reported with a typed error. Throws, by step (SPEC §7):
 * ERR_ENVELOPE_TOO_LARGE, ERR_ENVELOPE_MALFORMED, ERR_ENVELOPE_UNSUPPORTED_VERSION,
 * ERR_KEY_NOT_FOUND, ERR_KEY_DISABLED, ERR_DECRYPTION_FAILED, ERR_SESSION_INVALID.
 */
export function unsealSession(sealed: unknown, keyring: Keyring, options?: UnsealOptions): SessionState {
  assertKeyring(keyring);
  const parsed = parseSealedRecord(sealed, true); // opened and dropped before any other parse
  return validateOpened(openContext(parsed, keyring), options);
}

/**
 * @internal SPEC §7 steps 3–5: exact kid lookup, commitment (constant time), AEAD open, strict
 * UTF-8 + JSON. Returns the unvalidated record object for step 6.
 */
export function openContext(parsed: ParsedRecord, keyring: Keyring): OpenedRecord {
  assertNotInBackend();
  const key = keyring.openingKey(parsed.kidText);
  const aad = buildAadFromFields(parsed.header, parsed);
  // Commitment first, then the tag (crypto/envelope-open.ts); either failing is the same error.
  const plaintext = openEnvelope(
    keyPrk(key),
    parsed.kid,
    parsed.nonce,
    parsed.commitment,
    aad,
    parsed.body,
    plaintextBytes(parsed.body),
  );
  if (plaintext === null) throw new DecryptionFailedError();
  let context: Record<string, unknown>;
  try {
    context = parseContext(plaintext);
  } finally {
    plaintext.fill(0); // scratch, a backend's array, or the WebAssembly module's memory: wiped
  }
  return {
    sessionId: parsed.sessionId,
    metadata: { createdAt: parsed.createdAt, lastAccess: parsed.lastAccess },
    context,
  };
}

/*
 * Plaintext scratch: the AEAD writes into it, parseContext turns it into a string, and it is wiped
 * right after (openContext's `finally`), so it holds secret bytes only within one call. JS runs
 * one call at a time per realm. Contexts up to 192 KiB reuse it; larger ones get their own array.
 */
const plaintextScratch = scratchBytes(192 * 1024);

/** Output memory for opening `body` (ciphertext ‖ tag; at least a tag long, SPEC §7 step 2). */
function plaintextBytes(body: Uint8Array): Uint8Array {
  return plaintextScratch(body.length - TAG_LENGTH);
}

/** SPEC §7 step 6 on an opened record: the validated state, or ERR_SESSION_INVALID. */
export function validateOpened(record: OpenedRecord, options?: ValidateOptions): SessionState {
  const checked = checkOpenedSessionState(record, options);
  if (!checked.ok) throw new SessionInvalidError(checked.issues);
  return checked.value;
}

/** SPEC §5.5: strict UTF-8, JSON, must be an object. Runs only on authenticated bytes. */
function parseContext(plaintext: Uint8Array): Record<string, unknown> {
  const text = utf8Decode(plaintext);
  let value: unknown;
  try {
    value = text === null ? undefined : JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SessionInvalidError([{ path: ['context'], code: 'not_json' }]);
  }
  return value as Record<string, unknown>;
}
