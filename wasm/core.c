/*
 * session-seal's WebAssembly fast path: the per-envelope key schedule (SPEC §4.3) and
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §2.3 over RFC 8439 §2.8), nothing else.
 *
 * Built by scripts/build-wasm.mjs (clang --target=wasm32, freestanding, no libc) into
 * src/node/wasm-core-bytes.ts. The Node entry installs it only after it reproduces the portable
 * code on a self-test (src/node/wasm-core.ts); every Wycheproof XChaCha20-Poly1305 and
 * ChaCha20-Poly1305 vector, the draft's A.3.1 vector and property tests against noble run through
 * it (test/crypto-kat.test.ts, test/wasm-core.test.ts).
 *
 * Why WebAssembly: in JS, Poly1305 needs 13-bit limbs so that products stay below 2^53 (100
 * multiplications a block); here poly1305-donna-32 does 25 exact 32x32->64-bit multiplications.
 * ChaCha20 and SHA-256 are the same add-rotate-xor code in either, without JS's bounds checks.
 *
 * Constant time in the same sense as the JS core: no secret-dependent branch, index or table
 * lookup; the final Poly1305 reduction is a mask select; the tag comparison accumulates XORs.
 *
 * Memory: all inputs and outputs live in the fixed buffers below, whose addresses the glue reads
 * once. Every exported function wipes the key-derived values it put on the stack or in its own
 * state, and the AEAD functions wipe KEY, before they return; the glue wipes STATES, OUT and the
 * decrypted plaintext in DATA once it has copied them out. The stack comes first in memory
 * (--stack-first), so an overflow traps instead of running into the buffers.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#define EXPORT(name) __attribute__((export_name(name)))

enum { AAD_MAX = 4096, DATA_MAX = 64 * 1024 + 16 };

/* The glue's buffers (src/node/wasm-core.ts). */
static u8 KEY[32];          /* XChaCha20 key (EK), or nothing: wiped by every AEAD call */
static u8 NONCE[24];        /* XChaCha20 nonce / envelope nonce N */
static u8 KID[8];           /* envelope kid */
static u8 INFO[24];         /* INFO_ENVELOPE_V1 (SPEC §4.2), written once by the glue */
static u32 STATES[16];      /* HMAC(PRK) inner state [0..8), outer state [8..16) */
static u8 OUT[64];          /* EK ‖ COMMITMENT (envelope_keys); the envelope's COMMITMENT (envelope_open) */
static u8 AAD[AAD_MAX];
static u8 DATA[DATA_MAX];   /* plaintext / ciphertext ‖ tag, in place */

EXPORT("key_ptr") u8 *key_ptr(void) { return KEY; }
EXPORT("nonce_ptr") u8 *nonce_ptr(void) { return NONCE; }
EXPORT("kid_ptr") u8 *kid_ptr(void) { return KID; }
EXPORT("info_ptr") u8 *info_ptr(void) { return INFO; }
EXPORT("states_ptr") u32 *states_ptr(void) { return STATES; }
EXPORT("out_ptr") u8 *out_ptr(void) { return OUT; }
EXPORT("aad_ptr") u8 *aad_ptr(void) { return AAD; }
EXPORT("data_ptr") u8 *data_ptr(void) { return DATA; }
EXPORT("aad_max") u32 aad_max(void) { return AAD_MAX; }
EXPORT("data_max") u32 data_max(void) { return DATA_MAX; }

/* A wipe the optimizer must keep (the buffer is dead afterwards, so a plain memset could go). */
static void wipe(void *p, u32 n) {
  __builtin_memset(p, 0, n);
  /* An empty asm that may read the memory: the stores above cannot be removed as dead. */
  __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* WebAssembly memory is little-endian, and unaligned access is allowed. */
static u32 le32(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
static void st_le32(u8 *p, u32 v) { __builtin_memcpy(p, &v, 4); }
static u32 be32(const u8 *p) { return __builtin_bswap32(le32(p)); }
static void st_be32(u8 *p, u32 v) { st_le32(p, __builtin_bswap32(v)); }

/* ---------------------------------------------------------------------------------------------
 * SHA-256 (FIPS 180-4 §6.2.2) and the HKDF-Expand of SPEC §4.3 */

static const u32 K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/*
 * One compression of the 64-byte block at `block` into `s`. The message schedule is a rolling
 * window of 16 words (w[i & 15]); with the loops fully unrolled every index is a constant, so the
 * window lives in WebAssembly locals, not in linear memory, and nothing is left to wipe.
 */
static void sha256_compress(u32 s[8], const u8 *block) {
  u32 w[16];
#pragma clang loop unroll(full)
  for (int i = 0; i < 16; i++) w[i] = be32(block + 4 * i);
  u32 a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
#pragma clang loop unroll(full)
  for (int i = 0; i < 64; i++) {
    if (i >= 16) {
      u32 w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
      u32 s0 = ROTR(w15, 7) ^ ROTR(w15, 18) ^ (w15 >> 3);
      u32 s1 = ROTR(w2, 17) ^ ROTR(w2, 19) ^ (w2 >> 10);
      w[i & 15] += s0 + w[(i - 7) & 15] + s1;
    }
    u32 t1 = h + (ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i & 15];
    u32 t2 = (ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  s[0] += a;
  s[1] += b;
  s[2] += c;
  s[3] += d;
  s[4] += e;
  s[5] += f;
  s[6] += g;
  s[7] += h;
}

/*
 * HMAC-SHA256 (RFC 2104) of a message already padded to two SHA-256 blocks (FIPS 180-4 §5.1.1:
 * the bit length counts the ipad block too), under the keyed states in STATES; tag into `out`.
 */
static void hmac_two_blocks(const u8 padded[128], u8 out[32]) {
  u32 s[8];
  u8 block[64];
  for (int i = 0; i < 8; i++) s[i] = STATES[i];
  sha256_compress(s, padded);
  sha256_compress(s, padded + 64);
  for (int i = 0; i < 8; i++) st_be32(block + 4 * i, s[i]);
  block[32] = 0x80;
  for (int i = 33; i < 60; i++) block[i] = 0;
  st_be32(block + 60, (64 + 32) * 8);
  for (int i = 0; i < 8; i++) s[i] = STATES[8 + i];
  sha256_compress(s, block);
  for (int i = 0; i < 8; i++) st_be32(out + 4 * i, s[i]);
  wipe(s, sizeof s);
  wipe(block, sizeof block);
}

/*
 * SPEC §4.3: EK ‖ COMMITMENT = HKDF-Expand(PRK, INFO ‖ kid ‖ N, 64) into OUT, where
 * T(1) = HMAC(PRK, info ‖ 0x01) and T(2) = HMAC(PRK, T(1) ‖ info ‖ 0x02) (RFC 5869 §2.3).
 * info is 56 bytes, so T(1)'s message is 57 bytes and T(2)'s 89: two padded blocks each.
 */
/* EK ‖ COMMITMENT into out[0..64). */
static void derive(u8 out[64]) {
  u8 m[128];
  __builtin_memcpy(m, INFO, 24);
  __builtin_memcpy(m + 24, KID, 8);
  __builtin_memcpy(m + 32, NONCE, 24);
  m[56] = 0x01;
  m[57] = 0x80;
  for (int i = 58; i < 124; i++) m[i] = 0;
  st_be32(m + 124, (64 + 57) * 8);
  hmac_two_blocks(m, out);

  __builtin_memcpy(m, out, 32);
  __builtin_memcpy(m + 32, INFO, 24);
  __builtin_memcpy(m + 56, KID, 8);
  __builtin_memcpy(m + 64, NONCE, 24);
  m[88] = 0x02;
  m[89] = 0x80;
  for (int i = 90; i < 124; i++) m[i] = 0;
  st_be32(m + 124, (64 + 89) * 8);
  hmac_two_blocks(m, out + 32);
  wipe(m, sizeof m);
}

EXPORT("envelope_keys") void envelope_keys(void) {
  derive(OUT);
  wipe(STATES, sizeof STATES);
}

/* ---------------------------------------------------------------------------------------------
 * ChaCha20 (RFC 8439 §2.3–2.4) and HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2) */

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                                                             \
  a += b; d ^= a; d = ROTL(d, 16);                                                                 \
  c += d; b ^= c; b = ROTL(b, 12);                                                                 \
  a += b; d ^= a; d = ROTL(d, 8);                                                                  \
  c += d; b ^= c; b = ROTL(b, 7);

#define DOUBLE_ROUND                                                                               \
  QR(x0, x4, x8, x12) QR(x1, x5, x9, x13) QR(x2, x6, x10, x14) QR(x3, x7, x11, x15)               \
  QR(x0, x5, x10, x15) QR(x1, x6, x11, x12) QR(x2, x7, x8, x13) QR(x3, x4, x9, x14)

/* "expand 32-byte k" (RFC 8439 §2.3). */
enum { C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574 };

/* HChaCha20(KEY, NONCE[0..16)) → subkey (8 words): 20 rounds, words 0–3 and 12–15, no feed-forward. */
static void hchacha20(u32 sub[8]) {
  u32 x0 = C0, x1 = C1, x2 = C2, x3 = C3;
  u32 x4 = le32(KEY), x5 = le32(KEY + 4), x6 = le32(KEY + 8), x7 = le32(KEY + 12);
  u32 x8 = le32(KEY + 16), x9 = le32(KEY + 20), x10 = le32(KEY + 24), x11 = le32(KEY + 28);
  u32 x12 = le32(NONCE), x13 = le32(NONCE + 4), x14 = le32(NONCE + 8), x15 = le32(NONCE + 12);
  for (int i = 0; i < 10; i++) {
    DOUBLE_ROUND
  }
  sub[0] = x0;
  sub[1] = x1;
  sub[2] = x2;
  sub[3] = x3;
  sub[4] = x12;
  sub[5] = x13;
  sub[6] = x14;
  sub[7] = x15;
}

/*
 * One ChaCha20 block (counter `ctr`, nonce words n0 n1 n2) under key `k` into `out` (16 words).
 */
static void chacha_block(const u32 k[8], u32 ctr, u32 n0, u32 n1, u32 n2, u32 out[16]) {
  u32 x0 = C0, x1 = C1, x2 = C2, x3 = C3;
  u32 x4 = k[0], x5 = k[1], x6 = k[2], x7 = k[3], x8 = k[4], x9 = k[5], x10 = k[6], x11 = k[7];
  u32 x12 = ctr, x13 = n0, x14 = n1, x15 = n2;
  for (int i = 0; i < 10; i++) {
    DOUBLE_ROUND
  }
  out[0] = x0 + C0;
  out[1] = x1 + C1;
  out[2] = x2 + C2;
  out[3] = x3 + C3;
  out[4] = x4 + k[0];
  out[5] = x5 + k[1];
  out[6] = x6 + k[2];
  out[7] = x7 + k[3];
  out[8] = x8 + k[4];
  out[9] = x9 + k[5];
  out[10] = x10 + k[6];
  out[11] = x11 + k[7];
  out[12] = x12 + ctr;
  out[13] = x13 + n0;
  out[14] = x14 + n1;
  out[15] = x15 + n2;
}

/*
 * Four consecutive ChaCha20 blocks (counters ctr..ctr+3) at once, into out[0..256): each 128-bit
 * vector holds one state word of the four blocks (lane j = block j), so the rounds are the scalar
 * rounds on vectors; a 4x4 transpose per word group puts each block's bytes back in order.
 * Rotations by 16 and 8 are byte shuffles. Same add-rotate-xor, no secret-dependent access.
 */
#define VROTL(x, n) wasm_v128_or(wasm_i32x4_shl(x, n), wasm_u32x4_shr(x, 32 - (n)))
#define VROTL16(x) wasm_i8x16_shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)
#define VROTL8(x) wasm_i8x16_shuffle(x, x, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14)
#define VQR(a, b, c, d)                                                                            \
  a = wasm_i32x4_add(a, b); d = wasm_v128_xor(d, a); d = VROTL16(d);                               \
  c = wasm_i32x4_add(c, d); b = wasm_v128_xor(b, c); b = VROTL(b, 12);                             \
  a = wasm_i32x4_add(a, b); d = wasm_v128_xor(d, a); d = VROTL8(d);                                \
  c = wasm_i32x4_add(c, d); b = wasm_v128_xor(b, c); b = VROTL(b, 7);

/* Lanes j of (a, b, c, d) → the 16 bytes of words w..w+3 of block j, at out + 64j + 4w. */
static void store4(u8 *out, int w, v128_t a, v128_t b, v128_t c, v128_t d) {
  v128_t t0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5); /* a0 b0 a1 b1 */
  v128_t t1 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5); /* c0 d0 c1 d1 */
  v128_t t2 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7); /* a2 b2 a3 b3 */
  v128_t t3 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7); /* c2 d2 c3 d3 */
  wasm_v128_store(out + 4 * w, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
  wasm_v128_store(out + 64 + 4 * w, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
  wasm_v128_store(out + 128 + 4 * w, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
  wasm_v128_store(out + 192 + 4 * w, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
}

static void chacha_4blocks(const u32 k[8], u32 ctr, u32 n0, u32 n1, u32 n2, u8 out[256]) {
  const v128_t i0 = wasm_i32x4_splat((int)C0), i1 = wasm_i32x4_splat((int)C1);
  const v128_t i2 = wasm_i32x4_splat((int)C2), i3 = wasm_i32x4_splat((int)C3);
  const v128_t i4 = wasm_i32x4_splat((int)k[0]), i5 = wasm_i32x4_splat((int)k[1]);
  const v128_t i6 = wasm_i32x4_splat((int)k[2]), i7 = wasm_i32x4_splat((int)k[3]);
  const v128_t i8 = wasm_i32x4_splat((int)k[4]), i9 = wasm_i32x4_splat((int)k[5]);
  const v128_t i10 = wasm_i32x4_splat((int)k[6]), i11 = wasm_i32x4_splat((int)k[7]);
  const v128_t i12 = wasm_i32x4_make((int)ctr, (int)(ctr + 1), (int)(ctr + 2), (int)(ctr + 3));
  const v128_t i13 = wasm_i32x4_splat((int)n0), i14 = wasm_i32x4_splat((int)n1);
  const v128_t i15 = wasm_i32x4_splat((int)n2);
  v128_t x0 = i0, x1 = i1, x2 = i2, x3 = i3, x4 = i4, x5 = i5, x6 = i6, x7 = i7;
  v128_t x8 = i8, x9 = i9, x10 = i10, x11 = i11, x12 = i12, x13 = i13, x14 = i14, x15 = i15;
  for (int i = 0; i < 10; i++) {
    VQR(x0, x4, x8, x12) VQR(x1, x5, x9, x13) VQR(x2, x6, x10, x14) VQR(x3, x7, x11, x15)
    VQR(x0, x5, x10, x15) VQR(x1, x6, x11, x12) VQR(x2, x7, x8, x13) VQR(x3, x4, x9, x14)
  }
  store4(out, 0, wasm_i32x4_add(x0, i0), wasm_i32x4_add(x1, i1), wasm_i32x4_add(x2, i2),
         wasm_i32x4_add(x3, i3));
  store4(out, 4, wasm_i32x4_add(x4, i4), wasm_i32x4_add(x5, i5), wasm_i32x4_add(x6, i6),
         wasm_i32x4_add(x7, i7));
  store4(out, 8, wasm_i32x4_add(x8, i8), wasm_i32x4_add(x9, i9), wasm_i32x4_add(x10, i10),
         wasm_i32x4_add(x11, i11));
  store4(out, 12, wasm_i32x4_add(x12, i12), wasm_i32x4_add(x13, i13), wasm_i32x4_add(x14, i14),
         wasm_i32x4_add(x15, i15));
}

/* XOR data[0..len) with the ChaCha20 key stream from block counter 1 (RFC 8439 §2.8), four blocks
 * at a time. */
static void chacha_xor(const u32 k[8], u32 n0, u32 n1, u32 n2, u8 *data, u32 len) {
  u8 ks[256];
  u32 ctr = 1;
  while (len > 0) {
    chacha_4blocks(k, ctr, n0, n1, n2, ks);
    ctr += 4;
    u32 n = len < 256 ? len : 256;
    u32 i = 0;
    for (; i + 16 <= n; i += 16) {
      wasm_v128_store(data + i, wasm_v128_xor(wasm_v128_load(data + i), wasm_v128_load(ks + i)));
    }
    for (; i < n; i++) data[i] ^= ks[i];
    data += n;
    len -= n;
  }
  wipe(ks, sizeof ks);
}

/* ---------------------------------------------------------------------------------------------
 * Poly1305 (RFC 8439 §2.5), poly1305-donna-32 arithmetic: five 26-bit limbs */

typedef struct {
  u32 r0, r1, r2, r3, r4;
  u32 h0, h1, h2, h3, h4;
  u32 pad[4];
} poly1305;

/* r from key[0..16), clamped (§2.5.1), and s = key[16..32). */
static void poly_init(poly1305 *st, const u8 key[32]) {
  st->r0 = le32(key) & 0x3ffffff;
  st->r1 = (le32(key + 3) >> 2) & 0x3ffff03;
  st->r2 = (le32(key + 6) >> 4) & 0x3ffc0ff;
  st->r3 = (le32(key + 9) >> 6) & 0x3f03fff;
  st->r4 = (le32(key + 12) >> 8) & 0x00fffff;
  st->h0 = st->h1 = st->h2 = st->h3 = st->h4 = 0;
  for (int i = 0; i < 4; i++) st->pad[i] = le32(key + 16 + 4 * i);
}

/* Absorb len/16 full blocks (each with the 2^128 bit). */
static void poly_blocks(poly1305 *st, const u8 *m, u32 len) {
  const u32 r0 = st->r0, r1 = st->r1, r2 = st->r2, r3 = st->r3, r4 = st->r4;
  const u32 s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  u32 h0 = st->h0, h1 = st->h1, h2 = st->h2, h3 = st->h3, h4 = st->h4;
  while (len >= 16) {
    h0 += le32(m) & 0x3ffffff;
    h1 += (le32(m + 3) >> 2) & 0x3ffffff;
    h2 += (le32(m + 6) >> 4) & 0x3ffffff;
    h3 += (le32(m + 9) >> 6) & 0x3ffffff;
    h4 += (le32(m + 12) >> 8) | (1u << 24);
    u64 d0 = (u64)h0 * r0 + (u64)h1 * s4 + (u64)h2 * s3 + (u64)h3 * s2 + (u64)h4 * s1;
    u64 d1 = (u64)h0 * r1 + (u64)h1 * r0 + (u64)h2 * s4 + (u64)h3 * s3 + (u64)h4 * s2;
    u64 d2 = (u64)h0 * r2 + (u64)h1 * r1 + (u64)h2 * r0 + (u64)h3 * s4 + (u64)h4 * s3;
    u64 d3 = (u64)h0 * r3 + (u64)h1 * r2 + (u64)h2 * r1 + (u64)h3 * r0 + (u64)h4 * s4;
    u64 d4 = (u64)h0 * r4 + (u64)h1 * r3 + (u64)h2 * r2 + (u64)h3 * r1 + (u64)h4 * r0;
    u32 c = (u32)(d0 >> 26);
    h0 = (u32)d0 & 0x3ffffff;
    d1 += c;
    c = (u32)(d1 >> 26);
    h1 = (u32)d1 & 0x3ffffff;
    d2 += c;
    c = (u32)(d2 >> 26);
    h2 = (u32)d2 & 0x3ffffff;
    d3 += c;
    c = (u32)(d3 >> 26);
    h3 = (u32)d3 & 0x3ffffff;
    d4 += c;
    c = (u32)(d4 >> 26);
    h4 = (u32)d4 & 0x3ffffff;
    h0 += c * 5;
    c = h0 >> 26;
    h0 &= 0x3ffffff;
    h1 += c;
    m += 16;
    len -= 16;
  }
  st->h0 = h0;
  st->h1 = h1;
  st->h2 = h2;
  st->h3 = h3;
  st->h4 = h4;
}

/* Absorb m[0..len), zero-padded to a multiple of 16 (RFC 8439 §2.8 pad16). */
static void poly_padded(poly1305 *st, const u8 *m, u32 len) {
  u32 full = len & ~15u;
  poly_blocks(st, m, full);
  if (len > full) {
    u8 block[16] = {0};
    for (u32 i = 0; i < len - full; i++) block[i] = m[full + i];
    poly_blocks(st, block, 16);
    wipe(block, sizeof block);
  }
}

/* tag = (h mod p + s) mod 2^128; full carry, then a branch-free select of h or h - p. */
static void poly_finish(poly1305 *st, u8 tag[16]) {
  u32 h0 = st->h0, h1 = st->h1, h2 = st->h2, h3 = st->h3, h4 = st->h4;
  u32 c = h1 >> 26;
  h1 &= 0x3ffffff;
  h2 += c;
  c = h2 >> 26;
  h2 &= 0x3ffffff;
  h3 += c;
  c = h3 >> 26;
  h3 &= 0x3ffffff;
  h4 += c;
  c = h4 >> 26;
  h4 &= 0x3ffffff;
  h0 += c * 5;
  c = h0 >> 26;
  h0 &= 0x3ffffff;
  h1 += c;

  u32 g0 = h0 + 5;
  c = g0 >> 26;
  g0 &= 0x3ffffff;
  u32 g1 = h1 + c;
  c = g1 >> 26;
  g1 &= 0x3ffffff;
  u32 g2 = h2 + c;
  c = g2 >> 26;
  g2 &= 0x3ffffff;
  u32 g3 = h3 + c;
  c = g3 >> 26;
  g3 &= 0x3ffffff;
  u32 g4 = h4 + c - (1u << 26);

  u32 mask = (g4 >> 31) - 1; /* all ones when h >= p (g4 did not go negative) */
  g0 &= mask;
  g1 &= mask;
  g2 &= mask;
  g3 &= mask;
  g4 &= mask;
  mask = ~mask;
  h0 = (h0 & mask) | g0;
  h1 = (h1 & mask) | g1;
  h2 = (h2 & mask) | g2;
  h3 = (h3 & mask) | g3;
  h4 = (h4 & mask) | g4;

  h0 = h0 | (h1 << 26);
  h1 = (h1 >> 6) | (h2 << 20);
  h2 = (h2 >> 12) | (h3 << 14);
  h3 = (h3 >> 18) | (h4 << 8);

  u64 f = (u64)h0 + st->pad[0];
  st_le32(tag, (u32)f);
  f = (u64)h1 + st->pad[1] + (f >> 32);
  st_le32(tag + 4, (u32)f);
  f = (u64)h2 + st->pad[2] + (f >> 32);
  st_le32(tag + 8, (u32)f);
  f = (u64)h3 + st->pad[3] + (f >> 32);
  st_le32(tag + 12, (u32)f);
}

/* ---------------------------------------------------------------------------------------------
 * AEAD_XChaCha20_Poly1305 (draft §2.3): subkey = HChaCha20(KEY, NONCE[0..16)); RFC 8439 §2.8
 * under it with the 12-byte nonce 0x00000000 ‖ NONCE[16..24). The RFC 8439 AEAD itself is
 * exported too (KEY as the key, NONCE[0..12) as the nonce) so that the Wycheproof
 * ChaCha20-Poly1305 vectors reach this Poly1305 and ChaCha20 directly. */

/* The key and nonce words of one message, and its Poly1305 state. */
typedef struct {
  u32 k[8];
  u32 n0, n1, n2;
  poly1305 st;
} aead;

/* Poly1305 keyed with block 0 (RFC 8439 §2.6), then the AAD absorbed. */
static void aead_start(aead *a, u32 aad_len) {
  u32 block0[16];
  u8 otk[32];
  chacha_block(a->k, 0, a->n0, a->n1, a->n2, block0);
  for (int i = 0; i < 8; i++) st_le32(otk + 4 * i, block0[i]);
  poly_init(&a->st, otk);
  poly_padded(&a->st, AAD, aad_len);
  wipe(block0, sizeof block0);
  wipe(otk, sizeof otk);
}

static void xchacha_init(aead *a) {
  hchacha20(a->k);
  a->n0 = 0;
  a->n1 = le32(NONCE + 16);
  a->n2 = le32(NONCE + 20);
}

static void chacha_init(aead *a) {
  for (int i = 0; i < 8; i++) a->k[i] = le32(KEY + 4 * i);
  a->n0 = le32(NONCE);
  a->n1 = le32(NONCE + 4);
  a->n2 = le32(NONCE + 8);
}

/* The lengths block: le64(aad_len) ‖ le64(ct_len) (RFC 8439 §2.8). */
static void poly_lengths(poly1305 *st, u32 aad_len, u32 ct_len, u8 tag[16]) {
  u8 lengths[16] = {0};
  st_le32(lengths, aad_len);
  st_le32(lengths + 8, ct_len);
  poly_blocks(st, lengths, 16);
  poly_finish(st, tag);
}

/* DATA[0..len) (plaintext) → ciphertext ‖ tag in DATA[0..len+16). */
static void aead_seal(aead *a, u32 aad_len, u32 len) {
  aead_start(a, aad_len);
  chacha_xor(a->k, a->n0, a->n1, a->n2, DATA, len);
  poly_padded(&a->st, DATA, len);
  poly_lengths(&a->st, aad_len, len, DATA + len);
  wipe(a, sizeof *a);
  wipe(KEY, sizeof KEY);
}

/* DATA[0..len) = ciphertext ‖ tag: 1 and the plaintext in place if the tag verifies, else 0
 * and nothing decrypted. */
static int aead_open(aead *a, u32 aad_len, u32 len) {
  u32 ct_len = len - 16;
  u8 tag[16];
  aead_start(a, aad_len);
  poly_padded(&a->st, DATA, ct_len);
  poly_lengths(&a->st, aad_len, ct_len, tag);
  u32 diff = 0;
  for (int i = 0; i < 16; i++) diff |= (u32)(tag[i] ^ DATA[ct_len + i]);
  int ok = diff == 0;
  if (ok) chacha_xor(a->k, a->n0, a->n1, a->n2, DATA, ct_len);
  wipe(a, sizeof *a);
  wipe(tag, sizeof tag);
  wipe(KEY, sizeof KEY);
  return ok;
}

/* Returns 0, or -1 (nothing done) for lengths outside the buffers. */
/* Lengths outside the buffers: nothing is computed, and the key is wiped all the same. */
static int refuse(void) {
  wipe(KEY, sizeof KEY);
  return -1;
}

/* Seal (returns 0) or open (returns 1 or 0) DATA under XChaCha20 (`extended`, draft §2.3) or RFC 8439
 * ChaCha20; -1 for lengths outside the buffers. */
static int seal_with(int extended, u32 aad_len, u32 len) {
  if (aad_len > AAD_MAX || len > DATA_MAX - 16) return refuse();
  aead a;
  if (extended) xchacha_init(&a);
  else chacha_init(&a);
  aead_seal(&a, aad_len, len);
  return 0;
}

static int open_with(int extended, u32 aad_len, u32 len) {
  if (aad_len > AAD_MAX || len > DATA_MAX || len < 16) return refuse();
  aead a;
  if (extended) xchacha_init(&a);
  else chacha_init(&a);
  return aead_open(&a, aad_len, len);
}

EXPORT("xchacha_seal") int xchacha_seal(u32 aad_len, u32 len) { return seal_with(1, aad_len, len); }
EXPORT("xchacha_open") int xchacha_open(u32 aad_len, u32 len) { return open_with(1, aad_len, len); }
EXPORT("chacha_seal") int chacha_seal(u32 aad_len, u32 len) { return seal_with(0, aad_len, len); }
EXPORT("chacha_open") int chacha_open(u32 aad_len, u32 len) { return open_with(0, aad_len, len); }

/*
 * SPEC §7 steps 4–5 in one call, so that EK never leaves this memory: derive EK ‖ COMMITMENT from
 * STATES, KID and NONCE (24 bytes); compare COMMITMENT with the envelope's, OUT[32..64), in
 * constant time; only if equal, open DATA[0..len) = ciphertext ‖ tag under EK and NONCE. Returns
 * 1 with the plaintext in DATA, 0 (commitment or tag wrong: nothing decrypted), or -1 for lengths
 * outside the buffers. STATES, EK and the AEAD state are wiped either way.
 */
EXPORT("envelope_open") int envelope_open(u32 aad_len, u32 len) {
  if (aad_len > AAD_MAX || len > DATA_MAX || len < 16) {
    wipe(STATES, sizeof STATES);
    return refuse();
  }
  u8 keys[64];
  derive(keys);
  wipe(STATES, sizeof STATES);
  u32 diff = 0;
  for (int i = 0; i < 32; i++) diff |= (u32)(keys[32 + i] ^ OUT[32 + i]);
  int ok = 0;
  if (diff == 0) {
    __builtin_memcpy(KEY, keys, 32);
    aead a;
    xchacha_init(&a);
    ok = aead_open(&a, aad_len, len); /* wipes KEY and its state */
  }
  wipe(keys, sizeof keys);
  return ok;
}
