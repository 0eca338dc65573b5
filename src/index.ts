/**
 * session-seal: encrypt MCP session state at rest. Named exports only; this list is the public API.
 * Runs without `node:` modules (Node, Bun, Deno, browsers, edge). File and environment helpers are
 * in `session-seal/node`.
 */

// Bundles: many sessions, one document (SPEC §10).
export type { BundleLimits, SealedBundle } from './bundle/format.js';
export { BUNDLE_FORMAT_V1, parseBundle, serializeBundle } from './bundle/format.js';
export type { RotateBundleEntry, RotateBundleOptions, RotateBundleResult } from './bundle/rotate.js';
export { rotateBundle } from './bundle/rotate.js';
export type { RejectedEntry, SealSessionsOptions, SealSessionsResult } from './bundle/seal.js';
export { sealSessions } from './bundle/seal.js';
export type {
  IntegrityResult,
  SkippedEntry,
  UnsealSessionsOptions,
  UnsealSessionsResult,
} from './bundle/unseal.js';
export { DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_TIMEOUT_MS, unsealSessions } from './bundle/unseal.js';
// AEAD backend selection (noble everywhere; node:crypto fast path via the Node entry).
export type { AeadBackend } from './crypto/aead.js';
export { getAeadBackend, nobleAead, setAeadBackend } from './crypto/aead.js';
// One session (SPEC §5, §7).
export type { SealedSessionState } from './envelope/format.js';
export { MAX_PLAINTEXT, MAX_SEALED_CONTEXT, sealedKid } from './envelope/format.js';
export type { SealOptions } from './envelope/seal.js';
export { sealSession } from './envelope/seal.js';
export type { UnsealOptions } from './envelope/unseal.js';
export { unsealSession } from './envelope/unseal.js';
export * from './errors.js';
// Keys and keyrings (SPEC §4, §9).
export { generateKey, importKey, isMasterKey, MasterKey } from './keys/key.js';
export type { KeyringEntry, KeyringInit, KeyringMember, KeyStatus } from './keys/keyring.js';
export { createKeyring, isKeyring, Keyring } from './keys/keyring.js';
export type { PassphraseKey, PassphraseKeyOptions } from './keys/passphrase.js';
export {
  deriveKeyFromPassphrase,
  loadPassphraseKey,
  PASSPHRASE_COST_CAP,
  PASSPHRASE_DEFAULT_COST,
} from './keys/passphrase.js';
export type { KeyTextKind } from './keys/text.js';
export { exportKeyringText, exportKeyText, importKeyringText, importKeyText } from './keys/text.js';
// Rotation (SPEC §11).
export type { KeyUsage, RotateOptions, RotationReport, RotationResult, RotationSummary } from './rotation.js';
export { keyUsage, needsRotation, rotateSession, rotateSessions } from './rotation.js';
// The record (SPEC §8).
export type { SessionContext, SessionState, UrlPolicy, ValidateOptions } from './schema.js';
export {
  checkSessionState,
  SessionContextSchema,
  SessionStateSchema,
  StrictSessionStateSchema,
  validateSessionState,
} from './schema.js';
