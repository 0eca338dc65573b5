/**
 * session-seal: encrypt MCP session state at rest. Named exports only; this list is the public API.
 * Runs without `node:` modules (Node, Bun, Deno, browsers, edge). File and environment helpers are
 * in `session-seal/node`.
 */
export type { AeadBackend } from './crypto/aead.js';
export type { ParsedRecord, SealedSessionState } from './envelope/format.js';
export { MAX_PLAINTEXT, MAX_SEALED_CONTEXT, sealedKid } from './envelope/format.js';
export type { SealOptions } from './envelope/seal.js';
export { sealSession } from './envelope/seal.js';
export type { UnsealOptions } from './envelope/unseal.js';
export { unsealSession } from './envelope/unseal.js';
export * from './errors.js';
export { generateKey, importKey, isMasterKey, MasterKey } from './keys/key.js';
export type { KeyringEntry, KeyringInit, KeyringMember, KeyStatus } from './keys/keyring.js';
export { createKeyring, isKeyring, Keyring } from './keys/keyring.js';
export type { SessionContext, SessionState, UrlPolicy, ValidateOptions } from './schema.js';
export {
  checkSessionState,
  SessionContextSchema,
  SessionStateSchema,
  StrictSessionStateSchema,
  validateSessionState,
} from './schema.js';
