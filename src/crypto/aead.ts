/**
 * XChaCha20-Poly1305 behind a swappable backend. The portable backend is noble (everywhere); on
 * Node an entry point may install a backend built on `node:crypto` (src/node/aead.ts) that must give
 * byte-identical results — it is proven against the same vectors. The core never imports `node:`.
 */
import { xchachaOpen, xchachaSeal } from './noble.js';

export interface AeadBackend {
  readonly name: string;
  /** ciphertext ‖ tag. `key` 32 bytes, `nonce` 24 bytes. */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** plaintext, or `null` when the tag does not verify. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}

export const nobleAead: AeadBackend = Object.freeze({
  name: 'noble',
  seal: xchachaSeal,
  open: xchachaOpen,
});

let backend: AeadBackend = nobleAead;

/** The backend in use. */
export function getAeadBackend(): AeadBackend {
  return backend;
}

/** Select the backend (Node fast path, or back to noble in tests). */
export function setAeadBackend(next: AeadBackend): void {
  if (typeof next?.seal !== 'function' || typeof next.open !== 'function') {
    throw new TypeError('backend must have seal and open');
  }
  backend = next;
}
