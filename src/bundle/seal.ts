/** Sealing many sessions into one bundle (SPEC §10.3). */
import { randomBytes } from '../crypto/noble.js';
import type { SealedSessionState } from '../envelope/format.js';
import { HEADER_LENGTH, NONCE_LENGTH } from '../envelope/format.js';
import { assertKeyring, sealValidated } from '../envelope/seal.js';
import { decodeBase64url } from '../encoding/base64url.js';
import { isSessionSealError, type SessionSealErrorCode, type ValidationIssue } from '../errors.js';
import type { Keyring } from '../keys/keyring.js';
import { checkSessionState, type ValidateOptions } from '../schema.js';
import { BUNDLE_FORMAT_V1, type SealedBundle } from './format.js';
import { bundleMac } from './mac.js';
import { encodeBase64url } from '../encoding/base64url.js';

export type SealSessionsOptions = ValidateOptions;

/** An input state that was not sealed, and why. */
export interface RejectedEntry {
  readonly index: number;
  /** The input's sessionId when it is a string of sane length; otherwise absent. */
  readonly sessionId?: string;
  readonly code: SessionSealErrorCode;
  readonly issues: readonly ValidationIssue[];
}

export interface SealSessionsResult {
  readonly bundle: SealedBundle;
  /** Inputs left out of the bundle, each with its reason; never silently dropped. */
  readonly rejected: readonly RejectedEntry[];
}

/**
 * Seal `states` (e.g. n8n-mcp's `exportSessionState()`) into a bundle under the primary key.
 * Each valid state becomes one envelope; invalid ones are reported in `rejected`.
 */
export function sealSessions(
  states: readonly unknown[],
  keyring: Keyring,
  options?: SealSessionsOptions,
): SealSessionsResult {
  assertKeyring(keyring);
  if (!Array.isArray(states)) throw new TypeError('states must be an array');
  const key = keyring.sealingKey();
  const entries: SealedSessionState[] = [];
  const rejected: RejectedEntry[] = [];
  // One CSPRNG call for all nonces instead of one per envelope (each call has a fixed cost).
  const nonces = randomBytes(NONCE_LENGTH * states.length);
  states.forEach((state, index) => {
    const checked = checkSessionState(state, options);
    if (!checked.ok) {
      rejected.push(reject(index, state, 'ERR_SESSION_INVALID', checked.issues));
      return;
    }
    try {
      const nonce = nonces.subarray(index * NONCE_LENGTH, (index + 1) * NONCE_LENGTH);
      entries.push(sealValidated(checked.value, key, nonce));
    } catch (err) {
      if (!isSessionSealError(err)) throw err;
      rejected.push(reject(index, state, err.code, 'issues' in err ? (err.issues as ValidationIssue[]) : []));
    }
  });
  return { bundle: finishBundle(entries, keyring), rejected };
}

/** @internal Compute the MAC over `entries` (all sealed by this library) and assemble the bundle. */
export function finishBundle(entries: readonly SealedSessionState[], keyring: Keyring): SealedBundle {
  const key = keyring.sealingKey();
  const headers = entries.map((e) => headerOf(e.sealedContext));
  return {
    format: BUNDLE_FORMAT_V1,
    entries,
    integrity: { kid: key.kid, mac: encodeBase64url(bundleMac(key, headers)) },
  };
}

/** The 65-byte header of an envelope this library produced (88 base64url chars cover 66 bytes). */
function headerOf(sealedContext: string): Uint8Array {
  const prefix = decodeBase64url(sealedContext.slice(0, 88));
  if (prefix === null || prefix.length < HEADER_LENGTH) throw new TypeError('not an envelope');
  return prefix.subarray(0, HEADER_LENGTH);
}

function reject(
  index: number,
  state: unknown,
  code: SessionSealErrorCode,
  issues: readonly ValidationIssue[],
): RejectedEntry {
  const sid = (state as { sessionId?: unknown } | null)?.sessionId;
  return typeof sid === 'string' && sid.length > 0 && sid.length <= 256
    ? { index, sessionId: sid, code, issues }
    : { index, code, issues };
}
