/**
 * SPEC §7 steps 4–5 for one envelope: the per-envelope key and commitment (§4.3), the commitment
 * compared in constant time, and only then the AEAD open.
 *
 * The portable path is kdf.ts, `equalBytes` and the installed AEAD backend. On Node, a native
 * implementation registered together with the AEAD backend it belongs to (src/node/wasm-core.ts,
 * all three steps in one WebAssembly call, so EK never exists outside the module) takes envelopes
 * it accepts, and only while that backend is the one installed: a caller that selects noble gets
 * noble, and the native one decides nothing the portable path would not.
 */
import { type AeadBackend, backendOpen, getAeadBackend } from './aead.js';
import { deriveEnvelopeKeysInto, hmacKeysOf } from './kdf.js';
import { equalBytes } from './noble.js';
import type { HmacKeys } from './sha256-hmac.js';

/**
 * Opens `body` (ciphertext ‖ tag). Returns the plaintext as a view of the implementation's own
 * memory, valid until its next call, which the caller must wipe once read; `null` when the
 * commitment or the tag does not verify (nothing decrypted); `undefined` when it does not take the
 * envelope (too long for it): use the portable path.
 */
export type NativeEnvelopeOpen = (
  keys: HmacKeys,
  kid: Uint8Array,
  nonce: Uint8Array,
  commitment: Uint8Array,
  aad: Uint8Array,
  body: Uint8Array,
) => Uint8Array | null | undefined;

let native: { readonly backend: AeadBackend; readonly open: NativeEnvelopeOpen } | undefined;

/** @internal Register `open` for use while `backend` is the installed AEAD, or clear it. */
export function setNativeEnvelopeOpen(backend: AeadBackend | undefined, open?: NativeEnvelopeOpen): void {
  native = backend === undefined || open === undefined ? undefined : { backend, open };
}

/** @internal Whether a native open is registered for the backend now installed. */
export function nativeEnvelopeOpenInUse(): boolean {
  return native !== undefined && native.backend === getAeadBackend();
}

/*
 * EK and the recomputed commitment of the portable path (SPEC §4.3): reused, since every
 * allocation costs here; EK is wiped in `openEnvelope`'s `finally`, the commitment is public.
 */
const EK = new Uint8Array(32);
const COMMITMENT = new Uint8Array(32);

/**
 * The plaintext of an envelope under `prk` — in `out`, in an array the AEAD backend returns, or in
 * the native implementation's memory; the caller wipes it once read, wherever it is — or `null`
 * when the commitment or the tag does not verify (SPEC §7: one failure).
 */
export function openEnvelope(
  prk: Uint8Array,
  kid: Uint8Array,
  nonce: Uint8Array,
  commitment: Uint8Array,
  aad: Uint8Array,
  body: Uint8Array,
  out: Uint8Array,
): Uint8Array | null {
  if (native !== undefined && nativeEnvelopeOpenInUse()) {
    const opened = native.open(hmacKeysOf(prk), kid, nonce, commitment, aad, body);
    if (opened !== undefined) return opened;
  }
  try {
    deriveEnvelopeKeysInto(prk, kid, nonce, EK, COMMITMENT);
    if (!equalBytes(COMMITMENT, commitment)) return null;
    return backendOpen(EK, nonce, aad, body, out);
  } finally {
    EK.fill(0);
  }
}
