/**
 * The one module that imports @noble/*. Everything else goes through these names, so the
 * primitives can be audited (and their known-answer tests run) in one place.
 *
 * noble checks its own arguments (`abytes`, `anumber`) and throws on a wrong nonce/key length;
 * those throws are programmer errors and are not caught here.
 */
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { equalBytes as nobleEqualBytes, randomBytes as nobleRandomBytes } from '@noble/ciphers/utils.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { scrypt as nobleScrypt } from '@noble/hashes/scrypt.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';

/** XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03 §2.3) encrypt: returns ciphertext ‖ 16-byte tag. */
export function xchachaSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  return xchacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/**
 * XChaCha20-Poly1305 decrypt of ciphertext ‖ tag. Returns `null` when the tag does not verify
 * (noble verifies the tag in constant time before it produces any plaintext).
 */
export function xchachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | null {
  // Length errors are programmer errors and must throw, not read as "tag mismatch" below.
  checkKeyNonce(key, nonce, 24);
  const cipher = xchacha20poly1305(key, nonce, aad);
  try {
    return cipher.decrypt(sealed);
  } catch {
    return null;
  }
}

function checkKeyNonce(key: Uint8Array, nonce: Uint8Array, nonceLength: number): void {
  if (!(key instanceof Uint8Array) || !(nonce instanceof Uint8Array))
    throw new TypeError('key and nonce must be bytes');
  if (key.length !== 32) throw new RangeError('key must be 32 bytes');
  if (nonce.length !== nonceLength) throw new RangeError(`nonce must be ${nonceLength} bytes`);
}

/** ChaCha20-Poly1305 (RFC 8439 §2.8), 12-byte nonce: ciphertext ‖ tag. */
export function chachaSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
}

/** ChaCha20-Poly1305 decrypt; `null` when the tag does not verify. */
export function chachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | null {
  // Length errors are programmer errors and must throw, not read as "tag mismatch" below.
  checkKeyNonce(key, nonce, 12);
  const cipher = chacha20poly1305(key, nonce, aad);
  try {
    return cipher.decrypt(sealed);
  } catch {
    return null;
  }
}

/** HKDF-Extract with SHA-256 (RFC 5869 §2.2). */
export function hkdfExtract(ikm: Uint8Array, salt: Uint8Array): Uint8Array {
  return extract(nobleSha256, ikm, salt);
}

/** HKDF-Expand with SHA-256 (RFC 5869 §2.3). Throws when `length > 255 * 32`. */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return expand(nobleSha256, prk, info, length);
}

/** A keyed HMAC-SHA256 whose key schedule (ipad/opad blocks) is computed once. */
export interface KeyedHmac {
  /** HMAC(key, ...parts) — the parts are hashed in order, as if concatenated. */
  mac(...parts: Uint8Array[]): Uint8Array;
}

/**
 * HMAC-SHA256 keyed once (RFC 2104). Cloning the keyed state saves the two key-block compressions
 * per call; this is what makes a cached HKDF-Extract pay off (SPEC §4.3).
 */
export function keyedHmacSha256(key: Uint8Array): KeyedHmac {
  const base = hmac.create(nobleSha256, key);
  return {
    mac(...parts: Uint8Array[]): Uint8Array {
      const h = base.clone();
      for (const p of parts) h.update(p);
      return h.digest();
    },
  };
}

/** HMAC-SHA256 one-shot. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(nobleSha256, key, message);
}

/** SHA-256. */
export function sha256(message: Uint8Array): Uint8Array {
  return nobleSha256(message);
}

/** scrypt (RFC 7914). Callers cap the cost parameters before calling (SPEC §9). */
export function scrypt(
  passphrase: Uint8Array,
  salt: Uint8Array,
  params: { N: number; r: number; p: number; dkLen: number },
): Uint8Array {
  return nobleScrypt(passphrase, salt, params);
}

/** Constant-time equality of two byte arrays (length is not secret). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return nobleEqualBytes(a, b);
}

/** CSPRNG bytes from `crypto.getRandomValues` (available in Node ≥ 19, browsers, Deno, Bun, workers). */
export function randomBytes(length: number): Uint8Array {
  return nobleRandomBytes(length);
}
