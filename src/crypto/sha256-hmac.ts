/**
 * HMAC-SHA256 (RFC 2104) for short messages on a written-out SHA-256 compression (FIPS 180-4
 * §6.2.2), for the per-envelope HKDF-Expand in kdf.ts only.
 *
 * Why not noble's sha256/hmac: a generic hash object costs far more than the six compressions an
 * envelope needs, in cloning and allocation (it was a quarter of a seal). This is the compression
 * function and the HMAC key schedule and nothing else — fixed-size inputs, no secret-dependent
 * branches or table lookups (SHA-256 is pure add-rotate-xor). It is checked against noble's
 * `expand` and node:crypto's HKDF by property tests (test/kdf.test.ts) and by every SPEC vector.
 *
 * The scratch arrays are shared: JS runs one call at a time per realm, and callers wipe them.
 */
import { sha256 } from './noble.js';
import { compressBlock } from './sha256-compress.js';

// FIPS 180-4 §5.3.3 initial hash value. (The round constants are in sha256-compress.ts.)
export const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/*
 * Scratch state, shared by every call: JS runs one call at a time per realm, and each function
 * below wipes what it wrote (key-derived words) before returning.
 */
export const W = new Int32Array(16); // the block being compressed (the schedule lives in locals)
export const S = new Int32Array(8); // running hash state
/** The HMAC message and its SHA-256 padding: up to 119 bytes of message fit in two blocks. */
export const MSG = new Uint8Array(128);

/** One compression of the block in W[0..16) into S (FIPS 180-4 §6.2.2; sha256-compress.ts). */
export function compress(): void {
  compressBlock(S, W);
}

/** Load 64 bytes of `bytes` at `offset` into W[0..16) as big-endian words. */
export function loadBlock(bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++, offset += 4) {
    W[i] =
      ((bytes[offset] as number) << 24) |
      ((bytes[offset + 1] as number) << 16) |
      ((bytes[offset + 2] as number) << 8) |
      (bytes[offset + 3] as number);
  }
}

/** HMAC-SHA256 key schedule: the states after the ipad and the opad block (RFC 2104 §2). */
export interface HmacKeys {
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

export function keyHmac(key: Uint8Array): HmacKeys {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256(key) : key); // RFC 2104 §2: long keys are hashed first
  const states: Int32Array[] = [];
  for (const pad of [0x36, 0x5c]) {
    for (let i = 0; i < 64; i++) MSG[i] = (block[i] as number) ^ pad;
    S.set(IV);
    loadBlock(MSG, 0);
    compress();
    states.push(Int32Array.from(S));
  }
  block.fill(0);
  wipe();
  return { inner: states[0] as Int32Array, outer: states[1] as Int32Array };
}

/**
 * HMAC(key, MSG[0..length)) into `out` (32 bytes), `length ≤ 119`: the inner hash is one or two
 * blocks (SHA-256 padding: 0x80, zeros, the 64-bit bit length), the outer hash one block.
 */
export function hmacShort(keys: HmacKeys, length: number, out: Uint8Array): void {
  const blocks = length + 9 <= 64 ? 1 : 2;
  const end = blocks * 64;
  MSG[length] = 0x80;
  MSG.fill(0, length + 1, end - 4);
  // Bit length of ipad block ‖ message; < 2^32, so the high word stays 0.
  const bits = (64 + length) * 8;
  MSG[end - 4] = bits >>> 24;
  MSG[end - 3] = (bits >>> 16) & 0xff;
  MSG[end - 2] = (bits >>> 8) & 0xff;
  MSG[end - 1] = bits & 0xff;
  S.set(keys.inner);
  for (let b = 0; b < blocks; b++) {
    loadBlock(MSG, b * 64);
    compress();
  }
  outerHash(keys);
  storeState(out);
}

/** Zero the scratch that held key-derived words (and the message bytes, when `msg` was used). */
export function wipe(msg = true): void {
  W.fill(0);
  S.fill(0);
  if (msg) MSG.fill(0);
}

/** The outer hash of HMAC over the inner digest in S; leaves the tag in S. */
export function outerHash(keys: HmacKeys): void {
  for (let i = 0; i < 8; i++) W[i] = S[i] as number;
  W[8] = 0x80000000 | 0;
  W.fill(0, 9, 15);
  W[15] = (64 + 32) * 8;
  S.set(keys.outer);
  compress();
}

export function storeState(out: Uint8Array): void {
  for (let i = 0, o = 0; i < 8; i++, o += 4) {
    const v = S[i] as number;
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
}
