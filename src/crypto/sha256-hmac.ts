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

// FIPS 180-4 §4.2.2 round constants and §5.3.3 initial hash value.
// biome-ignore format: a table
export const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
export const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/*
 * Scratch state, shared by every call: JS runs one call at a time per realm, and each function
 * below wipes what it wrote (key-derived words) before returning.
 */
export const W = new Int32Array(64); // message schedule
export const S = new Int32Array(8); // running hash state
/** The HMAC message and its SHA-256 padding: up to 119 bytes of message fit in two blocks. */
export const MSG = new Uint8Array(128);

/**
 * One compression of the block in W[0..16) into S (FIPS 180-4 §6.2.2). The message schedule is
 * extended inside the round loop, and Ch / Maj use the equivalent forms g ^ (e & (f ^ g)) and
 * (a & b) ^ (c & (a ^ b)), one operation fewer each: about a quarter faster than the textbook loop.
 */
export function compress(): void {
  let a = S[0] as number;
  let b = S[1] as number;
  let c = S[2] as number;
  let d = S[3] as number;
  let e = S[4] as number;
  let f = S[5] as number;
  let g = S[6] as number;
  let h = S[7] as number;
  for (let t = 0; t < 64; t++) {
    let w: number;
    if (t < 16) w = W[t] as number;
    else {
      const w15 = W[t - 15] as number;
      const w2 = W[t - 2] as number;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      w = (s1 + (W[t - 7] as number) + s0 + (W[t - 16] as number)) | 0;
      W[t] = w;
    }
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + (g ^ (e & (f ^ g))) + (K[t] as number) + w) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (c & (a ^ b)))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  S[0] = ((S[0] as number) + a) | 0;
  S[1] = ((S[1] as number) + b) | 0;
  S[2] = ((S[2] as number) + c) | 0;
  S[3] = ((S[3] as number) + d) | 0;
  S[4] = ((S[4] as number) + e) | 0;
  S[5] = ((S[5] as number) + f) | 0;
  S[6] = ((S[6] as number) + g) | 0;
  S[7] = ((S[7] as number) + h) | 0;
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
