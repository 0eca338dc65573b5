/**
 * The key schedule of format v1 (SPEC §4.3).
 *
 *   PRK        = HKDF-Extract(SALT_V1, K)                      once per master key (keys/key.ts)
 *   EK ‖ COMMIT = HKDF-Expand(PRK, INFO_ENVELOPE_V1 ‖ kid ‖ N, 64)   per envelope
 *   MK         = HKDF-Expand(PRK, INFO_BUNDLE_MAC_V1 ‖ kid, 32)     per bundle
 *
 * HKDF-Expand is written out here (RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i)) instead of
 * calling noble's `expand`, because noble re-keys HMAC on every call; with the keyed state cached
 * per PRK each envelope costs two HMACs without the two key-block compressions each. The result
 * is checked against noble's `expand` in test/kdf.test.ts and against the SPEC vectors.
 */
import { type KeyedHmac, keyedHmacSha256 } from './noble.js';
import { INFO_BUNDLE_MAC_V1, INFO_ENVELOPE_V1 } from './labels.js';

const keyed = new WeakMap<Uint8Array, KeyedHmac>();
const ONE = Uint8Array.of(1);
const TWO = Uint8Array.of(2);

function hmacFor(prk: Uint8Array): KeyedHmac {
  let h = keyed.get(prk);
  if (h === undefined) {
    h = keyedHmacSha256(prk);
    keyed.set(prk, h);
  }
  return h;
}

/** Per-envelope key and commitment (SPEC §4.3). `kid` 8 bytes, `nonce` 24 bytes. */
export function deriveEnvelopeKeys(
  prk: Uint8Array,
  kid: Uint8Array,
  nonce: Uint8Array,
): { ek: Uint8Array; commitment: Uint8Array } {
  const h = hmacFor(prk);
  // L = 64 = 2 × HashLen: T(1) is EK, T(2) is COMMITMENT.
  const t1 = h.mac(INFO_ENVELOPE_V1, kid, nonce, ONE);
  const t2 = h.mac(t1, INFO_ENVELOPE_V1, kid, nonce, TWO);
  return { ek: t1, commitment: t2 };
}

/** Bundle MAC key (SPEC §4.3, §10). L = 32 = HashLen: T(1). */
export function deriveBundleMacKey(prk: Uint8Array, kid: Uint8Array): Uint8Array {
  return hmacFor(prk).mac(INFO_BUNDLE_MAC_V1, kid, ONE);
}
