/**
 * Canonical base64url without padding (RFC 4648 §5, §3.2 "no padding", §3.5 "canonical").
 *
 * Hand-written rather than taken from a library because the core must run without `node:` modules
 * (so no `Buffer`), `Uint8Array.fromBase64` is not in Node 20, `atob` is lenient (whitespace,
 * padding, non-zero trailing bits) and allocates a binary string, and @scure/base, while strict,
 * is several times slower on this hot path. Strictness is tested differentially against Buffer.
 *
 * Decoding rejects (returns `null`): any character outside `A–Z a–z 0–9 - _`, `=` padding,
 * whitespace, a length ≡ 1 (mod 4), and non-zero unused bits in the last character. Hence each
 * byte string has exactly one accepted encoding (SPEC §3).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ENC = new Uint8Array(64);
const DEC = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENC[i] = c;
  DEC[c] = i;
}

/** Length of the unpadded base64url text of `n` bytes. */
export function base64urlLength(n: number): number {
  return Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]!;
}

/** Encode bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(base64urlLength(n));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENC[v >>> 18]!;
    out[o++] = ENC[(v >>> 12) & 63]!;
    out[o++] = ENC[(v >>> 6) & 63]!;
    out[o++] = ENC[v & 63]!;
  }
  const rest = n - i;
  if (rest === 1) {
    const v = bytes[i]!;
    out[o++] = ENC[v >>> 2]!;
    out[o++] = ENC[(v & 3) << 4]!;
  } else if (rest === 2) {
    const v = (bytes[i]! << 8) | bytes[i + 1]!;
    out[o++] = ENC[v >>> 10]!;
    out[o++] = ENC[(v >>> 4) & 63]!;
    out[o++] = ENC[(v & 15) << 2]!;
  }
  return latin1(out);
}

/** Decode canonical unpadded base64url; `null` for anything non-canonical. */
export function decodeBase64url(text: string): Uint8Array | null {
  const len = text.length;
  const rem = len & 3;
  if (rem === 1) return null;
  const out = new Uint8Array(((len >>> 2) * 3) + (rem === 0 ? 0 : rem - 1));
  let o = 0;
  let i = 0;
  const full = len - rem;
  for (; i < full; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) return null;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (rem === 2) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return null;
    out[o] = (a << 2) | (b >>> 4);
  } else if (rem === 3) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return null;
    const v = (a << 10) | (b << 4) | (c >>> 2);
    out[o++] = v >>> 8;
    out[o] = v & 255;
  }
  return out;
}

function sextet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < 128 ? DEC[c]! : -1;
}

/** Bytes known to be ASCII → string, in chunks to stay under the engine's argument limit. */
function latin1(bytes: Uint8Array): string {
  const CHUNK = 0x2000;
  if (bytes.length <= CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return s;
}
