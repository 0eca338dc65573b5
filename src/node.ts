/**
 * `session-seal/node`: the Node-only edges — key material from the environment or a 0600 key
 * file, the crash-safe file store, sealed bundle files, and the node:crypto AEAD fast path.
 */

export { installNodeAead, nodeAead, nodeAeadAvailable } from './node/aead.js';
export type { LoadKeyringOptions } from './node/load-keyring.js';
export { DEFAULT_KEYRING_ENV, loadKeyring, readKeyText, writeKeyFile } from './node/load-keyring.js';
export type { FileOptions } from './node/sealed-file.js';
export { readSealedFile, rotateSealedFile, writeSealedFile } from './node/sealed-file.js';
export * from './store/index.js';
