/**
 * The Node fast path for base64url: `Buffer`'s native codec, installed by the Node entry
 * (src/index.node.ts) like the AEAD fast path. The core keeps its portable codec everywhere else.
 *
 * Native encoding is RFC 4648 §5 without padding, the same bytes as the portable encoder, 10–15×
 * faster. Native decoding is lenient (it skips characters outside the alphabet), so it is only
 * ever given text that `base64url.ts` has already checked to be canonical; on canonical text every
 * correct decoder yields the same bytes. Before it is used at all, the codec must reproduce the
 * portable codec on a self-test covering every alphabet character and every length residue.
 */
import { type NativeBase64url, setNativeBase64url } from '../encoding/base64url.js';
import { ALPHABET, decodePortable, encodePortable } from '../encoding/base64url-portable.js';

interface BufferLike {
  toString(encoding: string, start?: number, end?: number): string;
  write(text: string, encoding: string): number;
  write(text: string, offset: number, length: number, encoding: string): number;
}

interface BufferCtor {
  from(buffer: ArrayBufferLike, byteOffset?: number, length?: number): BufferLike;
}

/*
 * Decoding goes to the same large buffer again and again (the envelope parser's scratch): a Buffer
 * over the whole of it is kept, so a decode creates no view. Kept: a buffer of 64 KiB or more that
 * two decodes in a row wrote into — a scratch buffer, which lives as long as its module and holds
 * public bytes (envelopes) — never a one-off array, which is only weakly remembered.
 */
const KEEP_VIEW_FROM = 64 * 1024;

function bufferCodec(B: BufferCtor): NativeBase64url {
  let keptBuffer: ArrayBufferLike | undefined;
  let keptView: BufferLike | undefined;
  let previous: WeakRef<ArrayBufferLike> | undefined;
  function viewOf(out: Uint8Array): { view: BufferLike; start: number } {
    const buffer = out.buffer;
    if (buffer === keptBuffer && keptView !== undefined) return { view: keptView, start: out.byteOffset };
    if (buffer.byteLength >= KEEP_VIEW_FROM) {
      if (previous?.deref() === buffer) {
        keptBuffer = buffer;
        keptView = B.from(buffer);
        return { view: keptView, start: out.byteOffset };
      }
      previous = new WeakRef(buffer);
    }
    return { view: B.from(buffer, out.byteOffset, out.length), start: 0 };
  }
  return {
    // A view on the caller's bytes (no copy), then native encoding.
    encode: (bytes) => B.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url'),
    // Decoded straight into the caller's array: never a pooled Buffer shared with other data.
    decodeInto: (text, out) => B.from(out.buffer, out.byteOffset, out.length).write(text, 'base64url'),
    // Lenient native decoding, then the canonical check: the text must be exactly the re-encoding.
    decodeCanonicalInto(text, out) {
      const { view, start } = viewOf(out);
      const end = start + out.length;
      return (
        view.write(text, start, out.length, 'base64url') === out.length &&
        view.toString('base64url', start, end) === text
      );
    },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array | null): boolean {
  if (b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function selfTest(codec: NativeBase64url): boolean {
  // Bytes whose sextets run through the whole alphabet, at lengths 0..50 (all three residues).
  const all = Uint8Array.from({ length: 50 }, (_, i) => (i * 0x4d + 0x3b) & 0xff);
  for (let n = 0; n <= all.length; n++) {
    const bytes = all.subarray(0, n);
    const text = encodePortable(bytes);
    if (codec.encode(bytes) !== text) return false;
    const out = new Uint8Array(n);
    if (codec.decodeInto(text, out) !== n || !sameBytes(out, decodePortable(text))) return false;
  }
  const every = ALPHABET.repeat(3);
  const out = new Uint8Array((every.length / 4) * 3);
  if (codec.decodeInto(every, out) !== out.length || !sameBytes(out, decodePortable(every))) return false;
  return selfTestCanonical(codec, all);
}

/**
 * `decodeCanonicalInto`, into small arrays and into a view of a large buffer (the kept view, at an
 * offset), must accept every canonical text with the portable codec's bytes and refuse each kind
 * of non-canonical one: padding, the standard alphabet's `+` and `/`, whitespace, non-ASCII,
 * non-zero unused bits.
 */
function selfTestCanonical(codec: NativeBase64url, all: Uint8Array): boolean {
  const decode = codec.decodeCanonicalInto;
  if (decode === undefined) return true;
  const large = new Uint8Array(KEEP_VIEW_FROM + 64);
  for (let n = 0; n <= all.length; n++) {
    const text = encodePortable(all.subarray(0, n));
    // The large array twice in a row: the second decode goes through the kept view.
    for (const out of [new Uint8Array(n), large.subarray(7, 7 + n), large.subarray(9, 9 + n)]) {
      if (decode(text, out) !== true || !sameBytes(out, decodePortable(text))) return false;
    }
  }
  const refused: Array<[string, number]> = [
    ['AA==', 3],
    ['AB+/', 3],
    ['AB/A', 3],
    ['AB A', 3],
    ['ABé', 2],
    ['AB\u0141A', 3],
    ['AAF', 2],
    ['AF', 1],
  ];
  return refused.every(
    ([text, size]) =>
      decode(text, new Uint8Array(size)) === false && decode(text, large.subarray(5, 5 + size)) === false,
  );
}

/** The runtime's native codec if it exists and passes the self-test, else `undefined`. */
export function detectNativeBase64url(): NativeBase64url | undefined {
  const B = (globalThis as { Buffer?: Partial<BufferCtor> }).Buffer;
  if (typeof B?.from !== 'function') return undefined;
  try {
    const codec = bufferCodec(B as BufferCtor);
    return selfTest(codec) ? codec : undefined;
  } catch {
    return undefined;
  }
}

/** Install the native codec when it passes its self-test; returns whether it is in use. */
export function installNodeBase64url(): boolean {
  const codec = detectNativeBase64url();
  setNativeBase64url(codec);
  return codec !== undefined;
}
