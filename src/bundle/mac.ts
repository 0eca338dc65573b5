/**
 * Bundle integrity (SPEC §10.2):
 *   MK  = HKDF-Expand(PRK, INFO_BUNDLE_MAC_V1 ‖ kid, 32)
 *   MAC = HMAC-SHA256(MK, ASCII("session-seal/bundle/v1") ‖ u32be(n) ‖ HEADER_1 ‖ … ‖ HEADER_n)
 * Each entry's 65-byte envelope header names its key and its random nonce, so the MAC pins which
 * envelopes the bundle holds and in which order: removing, duplicating, reordering, injecting
 * (even an entry sealed under the same key elsewhere) or truncating changes it. The ciphertexts
 * themselves are authenticated per entry, so the MAC does not re-hash them (that keeps the MAC at
 * 65 bytes per entry, not ~1 KB).
 *
 * The MAC input can be filled header by header (`macInput` + `headerOffset`), so a caller that
 * streams over the entries keeps 65 bytes per entry instead of every decoded envelope.
 */

import { hmacSha256 } from '../crypto/hmac.js';
import { deriveBundleMacKey } from '../crypto/kdf.js';
import { HEADER_LENGTH } from '../envelope/format.js';
import { keyPrk, kidFromText, type MasterKey } from '../keys/key.js';
import { BUNDLE_FORMAT_V1 } from './format.js';

const LABEL = new TextEncoder().encode(BUNDLE_FORMAT_V1);

/** `ASCII("session-seal/bundle/v1") ‖ u32be(count)` followed by room for `count` headers. */
export function macInput(count: number): Uint8Array {
  const input = new Uint8Array(LABEL.length + 4 + count * HEADER_LENGTH);
  input.set(LABEL, 0);
  new DataView(input.buffer).setUint32(LABEL.length, count, false);
  return input;
}

/** Where header `index` goes in a `macInput`. */
export function headerOffset(index: number): number {
  return LABEL.length + 4 + index * HEADER_LENGTH;
}

/** The MAC of a filled `macInput` under `key`. */
export function macOfInput(key: MasterKey, input: Uint8Array): Uint8Array {
  const mk = deriveBundleMacKey(keyPrk(key), kidFromText(key.kid));
  try {
    return hmacSha256(mk, input);
  } finally {
    mk.fill(0);
  }
}
