/**
 * The portable base64url codec (RFC 4648 §5 without padding, canonical per §3.5): plain JS plus
 * `TextEncoder`/`TextDecoder`, so it runs in every runtime. `base64url.ts` uses it wherever no
 * native codec is available, and as the reference the native one is checked against.
 */

export const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ENC = new Uint8Array(64);
for (let i = 0; i < 64; i++) {
  const c = ALPHABET.charCodeAt(i);
  ENC[i] = c;
}
const ascii = new TextDecoder();

/** Length of the unpadded base64url text of `n` bytes. */
export function base64urlLength(n: number): number {
  const rem = n % 3;
  return Math.floor(n / 3) * 4 + (rem === 0 ? 0 : rem + 1);
}

/** Encode bytes as unpadded base64url (portable). */
export function encodePortable(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(base64urlLength(n));
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = ENC[v >>> 18] as number;
    out[o++] = ENC[(v >>> 12) & 63] as number;
    out[o++] = ENC[(v >>> 6) & 63] as number;
    out[o++] = ENC[v & 63] as number;
  }
  const rest = n - i;
  if (rest === 1) {
    const v = bytes[i] as number;
    out[o++] = ENC[v >>> 2] as number;
    out[o++] = ENC[(v & 3) << 4] as number;
  } else if (rest === 2) {
    const v = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    out[o++] = ENC[v >>> 10] as number;
    out[o++] = ENC[(v >>> 4) & 63] as number;
    out[o++] = ENC[(v & 15) << 2] as number;
  }
  // The output is ASCII, where UTF-8 decoding is the identity; TextDecoder does it natively, about
  // twice as fast as String.fromCharCode over chunks.
  return ascii.decode(out);
}

/*
 * Decoding reads the text's bytes, not its UTF-16 units: `TextEncoder.encodeInto` copies an ASCII
 * string natively, and a byte-table lookup per character is then about twice as fast as
 * `charCodeAt`. A character outside ASCII makes `encodeInto` write more bytes than there are
 * characters (rejected at once); inside ASCII, every byte outside the alphabet maps to 0xff, and
 * the OR of all sextets has a high bit set exactly when one was invalid. The scratch holds the text
 * (which may be a key text's body, keys/text.ts) only during the call: it is wiped before return.
 */
const DEC8 = new Uint8Array(256).fill(0xff);
for (let i = 0; i < 64; i++) DEC8[ALPHABET.charCodeAt(i)] = i;
const utf8 = new TextEncoder();
const newBytes = (length: number) => new Uint8Array(length);
const SCRATCH_KEEP = 1 << 17;
let scratch = new Uint8Array(1024);

/**
 * Decode canonical unpadded base64url (portable); `null` for anything non-canonical. `alloc`
 * provides the output array of the decoded length (default: a new one).
 */
export function decodePortable(
  text: string,
  alloc: (length: number) => Uint8Array = newBytes,
): Uint8Array | null {
  const len = text.length;
  const rem = len & 3;
  if (rem === 1) return null;
  // Large texts get their own buffer, so at most 128 KiB of scratch is kept between calls.
  if (len > scratch.length && len <= SCRATCH_KEEP) scratch = new Uint8Array(SCRATCH_KEEP);
  const s = len <= scratch.length ? scratch : new Uint8Array(len);
  const { read, written } = utf8.encodeInto(text, s.subarray(0, len));
  if (read !== len || written !== len) {
    s.fill(0, 0, written);
    return null;
  }
  const out = alloc((len >>> 2) * 3 + (rem === 0 ? 0 : rem - 1));
  let bad = 0;
  let o = 0;
  let i = 0;
  const full = len - rem;
  for (; i < full; i += 4) {
    const a = DEC8[s[i] as number] as number;
    const b = DEC8[s[i + 1] as number] as number;
    const c = DEC8[s[i + 2] as number] as number;
    const d = DEC8[s[i + 3] as number] as number;
    bad |= a | b | c | d;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >>> 16;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  if (rem === 2) {
    const a = DEC8[s[i] as number] as number;
    const b = DEC8[s[i + 1] as number] as number;
    // The 4 unused low bits of the last character must be zero (RFC 4648 §3.5).
    bad |= a | b | ((b & 15) === 0 ? 0 : 0xff);
    out[o] = (a << 2) | (b >>> 4);
  } else if (rem === 3) {
    const a = DEC8[s[i] as number] as number;
    const b = DEC8[s[i + 1] as number] as number;
    const c = DEC8[s[i + 2] as number] as number;
    // The 2 unused low bits of the last character must be zero.
    bad |= a | b | c | ((c & 3) === 0 ? 0 : 0xff);
    const v = (a << 10) | (b << 4) | (c >>> 2);
    out[o++] = v >>> 8;
    out[o] = v & 255;
  }
  s.fill(0, 0, len);
  if ((bad & 0xc0) !== 0) {
    out.fill(0);
    return null;
  }
  return out;
}
