/**
 * UTF-8 in and out (RFC 3629). Encoding refuses strings with lone surrogates: `TextEncoder` would
 * silently turn them into U+FFFD, so two different JS strings would map to the same bytes — fatal
 * for anything bound into associated data (SPEC §5.4). Decoding is fatal on invalid sequences and
 * keeps a leading BOM as a character rather than stripping it (`ignoreBOM: true`), so the bytes
 * that were authenticated are exactly the text that is parsed.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// In `u` mode a surrogate pair is one code point, so \p{Cs} matches only lone surrogates.
const LONE_SURROGATE = /\p{Cs}/u;

/** True when the string has no lone surrogate (is well-formed UTF-16, so UTF-8 encodes it 1:1). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** UTF-8 bytes of a string. The caller has checked `isWellFormed` where it matters. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict UTF-8 decode; `null` on any invalid sequence. */
export function utf8Decode(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

// Any UTF-16 unit outside ASCII. Irregexp scans a one-byte string for it several times faster than
// a charCodeAt loop, which matters for size limits on documents of many megabytes.
const NON_ASCII = /[\u0080-\uffff]/;
const SCAN_FROM = 1024;

/**
 * A runtime's native UTF-8 length for long strings (the Node entry installs `Buffer.byteLength`,
 * src/node/utf8.ts, twice as fast on a 90 MB bundle). It must count as `utf8Length` does, a lone
 * surrogate as the 3 bytes of U+FFFD; its installer checks that on a self-test.
 */
export type Utf8LengthFn = (text: string) => number;
let nativeLength: Utf8LengthFn | undefined;

/** @internal Install a native length for strings of SCAN_FROM units and more, or `undefined`. */
export function setNativeUtf8Length(fn: Utf8LengthFn | undefined): void {
  nativeLength = fn;
}

/** UTF-8 byte length of a string without allocating (for size limits checked before work). */
export function utf8Length(text: string): number {
  return nativeLength !== undefined && text.length >= SCAN_FROM
    ? nativeLength(text)
    : portableUtf8Length(text);
}

/** @internal `utf8Length` in plain JS: the count a native length must reproduce. */
export function portableUtf8Length(text: string): number {
  let i = 0;
  if (text.length >= SCAN_FROM) {
    i = text.search(NON_ASCII);
    if (i < 0) return text.length;
  }
  // [0, i) is ASCII: one byte per unit.
  let n = i;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * UTF-8 byte length of `text`, or -1 when it has a lone surrogate (one pass for both checks of
 * SPEC §5.4; no allocation).
 */
export function utf8LengthIfWellFormed(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c < 0xd800 || c > 0xdfff) n += 3;
    else if (c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d < 0xdc00 || d > 0xdfff) return -1;
      n += 4;
      i++;
    } else return -1;
  }
  return n;
}

/**
 * Writes the UTF-8 of `text` into `out` at `offset` and returns the offset after it. Same bytes as
 * `TextEncoder` (a lone surrogate becomes U+FFFD), without its per-call cost on the short clear
 * fields of the AAD. The caller sizes `out` with `utf8Length`.
 */
export function encodeUtf8Into(text: string, out: Uint8Array, offset: number): number {
  let o = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >>> 6);
      out[o++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        out[o++] = 0xf0 | (cp >>> 18);
        out[o++] = 0x80 | ((cp >>> 12) & 63);
        out[o++] = 0x80 | ((cp >>> 6) & 63);
        out[o++] = 0x80 | (cp & 63);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    out[o++] = 0xe0 | (c >>> 12);
    out[o++] = 0x80 | ((c >>> 6) & 63);
    out[o++] = 0x80 | (c & 63);
  }
  return o;
}
