/**
 * XChaCha20-Poly1305 behind a swappable backend. The portable backend is noble (everywhere); on
 * Node an entry point may install a faster one (src/node/aead.ts: WebAssembly for short messages,
 * `node:crypto` for long ones) that must give byte-identical results — it is proven against the
 * same vectors. The core never imports `node:`.
 */
import { xchachaOpenInto, xchachaSealInto } from './chacha20-poly1305.js';
import { xchachaOpen, xchachaSeal } from './noble.js';

/**
 * `out`, when a caller passes it, is memory of exactly the result's length that the backend MAY
 * write the result into instead of allocating (the envelope hot path passes scratch memory). A
 * backend may ignore it; callers always use the returned array.
 */
export interface AeadBackend {
  readonly name: string;
  /** ciphertext ‖ tag. `key` 32 bytes, `nonce` 24 bytes. */
  seal(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
    out?: Uint8Array,
  ): Uint8Array;
  /** plaintext, or `null` when the tag does not verify. */
  open(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
    out?: Uint8Array,
  ): Uint8Array | null;
}

/** noble's XChaCha20-Poly1305 (crypto/noble.ts): the portable default and the reference. */
export const nobleAead: AeadBackend = Object.freeze({
  name: 'noble',
  seal: xchachaSeal,
  open: xchachaOpen,
});

/**
 * @internal The allocation-free JS core (crypto/chacha20-poly1305.ts): the Node backend's short
 * path when WebAssembly is unavailable, the reference the WebAssembly core is self-tested against,
 * and a backend of its own so the vectors and properties can run on it directly.
 */
export const coreAead: AeadBackend = Object.freeze({
  name: 'core',
  seal: xchachaSealInto,
  open: xchachaOpenInto,
});

let backend: AeadBackend = nobleAead;

/** The backend in use. */
export function getAeadBackend(): AeadBackend {
  return backend;
}

/*
 * The seal and open paths share scratch memory (the plaintext, the envelope, the AAD, and EK, the
 * per-envelope key: envelope/seal.ts, envelope/unseal.ts). A backend that called back into
 * session-seal while it held them would have them overwritten and EK wiped under it, so such a
 * call is refused before it touches anything.
 */
let inBackend = false;

/** @internal TypeError when called from inside an AEAD backend call (see above). */
export function assertNotInBackend(): void {
  if (inBackend) throw new TypeError('an AEAD backend must not call back into session-seal');
}

/** @internal `getAeadBackend().seal`, marked so a re-entrant call is refused. */
export function backendSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  out?: Uint8Array,
): Uint8Array {
  assertNotInBackend();
  inBackend = true;
  try {
    return backend.seal(key, nonce, aad, plaintext, out);
  } finally {
    inBackend = false;
  }
}

/** @internal `getAeadBackend().open`, marked so a re-entrant call is refused. */
export function backendOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
  out?: Uint8Array,
): Uint8Array | null {
  assertNotInBackend();
  inBackend = true;
  try {
    return backend.open(key, nonce, aad, sealed, out);
  } finally {
    inBackend = false;
  }
}

/**
 * Select the backend (Node fast path, or back to noble in tests). A backend computes from its
 * arguments only: it must not keep `key` (the library reuses and wipes that memory) and must not
 * call session-seal (refused with a TypeError).
 */
export function setAeadBackend(next: AeadBackend): void {
  if (typeof next?.seal !== 'function' || typeof next.open !== 'function') {
    throw new TypeError('backend must have seal and open');
  }
  backend = next;
}
