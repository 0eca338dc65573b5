/**
 * Canonical base64url without padding (RFC 4648 §5, §3.2 "no padding", §3.5 "canonical").
 *
 * Decoding rejects (returns `null`): any character outside `A–Z a–z 0–9 - _`, `=` padding,
 * whitespace, a length ≡ 1 (mod 4), and non-zero unused bits in the last character. Hence each
 * byte string has exactly one accepted encoding (SPEC §3).
 *
 * Two codecs give identical results: the portable one (base64url-portable.ts, plain JS, every
 * runtime, the default) and a native one that the Node entry installs (src/node/base64url.ts,
 * `Buffer`), 10–15× faster to encode and several times faster to decode, which matters on large
 * contexts and bundles. Strictness never depends on the codec: canonical form is checked here,
 * on every decode. Tests run both. `Uint8Array.fromBase64` is not
 * in Node 20, `atob` is lenient and allocates a binary string, and @scure/base is slower still.
 */

import { base64urlLength, decodePortable, encodePortable } from './base64url-portable.js';

export { base64urlLength };

const newBytes = (length: number) => new Uint8Array(length);

/** A runtime's native codec (installed from the Node edge; see src/node/base64url.ts). */
export interface NativeBase64url {
  encode(bytes: Uint8Array): string;
  /** Decode canonical `text` into `out` (sized exactly); returns the number of bytes written. */
  decodeInto(text: string, out: Uint8Array): number;
  /**
   * Optional: `decodeInto` and the re-encoding check below in one step (`true`: `text` was the
   * canonical encoding of what is now in `out`; `false`: it was not).
   */
  decodeCanonicalInto?(text: string, out: Uint8Array): boolean;
}

let native: NativeBase64url | undefined;

/** @internal Install a native codec, or `undefined` for the portable one. */
export function setNativeBase64url(codec: NativeBase64url | undefined): void {
  native = codec;
}

/** @internal Whether a native codec is in use. */
export function nativeBase64urlInUse(): boolean {
  return native !== undefined;
}

/** Encode bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array): string {
  return native === undefined ? encodePortable(bytes) : native.encode(bytes);
}

/**
 * Decode canonical unpadded base64url; `null` for anything non-canonical.
 *
 * With the native codec: decode leniently, then re-encode and require the identical text. Encoding
 * is injective and canonical, so `encode(decode(text)) === text` holds exactly when `text` is the
 * canonical encoding of the bytes decoded (no character outside the alphabet, no padding, no
 * length ≡ 1 (mod 4), zero unused bits) — and those bytes are then the only possible answer. This
 * costs a fifth of a regular-expression scan of the text on a 64 KiB context.
 *
 * `alloc` provides the output array of the decoded length (default: a new one); the envelope
 * parser passes a reused buffer when the bytes are needed only until the next parse.
 */
export function decodeBase64url(
  text: string,
  alloc: (length: number) => Uint8Array = newBytes,
): Uint8Array | null {
  if (native === undefined) return decodePortable(text, alloc);
  const len = text.length;
  const rem = len & 3;
  if (rem === 1) return null;
  const out = alloc((len >>> 2) * 3 + (rem === 0 ? 0 : rem - 1));
  const canonical =
    native.decodeCanonicalInto !== undefined
      ? native.decodeCanonicalInto(text, out)
      : native.decodeInto(text, out) === out.length && native.encode(out) === text;
  if (!canonical) {
    out.fill(0);
    return null;
  }
  return out;
}
