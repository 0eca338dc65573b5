/**
 * Envelope v1: pure parsing and encoding, no keys and no crypto (SPEC §5, §6, §7 steps 1–2).
 * A record that passes `parseSealedRecord` re-encodes to the identical text (canonical form).
 */
import { EnvelopeMalformedError, EnvelopeTooLargeError, UnsupportedVersionError } from '../errors.js';
import { base64urlLength, decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { isWellFormed, utf8Encode } from '../encoding/utf8.js';
import { kidToText } from '../keys/key.js';

export const ENVELOPE_VERSION = 0x01;
export const KID_OFFSET = 1;
export const NONCE_OFFSET = 9;
export const COMMITMENT_OFFSET = 33;
export const HEADER_LENGTH = 65;
export const NONCE_LENGTH = 24;
export const COMMITMENT_LENGTH = 32;
export const TAG_LENGTH = 16;
export const MIN_ENVELOPE_LENGTH = HEADER_LENGTH + TAG_LENGTH;
/** SPEC §6. */
export const MAX_PLAINTEXT = 1 << 20;
/** SPEC §6: base64url length of the largest envelope, 1,398,210 characters. */
export const MAX_SEALED_CONTEXT = base64urlLength(MIN_ENVELOPE_LENGTH + MAX_PLAINTEXT);
export const MAX_SESSION_ID_BYTES = 256;
export const MAX_TIMESTAMP_BYTES = 64;

/** A sealed record: clear `sessionId` and `metadata`, encrypted context (SPEC §5.3). */
export interface SealedSessionState {
  readonly sessionId: string;
  readonly metadata: { readonly createdAt: string; readonly lastAccess: string };
  readonly sealedContext: string;
}

/** The parts of a sealed record, parsed but not authenticated. Nothing here is trusted yet. */
export interface ParsedRecord {
  readonly sessionId: string;
  readonly createdAt: string;
  readonly lastAccess: string;
  /** UTF-8 of the three clear fields, for the AAD (SPEC §5.2). */
  readonly clear: readonly [Uint8Array, Uint8Array, Uint8Array];
  /** The decoded envelope E. */
  readonly envelope: Uint8Array;
  readonly kid: Uint8Array;
  readonly kidText: string;
  readonly nonce: Uint8Array;
  readonly commitment: Uint8Array;
  readonly header: Uint8Array;
  /** ciphertext ‖ tag. */
  readonly body: Uint8Array;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasExactly(value: Record<string, unknown>, a: string, b: string, c?: string): boolean {
  const keys = Object.keys(value);
  if (keys.length !== (c === undefined ? 2 : 3)) return false;
  return Object.hasOwn(value, a) && Object.hasOwn(value, b) && (c === undefined || Object.hasOwn(value, c));
}

function clearField(value: unknown, max: number): Uint8Array {
  if (typeof value !== 'string' || value.length === 0 || !isWellFormed(value)) {
    throw new EnvelopeMalformedError();
  }
  // A string longer than `max` UTF-16 units is longer than `max` UTF-8 bytes: reject before encoding.
  if (value.length > max) throw new EnvelopeMalformedError();
  const bytes = utf8Encode(value);
  if (bytes.length > max) throw new EnvelopeMalformedError();
  return bytes;
}

/**
 * SPEC §7 steps 1–2: size first, then exact structure, clear-field rules, canonical base64url,
 * version, minimum length. Throws ERR_ENVELOPE_TOO_LARGE / _MALFORMED / _UNSUPPORTED_VERSION.
 */
export function parseSealedRecord(value: unknown): ParsedRecord {
  if (!isPlainObject(value)) throw new EnvelopeMalformedError();
  const sealedContext = Object.hasOwn(value, 'sealedContext') ? value.sealedContext : undefined;
  if (typeof sealedContext === 'string' && sealedContext.length > MAX_SEALED_CONTEXT) {
    throw new EnvelopeTooLargeError(MAX_SEALED_CONTEXT);
  }
  if (!hasExactly(value, 'sessionId', 'metadata', 'sealedContext') || typeof sealedContext !== 'string') {
    throw new EnvelopeMalformedError();
  }
  const metadata = value.metadata;
  if (!isPlainObject(metadata) || !hasExactly(metadata, 'createdAt', 'lastAccess')) {
    throw new EnvelopeMalformedError();
  }
  const sid = clearField(value.sessionId, MAX_SESSION_ID_BYTES);
  const created = clearField(metadata.createdAt, MAX_TIMESTAMP_BYTES);
  const last = clearField(metadata.lastAccess, MAX_TIMESTAMP_BYTES);

  const envelope = decodeBase64url(sealedContext);
  if (envelope === null || envelope.length === 0) throw new EnvelopeMalformedError();
  const version = envelope[0]!;
  if (version !== ENVELOPE_VERSION) throw new UnsupportedVersionError(version);
  if (envelope.length < MIN_ENVELOPE_LENGTH) throw new EnvelopeMalformedError();

  const kid = envelope.subarray(KID_OFFSET, NONCE_OFFSET);
  return {
    sessionId: value.sessionId as string,
    createdAt: metadata.createdAt as string,
    lastAccess: metadata.lastAccess as string,
    clear: [sid, created, last],
    envelope,
    kid,
    kidText: kidToText(kid),
    nonce: envelope.subarray(NONCE_OFFSET, COMMITMENT_OFFSET),
    commitment: envelope.subarray(COMMITMENT_OFFSET, HEADER_LENGTH),
    header: envelope.subarray(0, HEADER_LENGTH),
    body: envelope.subarray(HEADER_LENGTH),
  };
}

/** HEADER = 0x01 ‖ kid ‖ N ‖ COMMITMENT (SPEC §5.1). */
export function encodeHeader(kid: Uint8Array, nonce: Uint8Array, commitment: Uint8Array): Uint8Array {
  const header = new Uint8Array(HEADER_LENGTH);
  header[0] = ENVELOPE_VERSION;
  header.set(kid, KID_OFFSET);
  header.set(nonce, NONCE_OFFSET);
  header.set(commitment, COMMITMENT_OFFSET);
  return header;
}

/** The sealed record of SPEC §5.3, members in the specified order. */
export function encodeSealedRecord(
  sessionId: string,
  createdAt: string,
  lastAccess: string,
  header: Uint8Array,
  body: Uint8Array,
): SealedSessionState {
  const envelope = new Uint8Array(header.length + body.length);
  envelope.set(header, 0);
  envelope.set(body, header.length);
  return {
    sessionId,
    metadata: { createdAt, lastAccess },
    sealedContext: encodeBase64url(envelope),
  };
}

/** The public kid of a sealed record, without a key (for `needsRotation`, `keyUsage`, `inspect`). */
export function sealedKid(value: unknown): string {
  return parseSealedRecord(value).kidText;
}
