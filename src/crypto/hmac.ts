/**
 * HMAC-SHA256 of long messages: the bundle MAC (SPEC §10.2), whose input is 65 bytes per entry
 * (6.5 MB for 100,000 sessions). noble's is the portable implementation; the Node entry installs
 * node:crypto's (OpenSSL, about ten times faster here) after a self-test against it
 * (src/node/hmac.ts), as it does for the AEAD and base64url. Both compute RFC 2104 HMAC with
 * SHA-256, so the choice changes the time taken and nothing else.
 */
import { hmacSha256 as nobleHmacSha256 } from './noble.js';

export type HmacSha256 = (key: Uint8Array, message: Uint8Array) => Uint8Array;

let native: HmacSha256 | undefined;

/** @internal Install a native HMAC-SHA256 (src/node/hmac.ts), or `undefined` for noble's. */
export function setNativeHmacSha256(fn: HmacSha256 | undefined): void {
  native = fn;
}

/** @internal Whether a native HMAC-SHA256 is in use. */
export function nativeHmacSha256InUse(): boolean {
  return native !== undefined;
}

/** HMAC-SHA256(key, message), 32 bytes (RFC 2104; FIPS 180-4). */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return native === undefined ? nobleHmacSha256(key, message) : native(key, message);
}
