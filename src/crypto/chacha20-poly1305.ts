/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §2.3) and ChaCha20-Poly1305 (RFC 8439 §2.8) that
 * write into caller-provided memory and allocate nothing per message.
 *
 * Why not noble here: noble's AEAD is the portable backend (crypto/noble.ts) and stays the
 * reference, but its API copies every input it is given (`copyBytes` on the key and on each
 * `Poly1305.update`, `u32` views that force V8 to move small arrays off-heap) and allocates its
 * output. Each such ArrayBuffer costs 1–4 µs on a 2-vCPU container because V8 registers it with a
 * concurrent sweeper thread; node:crypto's ChaCha20-Poly1305 pays the same cost three times per
 * message (update, final, getAuthTag) on top of an OpenSSL context set-up. For the ~0.5 KiB
 * contexts this library seals, that overhead was most of the AEAD's time. This module is the
 * ChaCha20 block function, HChaCha20 and Poly1305 on preallocated scratch, and nothing else.
 *
 * Checked by: every Wycheproof XChaCha20-Poly1305 and ChaCha20-Poly1305 case, the RFC 8439 §2.8.2
 * and draft A.3.1 vectors (test/crypto-kat.test.ts), and property tests against noble
 * (test/chacha-core.test.ts). Constant time in the same sense as noble: ChaCha20 is add-rotate-xor,
 * Poly1305 is poly1305-donna-16 arithmetic (13-bit limbs, products below 2^53), the final
 * reduction is branch-free, and the tag comparison accumulates XORs.
 *
 * Byte order: words are assembled from bytes with shifts, so results do not depend on the host's
 * endianness (no typed-array views over byte arrays).
 *
 * The scratch arrays are shared by every call (JS runs one call at a time per realm) and hold
 * key-derived values only during a call: each exported function wipes them before it returns.
 */

const KEY_LENGTH = 32;
const TAG_LENGTH = 16;
/** Lengths are encoded as 64-bit values; this keeps the high word 0 and the block counter < 2^32. */
const MAX_LENGTH = 2 ** 32 - 1;

// RFC 8439 §2.3: "expand 32-byte k".
const SIGMA0 = 0x61707865;
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;

const KEYW = new Int32Array(8); // the ChaCha20 key as little-endian words
const X = new Int32Array(16); // one block function output
const R = new Uint16Array(10); // Poly1305 r, clamped, in 13-bit limbs
const H = new Uint16Array(10); // Poly1305 accumulator
const PAD = new Uint16Array(8); // Poly1305 s, in 16-bit words
const G = new Uint16Array(10); // final reduction scratch
const BLOCK = new Uint8Array(16); // a zero-padded partial block, or the length block
const TAG = new Uint8Array(TAG_LENGTH); // the tag computed by `open`

function load32(b: Uint8Array, o: number): number {
  return (
    (b[o] as number) |
    ((b[o + 1] as number) << 8) |
    ((b[o + 2] as number) << 16) |
    ((b[o + 3] as number) << 24)
  );
}

/**
 * The ChaCha20 block function (RFC 8439 §2.3) on state (sigma, KEYW, c12, c13, c14, c15), into X.
 * With `feedForward` false it is the HChaCha20 permutation (draft §2.2): 20 rounds, no final
 * addition of the input state.
 */
function core(c12: number, c13: number, c14: number, c15: number, feedForward: boolean): void {
  const k0 = KEYW[0] as number;
  const k1 = KEYW[1] as number;
  const k2 = KEYW[2] as number;
  const k3 = KEYW[3] as number;
  const k4 = KEYW[4] as number;
  const k5 = KEYW[5] as number;
  const k6 = KEYW[6] as number;
  const k7 = KEYW[7] as number;
  let x0 = SIGMA0;
  let x1 = SIGMA1;
  let x2 = SIGMA2;
  let x3 = SIGMA3;
  let x4 = k0;
  let x5 = k1;
  let x6 = k2;
  let x7 = k3;
  let x8 = k4;
  let x9 = k5;
  let x10 = k6;
  let x11 = k7;
  let x12 = c12;
  let x13 = c13;
  let x14 = c14;
  let x15 = c15;
  // biome-ignore format: one quarter round (RFC 8439 §2.1) per line group
  for (let i = 0; i < 10; i++) {
    // column round
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);
    // diagonal round
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  if (feedForward) {
    x0 = (x0 + SIGMA0) | 0;
    x1 = (x1 + SIGMA1) | 0;
    x2 = (x2 + SIGMA2) | 0;
    x3 = (x3 + SIGMA3) | 0;
    x4 = (x4 + k0) | 0;
    x5 = (x5 + k1) | 0;
    x6 = (x6 + k2) | 0;
    x7 = (x7 + k3) | 0;
    x8 = (x8 + k4) | 0;
    x9 = (x9 + k5) | 0;
    x10 = (x10 + k6) | 0;
    x11 = (x11 + k7) | 0;
    x12 = (x12 + c12) | 0;
    x13 = (x13 + c13) | 0;
    x14 = (x14 + c14) | 0;
    x15 = (x15 + c15) | 0;
  }
  X[0] = x0;
  X[1] = x1;
  X[2] = x2;
  X[3] = x3;
  X[4] = x4;
  X[5] = x5;
  X[6] = x6;
  X[7] = x7;
  X[8] = x8;
  X[9] = x9;
  X[10] = x10;
  X[11] = x11;
  X[12] = x12;
  X[13] = x13;
  X[14] = x14;
  X[15] = x15;
}

/** KEYW = the 32-byte `key` as little-endian words. */
function loadKey(key: Uint8Array): void {
  for (let i = 0; i < 8; i++) KEYW[i] = load32(key, i * 4);
}

/**
 * KEYW = HChaCha20(KEYW, nonce[0..16)) (draft-irtf-cfrg-xchacha-03 §2.2): words 0–3 and 12–15 of
 * the permuted state. The subkey stays in word form; its byte serialization is little-endian, so
 * loading it back would give the same words.
 */
function hchachaKey(nonce: Uint8Array): void {
  core(load32(nonce, 0), load32(nonce, 4), load32(nonce, 8), load32(nonce, 12), false);
  KEYW[0] = X[0] as number;
  KEYW[1] = X[1] as number;
  KEYW[2] = X[2] as number;
  KEYW[3] = X[3] as number;
  KEYW[4] = X[12] as number;
  KEYW[5] = X[13] as number;
  KEYW[6] = X[14] as number;
  KEYW[7] = X[15] as number;
}

/**
 * out[outOff..outOff+length) = input[inOff..) XOR ChaCha20 keystream from block `counter`
 * (RFC 8439 §2.4), nonce words n0..n2. Reads each input byte before writing the output byte at the
 * same index, so in-place use (same array, same offset) is fine.
 */
function xorStream(
  counter: number,
  n0: number,
  n1: number,
  n2: number,
  input: Uint8Array,
  inOff: number,
  out: Uint8Array,
  outOff: number,
  length: number,
): void {
  for (let pos = 0; pos < length; pos += 64, counter++) {
    core(counter, n0, n1, n2, true);
    const take = Math.min(length - pos, 64);
    if (take === 64) {
      for (let j = 0, i = inOff + pos, o = outOff + pos; j < 16; j++, i += 4, o += 4) {
        const w = X[j] as number;
        out[o] = (input[i] as number) ^ (w & 0xff);
        out[o + 1] = (input[i + 1] as number) ^ ((w >>> 8) & 0xff);
        out[o + 2] = (input[i + 2] as number) ^ ((w >>> 16) & 0xff);
        out[o + 3] = (input[i + 3] as number) ^ (w >>> 24);
      }
    } else {
      for (let j = 0; j < take; j++) {
        const w = X[j >>> 2] as number;
        out[outOff + pos + j] = (input[inOff + pos + j] as number) ^ ((w >>> ((j & 3) * 8)) & 0xff);
      }
    }
  }
}

/**
 * Poly1305 key from ChaCha20 block 0 (RFC 8439 §2.6): r = X[0..4) clamped (§2.5.1), s = X[4..8).
 * Limb layout and clamping masks as in poly1305-donna-16 (and noble's Poly1305).
 */
function polyInit(): void {
  const t0 = (X[0] as number) & 0xffff;
  const t1 = (X[0] as number) >>> 16;
  const t2 = (X[1] as number) & 0xffff;
  const t3 = (X[1] as number) >>> 16;
  const t4 = (X[2] as number) & 0xffff;
  const t5 = (X[2] as number) >>> 16;
  const t6 = (X[3] as number) & 0xffff;
  const t7 = (X[3] as number) >>> 16;
  R[0] = t0 & 0x1fff;
  R[1] = ((t0 >>> 13) | (t1 << 3)) & 0x1fff;
  R[2] = ((t1 >>> 10) | (t2 << 6)) & 0x1f03;
  R[3] = ((t2 >>> 7) | (t3 << 9)) & 0x1fff;
  R[4] = ((t3 >>> 4) | (t4 << 12)) & 0x00ff;
  R[5] = (t4 >>> 1) & 0x1ffe;
  R[6] = ((t4 >>> 14) | (t5 << 2)) & 0x1fff;
  R[7] = ((t5 >>> 11) | (t6 << 5)) & 0x1f81;
  R[8] = ((t6 >>> 8) | (t7 << 8)) & 0x1fff;
  R[9] = (t7 >>> 5) & 0x007f;
  for (let i = 0; i < 4; i++) {
    const w = X[4 + i] as number;
    PAD[2 * i] = w & 0xffff;
    PAD[2 * i + 1] = w >>> 16;
  }
  H.fill(0);
}

/**
 * Absorb the 16-byte blocks of data[off..end) (`end - off` a multiple of 16), each with the 2^128
 * bit set (RFC 8439 §2.5.1) unless `last` (a final partial block that already carries its 0x01
 * byte). In the AEAD every block is full: §2.8 pads AAD and ciphertext to 16 bytes and the length
 * block is 16 bytes. Arithmetic of poly1305-donna-16.
 */
function polyBlocks(data: Uint8Array, off: number, end: number, last = false): void {
  const hibit = last ? 0 : 1 << 11;
  const r0 = R[0] as number;
  const r1 = R[1] as number;
  const r2 = R[2] as number;
  const r3 = R[3] as number;
  const r4 = R[4] as number;
  const r5 = R[5] as number;
  const r6 = R[6] as number;
  const r7 = R[7] as number;
  const r8 = R[8] as number;
  const r9 = R[9] as number;
  let h0 = H[0] as number;
  let h1 = H[1] as number;
  let h2 = H[2] as number;
  let h3 = H[3] as number;
  let h4 = H[4] as number;
  let h5 = H[5] as number;
  let h6 = H[6] as number;
  let h7 = H[7] as number;
  let h8 = H[8] as number;
  let h9 = H[9] as number;
  for (let o = off; o < end; o += 16) {
    const t0 = (data[o] as number) | ((data[o + 1] as number) << 8);
    const t1 = (data[o + 2] as number) | ((data[o + 3] as number) << 8);
    const t2 = (data[o + 4] as number) | ((data[o + 5] as number) << 8);
    const t3 = (data[o + 6] as number) | ((data[o + 7] as number) << 8);
    const t4 = (data[o + 8] as number) | ((data[o + 9] as number) << 8);
    const t5 = (data[o + 10] as number) | ((data[o + 11] as number) << 8);
    const t6 = (data[o + 12] as number) | ((data[o + 13] as number) << 8);
    const t7 = (data[o + 14] as number) | ((data[o + 15] as number) << 8);
    h0 += t0 & 0x1fff;
    h1 += ((t0 >>> 13) | (t1 << 3)) & 0x1fff;
    h2 += ((t1 >>> 10) | (t2 << 6)) & 0x1fff;
    h3 += ((t2 >>> 7) | (t3 << 9)) & 0x1fff;
    h4 += ((t3 >>> 4) | (t4 << 12)) & 0x1fff;
    h5 += (t4 >>> 1) & 0x1fff;
    h6 += ((t4 >>> 14) | (t5 << 2)) & 0x1fff;
    h7 += ((t5 >>> 11) | (t6 << 5)) & 0x1fff;
    h8 += ((t6 >>> 8) | (t7 << 8)) & 0x1fff;
    h9 += (t7 >>> 5) | hibit;
    let c = 0;
    let d0 = c + h0 * r0 + h1 * (5 * r9) + h2 * (5 * r8) + h3 * (5 * r7) + h4 * (5 * r6);
    c = d0 >>> 13;
    d0 &= 0x1fff;
    d0 += h5 * (5 * r5) + h6 * (5 * r4) + h7 * (5 * r3) + h8 * (5 * r2) + h9 * (5 * r1);
    c += d0 >>> 13;
    d0 &= 0x1fff;
    let d1 = c + h0 * r1 + h1 * r0 + h2 * (5 * r9) + h3 * (5 * r8) + h4 * (5 * r7);
    c = d1 >>> 13;
    d1 &= 0x1fff;
    d1 += h5 * (5 * r6) + h6 * (5 * r5) + h7 * (5 * r4) + h8 * (5 * r3) + h9 * (5 * r2);
    c += d1 >>> 13;
    d1 &= 0x1fff;
    let d2 = c + h0 * r2 + h1 * r1 + h2 * r0 + h3 * (5 * r9) + h4 * (5 * r8);
    c = d2 >>> 13;
    d2 &= 0x1fff;
    d2 += h5 * (5 * r7) + h6 * (5 * r6) + h7 * (5 * r5) + h8 * (5 * r4) + h9 * (5 * r3);
    c += d2 >>> 13;
    d2 &= 0x1fff;
    let d3 = c + h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * (5 * r9);
    c = d3 >>> 13;
    d3 &= 0x1fff;
    d3 += h5 * (5 * r8) + h6 * (5 * r7) + h7 * (5 * r6) + h8 * (5 * r5) + h9 * (5 * r4);
    c += d3 >>> 13;
    d3 &= 0x1fff;
    let d4 = c + h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;
    c = d4 >>> 13;
    d4 &= 0x1fff;
    d4 += h5 * (5 * r9) + h6 * (5 * r8) + h7 * (5 * r7) + h8 * (5 * r6) + h9 * (5 * r5);
    c += d4 >>> 13;
    d4 &= 0x1fff;
    let d5 = c + h0 * r5 + h1 * r4 + h2 * r3 + h3 * r2 + h4 * r1;
    c = d5 >>> 13;
    d5 &= 0x1fff;
    d5 += h5 * r0 + h6 * (5 * r9) + h7 * (5 * r8) + h8 * (5 * r7) + h9 * (5 * r6);
    c += d5 >>> 13;
    d5 &= 0x1fff;
    let d6 = c + h0 * r6 + h1 * r5 + h2 * r4 + h3 * r3 + h4 * r2;
    c = d6 >>> 13;
    d6 &= 0x1fff;
    d6 += h5 * r1 + h6 * r0 + h7 * (5 * r9) + h8 * (5 * r8) + h9 * (5 * r7);
    c += d6 >>> 13;
    d6 &= 0x1fff;
    let d7 = c + h0 * r7 + h1 * r6 + h2 * r5 + h3 * r4 + h4 * r3;
    c = d7 >>> 13;
    d7 &= 0x1fff;
    d7 += h5 * r2 + h6 * r1 + h7 * r0 + h8 * (5 * r9) + h9 * (5 * r8);
    c += d7 >>> 13;
    d7 &= 0x1fff;
    let d8 = c + h0 * r8 + h1 * r7 + h2 * r6 + h3 * r5 + h4 * r4;
    c = d8 >>> 13;
    d8 &= 0x1fff;
    d8 += h5 * r3 + h6 * r2 + h7 * r1 + h8 * r0 + h9 * (5 * r9);
    c += d8 >>> 13;
    d8 &= 0x1fff;
    let d9 = c + h0 * r9 + h1 * r8 + h2 * r7 + h3 * r6 + h4 * r5;
    c = d9 >>> 13;
    d9 &= 0x1fff;
    d9 += h5 * r4 + h6 * r3 + h7 * r2 + h8 * r1 + h9 * r0;
    c += d9 >>> 13;
    d9 &= 0x1fff;
    c = ((c << 2) + c) | 0;
    c = (c + d0) | 0;
    d0 = c & 0x1fff;
    c = c >>> 13;
    d1 += c;
    h0 = d0;
    h1 = d1;
    h2 = d2;
    h3 = d3;
    h4 = d4;
    h5 = d5;
    h6 = d6;
    h7 = d7;
    h8 = d8;
    h9 = d9;
  }
  H[0] = h0;
  H[1] = h1;
  H[2] = h2;
  H[3] = h3;
  H[4] = h4;
  H[5] = h5;
  H[6] = h6;
  H[7] = h7;
  H[8] = h8;
  H[9] = h9;
}

/** Absorb data[off..off+length) followed by zeros up to a multiple of 16 (RFC 8439 §2.8 pad16). */
function polyPadded(data: Uint8Array, off: number, length: number): void {
  const full = length - (length % 16);
  polyBlocks(data, off, off + full);
  if (full !== length) {
    BLOCK.fill(0);
    for (let i = full; i < length; i++) BLOCK[i - full] = data[off + i] as number;
    polyBlocks(BLOCK, 0, 16);
  }
}

function put32(out: Uint8Array, o: number, n: number): void {
  out[o] = n & 0xff;
  out[o + 1] = (n >>> 8) & 0xff;
  out[o + 2] = (n >>> 16) & 0xff;
  out[o + 3] = n >>> 24;
}

/**
 * Tag of AAD ‖ pad16 ‖ ciphertext ‖ pad16 ‖ le64(|AAD|) ‖ le64(|ciphertext|) (RFC 8439 §2.8) into
 * out[outOff..outOff+16). Poly1305 must already be keyed (polyInit).
 */
function polyTag(
  aad: Uint8Array,
  ct: Uint8Array,
  ctOff: number,
  ctLength: number,
  out: Uint8Array,
  outOff: number,
): void {
  polyPadded(aad, 0, aad.length);
  polyPadded(ct, ctOff, ctLength);
  BLOCK.fill(0);
  put32(BLOCK, 0, aad.length); // lengths < 2^32 (MAX_LENGTH): the high words stay 0
  put32(BLOCK, 8, ctLength);
  polyBlocks(BLOCK, 0, 16);
  polyFinish(out, outOff);
}

/**
 * Full reduction mod 2^130 − 5, then + s mod 2^128, into out[outOff..outOff+16) (RFC 8439 §2.5.1).
 * As in poly1305-donna-16: g = h + 5 − 2^130 is selected over h, branch-free, when it did not borrow.
 */
function polyFinish(out: Uint8Array, outOff: number): void {
  let c = (H[1] as number) >>> 13;
  H[1] = (H[1] as number) & 0x1fff;
  for (let i = 2; i < 10; i++) {
    H[i] = (H[i] as number) + c;
    c = (H[i] as number) >>> 13;
    H[i] = (H[i] as number) & 0x1fff;
  }
  H[0] = (H[0] as number) + c * 5;
  c = (H[0] as number) >>> 13;
  H[0] = (H[0] as number) & 0x1fff;
  H[1] = (H[1] as number) + c;
  c = (H[1] as number) >>> 13;
  H[1] = (H[1] as number) & 0x1fff;
  H[2] = (H[2] as number) + c;
  G[0] = (H[0] as number) + 5;
  c = (G[0] as number) >>> 13;
  G[0] = (G[0] as number) & 0x1fff;
  for (let i = 1; i < 10; i++) {
    G[i] = (H[i] as number) + c;
    c = (G[i] as number) >>> 13;
    G[i] = (G[i] as number) & 0x1fff;
  }
  G[9] = (G[9] as number) - (1 << 13);
  let mask = (c ^ 1) - 1;
  for (let i = 0; i < 10; i++) G[i] = (G[i] as number) & mask;
  mask = ~mask;
  for (let i = 0; i < 10; i++) H[i] = ((H[i] as number) & mask) | (G[i] as number);
  // 13-bit limbs to 16-bit words, then h + s mod 2^128.
  const h = H;
  h[0] = ((h[0] as number) | ((h[1] as number) << 13)) & 0xffff;
  h[1] = (((h[1] as number) >>> 3) | ((h[2] as number) << 10)) & 0xffff;
  h[2] = (((h[2] as number) >>> 6) | ((h[3] as number) << 7)) & 0xffff;
  h[3] = (((h[3] as number) >>> 9) | ((h[4] as number) << 4)) & 0xffff;
  h[4] = (((h[4] as number) >>> 12) | ((h[5] as number) << 1) | ((h[6] as number) << 14)) & 0xffff;
  h[5] = (((h[6] as number) >>> 2) | ((h[7] as number) << 11)) & 0xffff;
  h[6] = (((h[7] as number) >>> 5) | ((h[8] as number) << 8)) & 0xffff;
  h[7] = (((h[8] as number) >>> 8) | ((h[9] as number) << 5)) & 0xffff;
  let f = (h[0] as number) + (PAD[0] as number);
  h[0] = f & 0xffff;
  for (let i = 1; i < 8; i++) {
    f = ((((h[i] as number) + (PAD[i] as number)) | 0) + (f >>> 16)) | 0;
    h[i] = f & 0xffff;
  }
  for (let i = 0; i < 8; i++) {
    out[outOff + 2 * i] = (h[i] as number) & 0xff;
    out[outOff + 2 * i + 1] = (h[i] as number) >>> 8;
  }
}

function wipe(): void {
  KEYW.fill(0);
  X.fill(0);
  R.fill(0);
  H.fill(0);
  PAD.fill(0);
  G.fill(0);
  BLOCK.fill(0);
  TAG.fill(0);
}

/** @internal TypeError for a non-Uint8Array, RangeError for a wrong length (noble's contract). */
export function assertBytes(name: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** Output must be exactly `length` bytes and must not partly overlap `input`. */
function checkOutput(out: unknown, length: number, input: Uint8Array): asserts out is Uint8Array {
  assertBytes('output', out, length);
  if (
    out.buffer === input.buffer &&
    out.byteOffset !== input.byteOffset &&
    out.byteOffset < input.byteOffset + input.length &&
    input.byteOffset < out.byteOffset + out.length
  ) {
    throw new RangeError('output must not partly overlap the input');
  }
}

/** RFC 8439 §2.8 encrypt-then-MAC under KEYW with nonce words n0..n2, into `out`. */
function sealWith(
  n0: number,
  n1: number,
  n2: number,
  aad: Uint8Array,
  plaintext: Uint8Array,
  out: Uint8Array,
): Uint8Array {
  const length = plaintext.length;
  core(0, n0, n1, n2, true); // RFC 8439 §2.6: the one-time Poly1305 key is block 0
  polyInit();
  xorStream(1, n0, n1, n2, plaintext, 0, out, 0, length); // §2.8: the payload starts at block 1
  polyTag(aad, out, 0, length, out, length);
  return out;
}

/** RFC 8439 §2.8 verify-then-decrypt; `null`, with `out` untouched, when the tag does not verify. */
function openWith(
  n0: number,
  n1: number,
  n2: number,
  aad: Uint8Array,
  sealed: Uint8Array,
  out: Uint8Array,
): Uint8Array | null {
  const length = sealed.length - TAG_LENGTH;
  core(0, n0, n1, n2, true);
  polyInit();
  polyTag(aad, sealed, 0, length, TAG, 0);
  // Constant-time comparison; nothing is decrypted unless the tag verifies.
  let diff = 0;
  for (let i = 0; i < TAG_LENGTH; i++) diff |= (TAG[i] as number) ^ (sealed[length + i] as number);
  if (diff !== 0) return null;
  xorStream(1, n0, n1, n2, sealed, 0, out, 0, length);
  return out;
}

/** @internal The argument contract of every backend here: TypeError for non-bytes, RangeError for lengths. */
export function checkCommon(
  key: unknown,
  nonce: unknown,
  nonceLength: number,
  aad: unknown,
  data: unknown,
  name: string,
): void {
  assertBytes('key', key, KEY_LENGTH);
  assertBytes('nonce', nonce, nonceLength);
  assertBytes('aad', aad);
  assertBytes(name, data);
  if (aad.length > MAX_LENGTH || data.length > MAX_LENGTH) throw new RangeError('input too long');
}

function outputFor(out: Uint8Array | undefined, length: number, input: Uint8Array): Uint8Array {
  if (out === undefined) return new Uint8Array(length);
  checkOutput(out, length, input);
  return out;
}

/**
 * XChaCha20-Poly1305 encrypt (draft-irtf-cfrg-xchacha-03 §2.3): ciphertext ‖ tag. Written into
 * `out` when given (exactly `plaintext.length + 16` bytes; it may be `plaintext`'s own memory only
 * at the same offset), else into a new array. Returns the array written.
 */
export function xchachaSealInto(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  out?: Uint8Array,
): Uint8Array {
  checkCommon(key, nonce, 24, aad, plaintext, 'plaintext');
  const dst = outputFor(out, plaintext.length + TAG_LENGTH, plaintext);
  try {
    loadKey(key);
    hchachaKey(nonce);
    // §2.3: the ChaCha20 nonce is 4 zero bytes ‖ nonce[16..24).
    return sealWith(0, load32(nonce, 16), load32(nonce, 20), aad, plaintext, dst);
  } finally {
    wipe();
  }
}

/**
 * XChaCha20-Poly1305 decrypt of ciphertext ‖ tag, into `out` when given (exactly
 * `sealed.length − 16` bytes) else a new array. Returns that array, or `null` when `sealed` is
 * shorter than a tag or the tag does not verify — then nothing has been written.
 */
export function xchachaOpenInto(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
  out?: Uint8Array,
): Uint8Array | null {
  checkCommon(key, nonce, 24, aad, sealed, 'sealed');
  if (sealed.length < TAG_LENGTH) return null;
  const dst = outputFor(out, sealed.length - TAG_LENGTH, sealed);
  try {
    loadKey(key);
    hchachaKey(nonce);
    return openWith(0, load32(nonce, 16), load32(nonce, 20), aad, sealed, dst);
  } finally {
    wipe();
  }
}

/** ChaCha20-Poly1305 encrypt (RFC 8439 §2.8), 12-byte nonce; `out` as in `xchachaSealInto`. */
export function chachaSealInto(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  out?: Uint8Array,
): Uint8Array {
  checkCommon(key, nonce, 12, aad, plaintext, 'plaintext');
  const dst = outputFor(out, plaintext.length + TAG_LENGTH, plaintext);
  try {
    loadKey(key);
    return sealWith(load32(nonce, 0), load32(nonce, 4), load32(nonce, 8), aad, plaintext, dst);
  } finally {
    wipe();
  }
}

/** ChaCha20-Poly1305 decrypt (RFC 8439 §2.8); `out` and `null` as in `xchachaOpenInto`. */
export function chachaOpenInto(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
  out?: Uint8Array,
): Uint8Array | null {
  checkCommon(key, nonce, 12, aad, sealed, 'sealed');
  if (sealed.length < TAG_LENGTH) return null;
  const dst = outputFor(out, sealed.length - TAG_LENGTH, sealed);
  try {
    loadKey(key);
    return openWith(load32(nonce, 0), load32(nonce, 4), load32(nonce, 8), aad, sealed, dst);
  } finally {
    wipe();
  }
}

/**
 * HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): the 32-byte subkey of `key` and a 16-byte nonce,
 * into `out` when given (32 bytes) else a new array.
 */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array, out?: Uint8Array): Uint8Array {
  assertBytes('key', key, KEY_LENGTH);
  assertBytes('nonce', nonce16, 16);
  if (out !== undefined) assertBytes('output', out, KEY_LENGTH);
  const dst = out ?? new Uint8Array(KEY_LENGTH);
  try {
    loadKey(key);
    hchachaKey(nonce16);
    for (let i = 0; i < 8; i++) put32(dst, i * 4, KEYW[i] as number);
    return dst;
  } finally {
    wipe();
  }
}

/**
 * @internal One-shot Poly1305 (RFC 8439 §2.5) of `message` under a 32-byte one-time key r ‖ s. Not
 * used by the AEAD paths (they absorb padded blocks directly); it exists so the RFC 8439 A.3
 * vectors, which reach the final-reduction edge cases, can test the MAC on its own.
 */
export function poly1305(key: Uint8Array, message: Uint8Array): Uint8Array {
  assertBytes('key', key, KEY_LENGTH);
  assertBytes('message', message);
  const tag = new Uint8Array(TAG_LENGTH);
  try {
    for (let i = 0; i < 8; i++) X[i] = load32(key, i * 4);
    polyInit();
    const full = message.length - (message.length % 16);
    polyBlocks(message, 0, full);
    if (full !== message.length) {
      // §2.5.1: a short final block gets a 0x01 byte after it instead of the 2^128 bit.
      BLOCK.fill(0);
      for (let i = full; i < message.length; i++) BLOCK[i - full] = message[i] as number;
      BLOCK[message.length - full] = 1;
      polyBlocks(BLOCK, 0, 16, true);
    }
    polyFinish(tag, 0);
    return tag;
  } finally {
    wipe();
  }
}
