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

installNodeAead();
// Same rule for base64url: Buffer's codec, self-tested against the portable one before use.
installNodeBase64url();

export * from './index.js';
