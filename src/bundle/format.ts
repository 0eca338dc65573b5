/**
 * Bundle v1 document: pure structure parsing, no keys (SPEC §10.1, §10.5).
 *
 *   { "format": "session-seal/bundle/v1", "entries": [ <sealed record>, … ],
 *     "integrity": { "kid": "<16 hex>", "mac": "<base64url, 32 bytes>" } }
 *
 * Only the document shape is checked here; entries are parsed one by one later so that one bad
 * entry never costs the others.
 */

import { decodeBase64url } from '../encoding/base64url.js';
import { hasExactKeys, isPlainObject } from '../encoding/plain-object.js';
import { utf8Decode, utf8Length } from '../encoding/utf8.js';
import type { SealedSessionState } from '../envelope/format.js';
import { BundleMalformedError, BundleTooLargeError, BundleUnsupportedVersionError } from '../errors.js';
import { isKidText } from '../keys/key.js';

export const BUNDLE_FORMAT_V1 = 'session-seal/bundle/v1';
const FORMAT_PREFIX = 'session-seal/bundle/';
export const MAC_LENGTH = 32;

/** SPEC §10.5 defaults. */
export const DEFAULT_MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
export const DEFAULT_MAX_ENTRIES = 250_000;

export interface SealedBundle {
  readonly format: typeof BUNDLE_FORMAT_V1;
  readonly entries: readonly SealedSessionState[];
  readonly integrity: { readonly kid: string; readonly mac: string };
}

export interface BundleLimits {
  /** Maximum document size in bytes (text input) — checked before `JSON.parse`. */
  readonly maxBundleBytes?: number;
  /** Maximum number of entries — checked before any entry is parsed. */
  readonly maxEntries?: number;
}

/** The document, shape-checked; `entries` items are still untrusted `unknown`s. */
export interface ParsedBundle {
  readonly entries: readonly unknown[];
  readonly macKid: string;
  readonly mac: Uint8Array;
}

/** Resolve a limit option: a positive safe integer, else the default. Bad types are programmer errors. */
export function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer`);
  }
  return value;
}

/**
 * Parse a bundle given as JSON text, UTF-8 bytes or an already-parsed value. Size is checked before
 * decoding or parsing; the entry count before any entry is looked at.
 */
export function parseBundle(input: unknown, limits: BundleLimits = {}): ParsedBundle {
  const maxBytes = limit(limits.maxBundleBytes, DEFAULT_MAX_BUNDLE_BYTES, 'maxBundleBytes');
  const maxEntries = limit(limits.maxEntries, DEFAULT_MAX_ENTRIES, 'maxEntries');
  const doc =
    typeof input === 'string' || input instanceof Uint8Array ? parseJson(bundleText(input, maxBytes)) : input;
  if (!isPlainObject(doc)) throw new BundleMalformedError('not a sealed bundle');
  const format = doc.format;
  if (typeof format === 'string' && format !== BUNDLE_FORMAT_V1 && format.startsWith(FORMAT_PREFIX)) {
    throw new BundleUnsupportedVersionError(format);
  }
  if (format !== BUNDLE_FORMAT_V1 || !hasExactKeys(doc, ['format', 'entries', 'integrity'])) {
    throw new BundleMalformedError('not a sealed bundle');
  }
  const entries = doc.entries;
  if (!Array.isArray(entries)) throw new BundleMalformedError('bundle entries must be an array');
  if (entries.length > maxEntries)
    throw new BundleTooLargeError(`bundle has more than ${maxEntries} entries`);
  const integrity = integrityMember(doc.integrity);
  if (integrity === null) throw new BundleMalformedError('bundle integrity member is malformed');
  return { entries, ...integrity };
}

/**
 * The text of a bundle given as text or UTF-8 bytes, after the size limit (SPEC §10.5, before any
 * decoding or parsing). Throws ERR_BUNDLE_TOO_LARGE, or ERR_BUNDLE_MALFORMED for invalid UTF-8.
 */
export function bundleText(input: string | Uint8Array, maxBytes: number): string {
  if (input instanceof Uint8Array) {
    if (input.length > maxBytes) throw new BundleTooLargeError(`bundle exceeds ${maxBytes} bytes`);
    const text = utf8Decode(input);
    if (text === null) throw new BundleMalformedError('bundle is not valid UTF-8');
    return text;
  }
  // UTF-8 length is between 1× and 3× the UTF-16 length: count bytes only when it could matter.
  if (input.length > maxBytes || (input.length * 3 > maxBytes && utf8Length(input) > maxBytes)) {
    throw new BundleTooLargeError(`bundle exceeds ${maxBytes} bytes`);
  }
  return input;
}

/** The `integrity` member checked (SPEC §10.1): `{kid, mac}` exactly, kid text, 32-byte MAC. */
export function integrityMember(integrity: unknown): { macKid: string; mac: Uint8Array } | null {
  if (!isPlainObject(integrity) || !hasExactKeys(integrity, ['kid', 'mac']) || !isKidText(integrity.kid)) {
    return null;
  }
  const mac = typeof integrity.mac === 'string' ? decodeBase64url(integrity.mac) : null;
  if (mac === null || mac.length !== MAC_LENGTH) return null;
  return { macKid: integrity.kid, mac };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BundleMalformedError('bundle is not valid JSON');
  }
}

/**
 * Serialize a bundle as JSON text: one entry per line, so files diff and stream well. Built by
 * appending (V8 keeps a rope and copies it once when the text is used), which costs a third of
 * `lines.join` plus a template on 10,000 entries.
 */
export function serializeBundle(bundle: SealedBundle): string {
  const { entries } = bundle;
  let text = `{"format":${JSON.stringify(bundle.format)},\n"entries":[`;
  for (let i = 0; i < entries.length; i++) {
    // `?? ''` as `join` treats a value JSON cannot represent (a hole, `undefined`).
    text += (i === 0 ? '\n' : ',\n') + (JSON.stringify(entries[i]) ?? '');
  }
  if (entries.length > 0) text += '\n';
  return `${text}],\n"integrity":${JSON.stringify(bundle.integrity)}}\n`;
}
