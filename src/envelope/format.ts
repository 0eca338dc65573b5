/**
 * Envelope v1: pure parsing and encoding, no keys and no crypto (SPEC §5, §6, §7 steps 1–2).
 * A record that passes `parseSealedRecord` re-encodes to the identical text (canonical form).
 */

import { base64urlLength, decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import { hasExactKeys, isPlainObject } from '../encoding/plain-object.js';
import { scratchBytes } from '../encoding/scratch.js';
import { utf8LengthIfWellFormed } from '../encoding/utf8.js';
import { EnvelopeMalformedError, EnvelopeTooLargeError, UnsupportedVersionError } from '../errors.js';
import type { ClearFields } from './aad.js';

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
export interface ParsedRecord extends ClearFields {
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

const RECORD_KEYS = ['sessionId', 'metadata', 'sealedContext'] as const;
const METADATA_KEYS = ['createdAt', 'lastAccess'] as const;

/** The UTF-8 length of the field `checkClearField` accepted last (read right after each call). */
let clearBytes = 0;

/** SPEC §5.4: a non-empty, well-formed string of at most `max` UTF-8 bytes. */
function checkClearField(value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0) throw new EnvelopeMalformedError();
  // A string longer than `max` UTF-16 units is longer than `max` UTF-8 bytes: reject before scanning.
  if (value.length > max) throw new EnvelopeMalformedError();
  const bytes = utf8LengthIfWellFormed(value); // -1 for a lone surrogate
  if (bytes < 0 || bytes > max) throw new EnvelopeMalformedError();
  clearBytes = bytes;
  return value;
}

const HEX = Array.from({ length: 256 }, (_, b) => (b < 16 ? '0' : '') + b.toString(16));

/**
 * The last kid converted, and its text: the entries of a bundle usually all share one kid (during a
 * rotation, runs of one kid; two interleaved kids just miss every time, which costs nothing extra).
 */
const lastKid = new Uint8Array(NONCE_OFFSET - KID_OFFSET);
let lastKidText = '0000000000000000';

/** Kid bytes → 16 lowercase hex characters (SPEC §3), as `kidToText` in keys/key.ts. */
function kidHex(envelope: Uint8Array): string {
  let same = true;
  for (let i = 0; i < lastKid.length; i++) same &&= lastKid[i] === envelope[KID_OFFSET + i];
  if (same) return lastKidText;
  let s = '';
  for (let i = KID_OFFSET; i < NONCE_OFFSET; i++) s += HEX[envelope[i] as number];
  lastKid.set(envelope.subarray(KID_OFFSET, NONCE_OFFSET));
  lastKidText = s;
  return s;
}

/*
 * Envelopes of records that are opened and dropped at once (unsealSession, bundle restore) are
 * decoded into a reused buffer: one allocation of a typed array over 64 bytes costs about a
 * microsecond here. Envelopes up to 128 KiB reuse it; larger ones get their own.
 */
const TRANSIENT_KEEP = 128 * 1024;
const transientBytes = scratchBytes(TRANSIENT_KEEP);

/** The header fields of an envelope, as views. */
interface HeaderViews {
  readonly kid: Uint8Array;
  readonly nonce: Uint8Array;
  readonly commitment: Uint8Array;
  readonly header: Uint8Array;
}

function headerViews(envelope: Uint8Array): HeaderViews {
  return {
    kid: envelope.subarray(KID_OFFSET, NONCE_OFFSET),
    nonce: envelope.subarray(NONCE_OFFSET, COMMITMENT_OFFSET),
    commitment: envelope.subarray(COMMITMENT_OFFSET, HEADER_LENGTH),
    header: envelope.subarray(0, HEADER_LENGTH),
  };
}

/** Views of the reused buffer's header, made again only when the scratch grows. */
let transientViews: HeaderViews | undefined;

function transientHeaderViews(envelope: Uint8Array): HeaderViews {
  if (transientViews === undefined || transientViews.header.buffer !== envelope.buffer) {
    transientViews = headerViews(envelope);
  }
  return transientViews;
}

/**
 * SPEC §7 steps 1–2: size first, then exact structure, clear-field rules, canonical base64url,
 * version, minimum length. Throws ERR_ENVELOPE_TOO_LARGE / _MALFORMED / _UNSUPPORTED_VERSION.
 *
 * @internal `reuse`: the envelope bytes of the result live in a buffer that the next `reuse` parse
 * overwrites, for a caller that is done with the record before it parses another.
 */
export function parseSealedRecord(value: unknown, reuse = false): ParsedRecord {
  if (!isPlainObject(value)) throw new EnvelopeMalformedError();
  const sealedContext = Object.hasOwn(value, 'sealedContext') ? value.sealedContext : undefined;
  if (typeof sealedContext === 'string' && sealedContext.length > MAX_SEALED_CONTEXT) {
    throw new EnvelopeTooLargeError(MAX_SEALED_CONTEXT);
  }
  if (!hasExactKeys(value, RECORD_KEYS) || typeof sealedContext !== 'string') {
    throw new EnvelopeMalformedError();
  }
  const metadata = value.metadata;
  if (!isPlainObject(metadata) || !hasExactKeys(metadata, METADATA_KEYS)) {
    throw new EnvelopeMalformedError();
  }
  // Each member is read once, so the value checked is the value returned.
  const sessionId = checkClearField(value.sessionId, MAX_SESSION_ID_BYTES);
  const sessionIdBytes = clearBytes;
  const createdAt = checkClearField(metadata.createdAt, MAX_TIMESTAMP_BYTES);
  const createdAtBytes = clearBytes;
  const lastAccess = checkClearField(metadata.lastAccess, MAX_TIMESTAMP_BYTES);
  const lastAccessBytes = clearBytes;

  const envelope = reuse ? decodeBase64url(sealedContext, transientBytes) : decodeBase64url(sealedContext);
  if (envelope === null || envelope.length === 0) throw new EnvelopeMalformedError();
  const version = envelope[0] as number;
  if (version !== ENVELOPE_VERSION) throw new UnsupportedVersionError(version);
  if (envelope.length < MIN_ENVELOPE_LENGTH) throw new EnvelopeMalformedError();

  // A reused envelope is a view at offset 0 of the scratch buffer, so its header views can be too.
  const views =
    reuse && envelope.length <= TRANSIENT_KEEP && envelope.byteOffset === 0
      ? transientHeaderViews(envelope)
      : headerViews(envelope);
  return {
    sessionId,
    createdAt,
    lastAccess,
    sessionIdBytes,
    createdAtBytes,
    lastAccessBytes,
    envelope,
    kid: views.kid,
    kidText: kidHex(envelope),
    nonce: views.nonce,
    commitment: views.commitment,
    header: views.header,
    body: envelope.subarray(HEADER_LENGTH),
  };
}

/** HEADER = 0x01 ‖ kid ‖ N ‖ COMMITMENT (SPEC §5.1). */
export function encodeHeader(kid: Uint8Array, nonce: Uint8Array, commitment: Uint8Array): Uint8Array {
  return encodeHeaderInto(new Uint8Array(HEADER_LENGTH), kid, nonce, commitment);
}

/** The header written into `out[0..65)`; returns `out`. */
export function encodeHeaderInto(
  out: Uint8Array,
  kid: Uint8Array,
  nonce: Uint8Array,
  commitment: Uint8Array,
): Uint8Array {
  out[0] = ENVELOPE_VERSION;
  out.set(kid, KID_OFFSET);
  out.set(nonce, NONCE_OFFSET);
  out.set(commitment, COMMITMENT_OFFSET);
  return out;
}

/*
 * E = HEADER ‖ ciphertext ‖ tag is assembled in a reused buffer (envelope/seal.ts writes the header
 * and the AEAD output straight into it), since it is only the input of the base64url encoding and
 * public. Envelopes up to 256 KiB reuse it; larger ones get their own.
 */
const envelopeScratch = scratchBytes(256 * 1024);

/**
 * @internal Memory for one envelope of `length` bytes: a view of the shared scratch when it fits,
 * else a new array. Valid until the next call; only the envelope being built may use it.
 */
export function envelopeBytes(length: number): Uint8Array {
  return envelopeScratch(length);
}

/** The sealed record of SPEC §5.3, members in the specified order, from the whole envelope E. */
export function encodeSealedEnvelope(
  sessionId: string,
  createdAt: string,
  lastAccess: string,
  envelope: Uint8Array,
): SealedSessionState {
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
