/** Sealing one SessionState (SPEC §5.6). */
import { assertNotInBackend, backendSeal } from '../crypto/aead.js';
import { deriveEnvelopeKeysInto } from '../crypto/kdf.js';
import { randomBytes } from '../crypto/random.js';
import { scratchBytes } from '../encoding/scratch.js';
import { utf8Encode } from '../encoding/utf8.js';
import { SessionInvalidError } from '../errors.js';
import { keyPrk, kidFromText, type MasterKey } from '../keys/key.js';
import { isKeyring, type Keyring } from '../keys/keyring.js';
import { type SessionState, type ValidateOptions, validateSessionState } from '../schema.js';
import { buildAadFromText } from './aad.js';
import {
  encodeHeaderInto,
  encodeSealedEnvelope,
  envelopeBytes,
  HEADER_LENGTH,
  MAX_PLAINTEXT,
  NONCE_LENGTH,
  type SealedSessionState,
  TAG_LENGTH,
} from './format.js';

export type SealOptions = ValidateOptions;

/**
 * Seal a SessionState under the keyring's primary key. The state is validated first
 * (ERR_SESSION_INVALID); `sessionId` and `metadata` stay in clear and are bound into the AAD.
 */
export function sealSession(
  state: SessionState,
  keyring: Keyring,
  options?: SealOptions,
): SealedSessionState {
  assertKeyring(keyring);
  const valid = validateSessionState(state, options);
  return sealValidated(valid, keyring.sealingKey(), randomBytes(NONCE_LENGTH));
}

/**
 * @internal Seal a record that has already passed validation, with a given key and nonce. The
 * nonce parameter exists for rotation (fresh nonce from the caller) and for the SPEC vectors;
 * it is not exported from the package entry point. `headerOut`, when given, receives the 65-byte
 * envelope header.
 */
export function sealValidated(
  state: SessionState,
  key: MasterKey,
  nonce: Uint8Array,
  headerOut?: Uint8Array,
): SealedSessionState {
  assertNotInBackend();
  if (nonce.length !== NONCE_LENGTH) throw new RangeError('nonce must be 24 bytes');
  const json = JSON.stringify(state.context);
  // Each UTF-16 unit is at least one UTF-8 byte: too large before encoding is too large after.
  if (json.length > MAX_PLAINTEXT) throw tooLarge();
  const plaintext = encodePlaintext(json);
  try {
    if (plaintext.length > MAX_PLAINTEXT) throw tooLarge();
    const { sessionId } = state;
    const { createdAt, lastAccess } = state.metadata;
    const kid = kidBytes(key);
    const ek = EK;
    const commitment = COMMITMENT;
    deriveEnvelopeKeysInto(keyPrk(key), kid, nonce, ek, commitment);
    // SPEC §5.1: header ‖ AEAD output, assembled in place (scratch memory when it fits).
    const envelope = envelopeBytes(HEADER_LENGTH + plaintext.length + TAG_LENGTH);
    const header = encodeHeaderInto(envelope.subarray(0, HEADER_LENGTH), kid, nonce, commitment);
    const aad = buildAadFromText(header, sessionId, createdAt, lastAccess);
    const bodyOut = envelope.subarray(HEADER_LENGTH);
    const body = backendSeal(ek, nonce, aad, plaintext, bodyOut);
    if (body !== bodyOut) bodyOut.set(body); // a backend that ignores `out`
    headerOut?.set(header); // a bundle's MAC input (bundle/seal.ts)
    return encodeSealedEnvelope(sessionId, createdAt, lastAccess, envelope);
  } finally {
    EK.fill(0);
    plaintext.fill(0); // a view into the plaintext scratch, or a private copy
  }
}

function tooLarge(): SessionInvalidError {
  return new SessionInvalidError([{ path: ['context'], code: 'too_large' }]);
}

/*
 * Scratch for the hot path (one allocation of a typed array over 64 bytes costs about a
 * microsecond here, and a seal used to make six). JS runs one call at a time per realm, so sharing
 * is safe; backends consume their arguments before returning (both built-in ones copy them).
 * The plaintext scratch holds secret bytes only during a seal: it is wiped in `finally`.
 */
const PLAINTEXT_KEEP = 192 * 1024;
/** EK (wiped in sealValidated's `finally`) and the commitment (public) of the envelope being built. */
const EK = new Uint8Array(32);
const COMMITMENT = new Uint8Array(32);
const plaintextScratch = scratchBytes(PLAINTEXT_KEEP);
const utf8 = new TextEncoder();

/** UTF-8 of the context JSON: a view into the scratch when it fits, else its own array. */
function encodePlaintext(json: string): Uint8Array {
  // encodeInto needs room for the worst case, 3 bytes per UTF-16 unit.
  const worst = json.length * 3;
  if (worst > PLAINTEXT_KEEP) return utf8Encode(json);
  const buffer = plaintextScratch(worst);
  const { written } = utf8.encodeInto(json, buffer);
  return buffer.subarray(0, written);
}

/** Kid bytes per key, parsed from the kid text once (public values; never written to). */
const kids = new WeakMap<MasterKey, Uint8Array>();

function kidBytes(key: MasterKey): Uint8Array {
  let kid = kids.get(key);
  if (kid === undefined) {
    kid = kidFromText(key.kid);
    kids.set(key, kid);
  }
  return kid;
}

/**
 * @internal Programmer error when the keyring argument is not a Keyring. Every entry point that
 * takes a keyring calls this first, so it also refuses a call from inside an AEAD backend before
 * any shared scratch memory is touched (crypto/aead.ts).
 */
export function assertKeyring(keyring: unknown): asserts keyring is Keyring {
  assertNotInBackend();
  if (!isKeyring(keyring)) throw new TypeError('keyring must be created with createKeyring()');
}
