/** Sealing many sessions into one bundle (SPEC §10.3). */
import { randomBytes } from '../crypto/random.js';
import { decodeBase64url, encodeBase64url } from '../encoding/base64url.js';
import type { SealedSessionState } from '../envelope/format.js';
import { HEADER_LENGTH, NONCE_LENGTH } from '../envelope/format.js';
import { assertKeyring, sealValidated } from '../envelope/seal.js';
import { isSessionSealError, type SessionSealErrorCode, type ValidationIssue } from '../errors.js';
import type { MasterKey } from '../keys/key.js';
import type { Keyring } from '../keys/keyring.js';
import { checkSessionState, type ValidateOptions } from '../schema.js';
import { BUNDLE_FORMAT_V1, type SealedBundle } from './format.js';
import { headerOffset, macInput, macOfInput } from './mac.js';

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
  // The MAC input (SPEC §10.2), filled with each header as it is sealed.
  const input = macInput(states.length);
  states.forEach((state, index) => {
    const checked = checkSessionState(state, options);
    if (!checked.ok) {
      rejected.push(reject(index, state, 'ERR_SESSION_INVALID', checked.issues));
      return;
    }
    try {
      // Nonces come from the pooled CSPRNG (crypto/random.ts): one getRandomValues call per ~170
      // envelopes, and no single request above the 65,536-byte Web Crypto quota however many
      // states there are.
      const at = headerOffset(entries.length);
      const header = input.subarray(at, at + HEADER_LENGTH);
      entries.push(sealValidated(checked.value, key, randomBytes(NONCE_LENGTH), header));
    } catch (err) {
      if (!isSessionSealError(err)) throw err;
      rejected.push(reject(index, state, err.code, 'issues' in err ? (err.issues as ValidationIssue[]) : []));
    }
  });
  return { bundle: assemble(entries, key, resize(input, entries.length)), rejected };
}

/** @internal Compute the MAC over `entries` (all sealed by this library) and assemble the bundle. */
export function finishBundle(entries: readonly SealedSessionState[], keyring: Keyring): SealedBundle {
  const key = keyring.sealingKey();
  const input = macInput(entries.length);
  entries.forEach((e, i) => {
    input.set(headerOf(e.sealedContext), headerOffset(i));
  });
  return assemble(entries, key, input);
}

function assemble(entries: readonly SealedSessionState[], key: MasterKey, input: Uint8Array): SealedBundle {
  return {
    format: BUNDLE_FORMAT_V1,
    entries,
    integrity: { kid: key.kid, mac: encodeBase64url(macOfInput(key, input)) },
  };
}

/** A MAC input for the first `count` headers of `input` (when some states were rejected). */
function resize(input: Uint8Array, count: number): Uint8Array {
  if (headerOffset(count) === input.length) return input;
  const out = macInput(count);
  out.set(input.subarray(headerOffset(0), headerOffset(count)), headerOffset(0));
  return out;
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
