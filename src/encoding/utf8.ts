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

/** UTF-8 byte length of a string without allocating (for size limits checked before work). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
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
