/** Sealing one SessionState (SPEC §5.6). */
import { getAeadBackend } from '../crypto/aead.js';
import { deriveEnvelopeKeys } from '../crypto/kdf.js';
import { randomBytes } from '../crypto/noble.js';
import { utf8Encode } from '../encoding/utf8.js';
import { SessionInvalidError } from '../errors.js';
import { kidFromText, keyPrk, type MasterKey } from '../keys/key.js';
import { isKeyring, type Keyring } from '../keys/keyring.js';
import { type SessionState, type ValidateOptions, validateSessionState } from '../schema.js';
import { buildAad } from './aad.js';
import { encodeHeader, encodeSealedRecord, MAX_PLAINTEXT, NONCE_LENGTH, type SealedSessionState } from './format.js';

export type SealOptions = ValidateOptions;

/**
 * Seal a SessionState under the keyring's primary key. The state is validated first
 * (ERR_SESSION_INVALID); `sessionId` and `metadata` stay in clear and are bound into the AAD.
 */
export function sealSession(state: SessionState, keyring: Keyring, options?: SealOptions): SealedSessionState {
  assertKeyring(keyring);
  const valid = validateSessionState(state, options);
  return sealValidated(valid, keyring.sealingKey(), randomBytes(NONCE_LENGTH));
}

/**
 * @internal Seal a record that has already passed validation, with a given key and nonce. The
 * nonce parameter exists for rotation (fresh nonce from the caller) and for the SPEC vectors;
 * it is not exported from the package entry point.
 */
export function sealValidated(state: SessionState, key: MasterKey, nonce: Uint8Array): SealedSessionState {
  if (nonce.length !== NONCE_LENGTH) throw new RangeError('nonce must be 24 bytes');
  const plaintext = utf8Encode(JSON.stringify(state.context));
  if (plaintext.length > MAX_PLAINTEXT) {
    throw new SessionInvalidError([{ path: ['context'], code: 'too_large' }]);
  }
  const { sessionId } = state;
  const { createdAt, lastAccess } = state.metadata;
  const kid = kidFromText(key.kid);
  const { ek, commitment } = deriveEnvelopeKeys(keyPrk(key), kid, nonce);
  const header = encodeHeader(kid, nonce, commitment);
  const aad = buildAad(header, utf8Encode(sessionId), utf8Encode(createdAt), utf8Encode(lastAccess));
  const body = getAeadBackend().seal(ek, nonce, aad, plaintext);
  return encodeSealedRecord(sessionId, createdAt, lastAccess, header, body);
}

/** @internal Programmer error when the keyring argument is not a Keyring. */
export function assertKeyring(keyring: unknown): asserts keyring is Keyring {
  if (!isKeyring(keyring)) throw new TypeError('keyring must be created with createKeyring()');
}
