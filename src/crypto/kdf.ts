/**
 * The key schedule of format v1 (SPEC §4.3).
 *
 *   PRK         = HKDF-Extract(SALT_V1, K)                        once per master key (keys/key.ts)
 *   EK ‖ COMMIT = HKDF-Expand(PRK, INFO_ENVELOPE_V1 ‖ kid ‖ N, 64)   per envelope
 *   MK          = HKDF-Expand(PRK, INFO_BUNDLE_MAC_V1 ‖ kid, 32)    per bundle
 *
 * HKDF-Expand is written out (RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i)) on the
 * short-message HMAC-SHA256 of sha256-hmac.ts: the ipad/opad states are computed once per PRK, so
 * an envelope costs exactly six compressions and, through `deriveEnvelopeKeysInto`, no allocation.
 * The result is checked against noble's `expand` and node:crypto's HKDF in test/kdf.test.ts, and
 * end to end by the SPEC vectors. On Node the expansion after keying runs in WebAssembly
 * (`setNativeEnvelopeKeys`, src/node/wasm-core.ts: 1.1 µs against 2.4 µs here), checked the same
 * way (test/wasm-core.test.ts) and self-tested against `expandEnvelopeKeys` before it is installed.
 */
import { INFO_BUNDLE_MAC_V1, INFO_ENVELOPE_V1 } from './labels.js';
import {
  compress,
  type HmacKeys,
  hmacShort,
  keyHmac,
  MSG,
  outerHash,
  S,
  storeState,
  W,
  wipe,
} from './sha256-hmac.js';

const keyed = new WeakMap<Uint8Array, HmacKeys>();

/**
 * The per-envelope expansion after keying: `deriveEnvelopeKeysInto`'s contract, given the keyed
 * HMAC states of the PRK instead of the PRK.
 */
export type EnvelopeKeysFn = (
  keys: HmacKeys,
  kid: Uint8Array,
  nonce: Uint8Array,
  ek: Uint8Array,
  commitment: Uint8Array,
) => void;

let native: EnvelopeKeysFn | undefined;

/**
 * @internal Install a native expansion (the Node entry's WebAssembly one, src/node/wasm-core.ts,
 * after it reproduced this file's on a self-test), or `undefined` for the JS one below.
 */
export function setNativeEnvelopeKeys(fn: EnvelopeKeysFn | undefined): void {
  native = fn;
}

/** @internal Whether a native expansion is in use. */
export function nativeEnvelopeKeysInUse(): boolean {
  return native !== undefined;
}

/** @internal The keyed HMAC state of a PRK, computed once per PRK object (SPEC §4.3 "MAY be cached"). */
export function hmacKeysOf(prk: Uint8Array): HmacKeys {
  let k = keyed.get(prk);
  if (k === undefined) {
    k = keyHmac(prk);
    keyed.set(prk, k);
  }
  return k;
}

const KID_LENGTH = 8;
const NONCE_LENGTH = 24;

function word(bytes: Uint8Array, o: number): number {
  return (
    ((bytes[o] as number) << 24) |
    ((bytes[o + 1] as number) << 16) |
    ((bytes[o + 2] as number) << 8) |
    (bytes[o + 3] as number)
  );
}

/** INFO_ENVELOPE_V1 (24 bytes) as six big-endian words. */
const INFO_WORDS = Int32Array.from({ length: 6 }, (_, i) => word(INFO_ENVELOPE_V1, i * 4));

/**
 * Per-envelope key and commitment (SPEC §4.3). `kid` 8 bytes, `nonce` 24 bytes. Returns new arrays;
 * the hot paths use `deriveEnvelopeKeysInto`.
 */
export function deriveEnvelopeKeys(
  prk: Uint8Array,
  kid: Uint8Array,
  nonce: Uint8Array,
): { ek: Uint8Array; commitment: Uint8Array } {
  const ek = new Uint8Array(32);
  const commitment = new Uint8Array(32);
  deriveEnvelopeKeysInto(prk, kid, nonce, ek, commitment);
  return { ek, commitment };
}

/**
 * Per-envelope key and commitment (SPEC §4.3) written into `ek` and `commitment` (32 bytes each),
 * so a seal or an open allocates nothing for them (the caller wipes `ek` after use). The outputs
 * must not share memory with each other or with `kid` and `nonce` (EK is written before they are
 * read again for T(2)); the only callers pass module-private arrays. Not checked here: the check
 * cost a fifth of a microsecond per envelope, a tenth of the derivation.
 *
 * Every field of both messages falls on a 4-byte boundary, so the blocks are written as words:
 *   T(1) = HMAC(PRK, INFO ‖ kid ‖ N ‖ 0x01)          57 bytes → inner blocks [INFO kid N 01 80 0…] [0… len]
 *   T(2) = HMAC(PRK, T(1) ‖ INFO ‖ kid ‖ N ‖ 0x02)   89 bytes → inner blocks [T1 INFO kid] [N 02 80 0… len]
 * where `len` is the 64-bit bit length of ipad block ‖ message (FIPS 180-4 §5.1.1).
 */
export function deriveEnvelopeKeysInto(
  prk: Uint8Array,
  kid: Uint8Array,
  nonce: Uint8Array,
  ek: Uint8Array,
  commitment: Uint8Array,
): void {
  if (kid.length !== KID_LENGTH || nonce.length !== NONCE_LENGTH) {
    throw new RangeError('kid must be 8 bytes and nonce 24 bytes');
  }
  if (ek.length !== 32 || commitment.length !== 32) throw new RangeError('outputs must be 32 bytes');
  const keys = hmacKeysOf(prk);
  if (native !== undefined) native(keys, kid, nonce, ek, commitment);
  else expandEnvelopeKeys(keys, kid, nonce, ek, commitment);
}

/** @internal The JS expansion (the portable path, and the reference of the native one). */
export function expandEnvelopeKeys(
  keys: HmacKeys,
  kid: Uint8Array,
  nonce: Uint8Array,
  ek: Uint8Array,
  commitment: Uint8Array,
): void {
  const k0 = word(kid, 0);
  const k1 = word(kid, 4);
  // T(1): EK.
  S.set(keys.inner);
  W.set(INFO_WORDS, 0);
  W[6] = k0;
  W[7] = k1;
  for (let i = 0; i < 6; i++) W[8 + i] = word(nonce, i * 4);
  W[14] = 0x01800000;
  W[15] = 0;
  compress();
  W.fill(0, 0, 15);
  W[15] = (64 + 57) * 8;
  compress();
  outerHash(keys);
  storeState(ek);
  // T(2): COMMITMENT. T(1) is still in S.
  for (let i = 0; i < 8; i++) W[i] = S[i] as number;
  W.set(INFO_WORDS, 8);
  W[14] = k0;
  W[15] = k1;
  S.set(keys.inner);
  compress();
  for (let i = 0; i < 6; i++) W[i] = word(nonce, i * 4);
  W[6] = 0x02800000;
  W.fill(0, 7, 15);
  W[15] = (64 + 89) * 8;
  compress();
  outerHash(keys);
  storeState(commitment);
  wipe(false); // MSG is not used here
}

/** Bundle MAC key (SPEC §4.3, §10). L = 32 = HashLen: T(1), a 35-byte message. */
export function deriveBundleMacKey(prk: Uint8Array, kid: Uint8Array): Uint8Array {
  if (kid.length !== KID_LENGTH) throw new RangeError('kid must be 8 bytes');
  const keys = hmacKeysOf(prk); // before MSG is written: keying uses the same scratch
  const length = INFO_BUNDLE_MAC_V1.length + KID_LENGTH + 1;
  const out = new Uint8Array(32);
  MSG.set(INFO_BUNDLE_MAC_V1, 0);
  MSG.set(kid, INFO_BUNDLE_MAC_V1.length);
  MSG[length - 1] = 1;
  hmacShort(keys, length, out);
  wipe();
  return out;
}
