/**
 * Bundle integrity (SPEC §10.2):
 *   MK  = HKDF-Expand(PRK, INFO_BUNDLE_MAC_V1 ‖ kid, 32)
 *   MAC = HMAC-SHA256(MK, ASCII("session-seal/bundle/v1") ‖ u32be(n) ‖ HEADER_1 ‖ … ‖ HEADER_n)
 * Each entry's 65-byte envelope header names its key and its random nonce, so the MAC pins which
 * envelopes the bundle holds and in which order: removing, duplicating, reordering, injecting
 * (even an entry sealed under the same key elsewhere) or truncating changes it. The ciphertexts
 * themselves are authenticated per entry, so the MAC does not re-hash them (that keeps the MAC at
 * 65 bytes per entry, not ~1 KB).
 */
import { deriveBundleMacKey } from '../crypto/kdf.js';
import { equalBytes, hmacSha256 } from '../crypto/noble.js';
import { HEADER_LENGTH } from '../envelope/format.js';
import { kidFromText, keyPrk, type MasterKey } from '../keys/key.js';
import { BUNDLE_FORMAT_V1 } from './format.js';

const LABEL = new TextEncoder().encode(BUNDLE_FORMAT_V1);

/** The MAC over the ordered entry headers under `key`. */
export function bundleMac(key: MasterKey, headers: readonly Uint8Array[]): Uint8Array {
  const input = new Uint8Array(LABEL.length + 4 + headers.length * HEADER_LENGTH);
  input.set(LABEL, 0);
  new DataView(input.buffer).setUint32(LABEL.length, headers.length, false);
  let o = LABEL.length + 4;
  for (const h of headers) {
    input.set(h, o);
    o += HEADER_LENGTH;
  }
  return hmacSha256(deriveBundleMacKey(keyPrk(key), kidFromText(key.kid)), input);
}

/** Constant-time check of a bundle MAC. */
export function verifyBundleMac(key: MasterKey, headers: readonly Uint8Array[], mac: Uint8Array): boolean {
  return equalBytes(bundleMac(key, headers), mac);
}
