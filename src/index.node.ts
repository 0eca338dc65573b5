/**
 * The Node entry point: the portable API of `./index.js`, with XChaCha20-Poly1305 and the
 * per-envelope key schedule on faster code than noble: a WebAssembly module (wasm/core.c) for short
 * messages and the key schedule, `node:crypto` (OpenSSL) for long messages.
 *
 * Installing at load is safe because every fast path produces the same bytes as the portable code
 * (draft-irtf-cfrg-xchacha-03 §2.3, SPEC §4.3; proven against the Wycheproof, draft and SPEC
 * vectors in test/crypto-kat.test.ts and test/wasm-core.test.ts) and is only faster. Each one
 * self-tests first and stays out when it fails or is unavailable (no WebAssembly, no
 * `chacha20-poly1305` in OpenSSL): the portable path then remains, so nothing can break.
 */
import { getAeadBackend } from './crypto/aead.js';
import { setNativeEnvelopeOpen } from './crypto/envelope-open.js';
import { installNodeAead, WASM_SMALL_MESSAGE } from './node/aead.js';
import { installNodeBase64url } from './node/base64url.js';
import { installNodeHmac } from './node/hmac.js';
import { installNodeUtf8Length } from './node/utf8.js';
import { installWasmCore } from './node/wasm-core.js';

// The WebAssembly core (self-tested against the portable code first) takes the per-envelope key
// schedule and short messages; OpenSSL long ones. Without it, the JS core takes short messages.
const wasm = installWasmCore();
if (installNodeAead(wasm?.aead) && wasm !== undefined) {
  // Unsealing a short context: key schedule, commitment and AEAD in one WebAssembly call, for as
  // long as this backend is installed (crypto/envelope-open.ts).
  setNativeEnvelopeOpen(getAeadBackend(), wasm.envelopeOpen(WASM_SMALL_MESSAGE));
}
// Same rule for the other native paths, each self-tested against the portable code before use:
// base64url (Buffer), the bundle MAC's HMAC-SHA256 (OpenSSL), and the UTF-8 length of long strings.
installNodeBase64url();
installNodeHmac();
installNodeUtf8Length();

export * from './index.js';
