/**
 * The Node entry point: the portable API of `./index.js`, with XChaCha20-Poly1305 running on
 * `node:crypto` (OpenSSL) instead of noble.
 *
 * Installing at load is safe because the node backend produces the same bytes as noble (draft-irtf-
 * cfrg-xchacha-03 §2.3; proven against the Wycheproof and draft vectors in test/crypto-kat.test.ts)
 * and is only faster. `installNodeAead` self-tests against the draft's A.3.1 vector first and leaves
 * noble in place when `chacha20-poly1305` is missing or the self-test fails, so nothing can break.
 */
import { installNodeAead } from './node/aead.js';
import { installNodeBase64url } from './node/base64url.js';
import { installNodeHmac } from './node/hmac.js';
import { installNodeUtf8Length } from './node/utf8.js';
import { installWasmCore } from './node/wasm-core.js';

// The WebAssembly core (self-tested against the portable code first) takes the per-envelope key
// schedule and short messages; OpenSSL long ones. Without it, the JS core takes short messages.
installNodeAead(installWasmCore()?.aead);
// Same rule for the other native paths, each self-tested against the portable code before use:
// base64url (Buffer), the bundle MAC's HMAC-SHA256 (OpenSSL), and the UTF-8 length of long strings.
installNodeBase64url();
installNodeHmac();
installNodeUtf8Length();

export * from './index.js';
