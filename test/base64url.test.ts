/**
 * src/encoding/base64url.ts differentially against Node's Buffer (RFC 4648 §5), plus the strictness
 * Buffer does not have: only canonical, unpadded text is accepted (SPEC §3), so every byte string
 * has exactly one encoding.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  base64urlLength,
  decodeBase64url,
  encodeBase64url,
  nativeBase64urlInUse,
  setNativeBase64url,
} from '../src/encoding/base64url.js';
import { detectNativeBase64url } from '../src/node/base64url.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const alphabetString = (constraints: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({ unit: fc.constantFrom(...ALPHABET), ...constraints });

const nodeEncode = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const hexOf = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('hex'));

// Every test runs on both codecs: the portable one (all runtimes) and Buffer's (the Node entry).
describe.each(['portable', 'native'] as const)('%s codec', (codec) => {
  beforeAll(() => {
    setNativeBase64url(codec === 'native' ? detectNativeBase64url() : undefined);
    expect(nativeBase64urlInUse()).toBe(codec === 'native');
  });
  afterAll(() => setNativeBase64url(undefined));

  describe('encodeBase64url', () => {
    it('equals Buffer base64url for arbitrary bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
          expect(encodeBase64url(b)).toBe(nodeEncode(b));
        }),
        { numRuns: 500 },
      );
    });

    it('equals Buffer around the 8 KiB output-chunk boundary and for large inputs', () => {
      for (const n of [0, 1, 2, 3, 6143, 6144, 6145, 6146, 12_288, 65_536, 100_001]) {
        const b = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 255);
        expect(encodeBase64url(b), `n=${n}`).toBe(nodeEncode(b));
      }
    });

    it('base64urlLength(n) is the encoded length', () => {
      for (let n = 0; n < 100; n++) expect(base64urlLength(n)).toBe(nodeEncode(new Uint8Array(n)).length);
    });

    it('works on a subarray view (offset into a larger buffer)', () => {
      const big = Uint8Array.from({ length: 64 }, (_, i) => i);
      const view = big.subarray(5, 42);
      expect(encodeBase64url(view)).toBe(nodeEncode(view));
    });
  });

  describe('decodeBase64url', () => {
    it('round-trips every byte string and agrees with Buffer', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
          const text = nodeEncode(b);
          expect(hexOf(decodeBase64url(text))).toBe(hexOf(b));
          expect(hexOf(decodeBase64url(encodeBase64url(b)))).toBe(hexOf(Buffer.from(text, 'base64url')));
        }),
        { numRuns: 500 },
      );
    });

    it('accepts the empty string as zero bytes', () => {
      expect(decodeBase64url('')).toEqual(new Uint8Array(0));
    });

    it('rejects every UTF-16 code unit outside the alphabet, at every position of a quantum and a tail', () => {
      const allowed = new Set(ALPHABET);
      // Valid templates: a full 4-char quantum and 2-/3-char tails (their last char chosen canonical).
      const templates = ['AAAA', 'AAAAAA', 'AAAAAAA', 'AA', 'AAA'];
      let rejected = 0;
      for (let c = 0; c <= 0xffff; c++) {
        const ch = String.fromCharCode(c);
        if (allowed.has(ch)) continue;
        for (const t of templates) {
          for (let i = 0; i < t.length; i++) {
            const text = t.slice(0, i) + ch + t.slice(i + 1);
            if (decodeBase64url(text) !== null)
              throw new Error(`accepted code unit U+${c.toString(16)} in ${t}`);
            rejected++;
          }
        }
      }
      expect(rejected).toBe((0x10000 - 64) * 22); // 22 = 4 + 6 + 7 + 2 + 3 positions
      for (const t of templates) expect(decodeBase64url(t)).not.toBeNull();
    });

    it('decoding into a view of a large reused buffer (as the envelope parser does) is the same', () => {
      const large = new Uint8Array(200 * 1024);
      let offset = 0;
      const alloc = (n: number) => {
        offset = (offset + 13) % 1000; // a different offset each time, the same buffer
        return large.subarray(offset, offset + n);
      };
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 700 }),
          fc.string({ maxLength: 12 }),
          fc.nat(),
          (bytes, junk, at) => {
            const text = nodeEncode(bytes);
            expect(hexOf(decodeBase64url(text, alloc))).toBe(hexOf(bytes));
            expect(hexOf(decodeBase64url(text, alloc))).toBe(hexOf(bytes)); // twice in a row
            // Any edit: the same verdict and bytes as a fresh array.
            const i = at % (text.length + 1);
            const edited = text.slice(0, i) + junk + text.slice(i);
            expect(hexOf(decodeBase64url(edited, alloc))).toBe(hexOf(decodeBase64url(edited)));
          },
        ),
        { numRuns: 500 },
      );
      for (let c = 0; c <= 0xffff; c++) {
        const ch = String.fromCharCode(c);
        if (ALPHABET.includes(ch)) continue;
        if (decodeBase64url(`AA${ch}A`, alloc) !== null) throw new Error(`accepted U+${c.toString(16)}`);
      }
    });

    it('rejects astral characters (surrogate pairs) and lone surrogates', () => {
      for (const s of ['AA😀', '😀AA', 'AAAA😀', '\ud800AAA', 'AAA\udfff'])
        expect(decodeBase64url(s)).toBeNull();
    });

    it('rejects "=" padding in any form', () => {
      for (const s of ['AA==', 'AAA=', 'AAAA====', 'AAAA=', '=AAA', 'A=AA', '====', 'QQ==', 'QUE=']) {
        expect(decodeBase64url(s), s).toBeNull();
      }
      // Buffer accepts these: the strictness is ours.
      expect(Buffer.from('QQ==', 'base64url')).toHaveLength(1);
    });

    it('rejects whitespace inserted anywhere in a valid encoding', () => {
      const ws = fc.constantFrom(' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2028', '\ufeff');
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 60 }), ws, fc.nat(), (b, w, at) => {
          const text = encodeBase64url(b);
          const i = at % (text.length + 1);
          expect(decodeBase64url(text.slice(0, i) + w + text.slice(i))).toBeNull();
        }),
        { numRuns: 500 },
      );
    });

    it('rejects every length ≡ 1 (mod 4)', () => {
      fc.assert(
        fc.property(alphabetString({ maxLength: 200 }), (s) => {
          const text = s.slice(0, s.length - ((s.length + 3) % 4)); // trim to length ≡ 1 (mod 4)
          if (text.length % 4 !== 1) return;
          expect(decodeBase64url(text)).toBeNull();
        }),
        { numRuns: 500 },
      );
      for (const s of ['A', 'AAAAA', 'AAAAAAAAA']) expect(decodeBase64url(s)).toBeNull();
    });

    it.each([
      // length ≡ 2: the last char carries 4 unused bits → 4 canonical chars; length ≡ 3: 2 unused bits → 16.
      { prefix: 'AAAAQ', canonical: 4 },
      { prefix: 'Q', canonical: 4 },
      { prefix: 'AAAAQU', canonical: 16 },
      { prefix: 'QU', canonical: 16 },
    ])(
      'accepts exactly the canonical last characters after "$prefix" ($canonical of 64)',
      ({ prefix, canonical }) => {
        const unusedBitsMask = (prefix.length + 1) % 4 === 2 ? 0b1111 : 0b11;
        const accepted: string[] = [];
        for (let v = 0; v < 64; v++) {
          const last = ALPHABET.charAt(v);
          const text = prefix + last;
          const out = decodeBase64url(text);
          const isCanonical = (v & unusedBitsMask) === 0;
          expect(out !== null, text).toBe(isCanonical);
          // Buffer ignores the unused bits; the canonical text is exactly the one it would produce.
          expect(nodeEncode(Buffer.from(text, 'base64url')) === text, text).toBe(isCanonical);
          if (out !== null) {
            accepted.push(last);
            expect(hexOf(out)).toBe(hexOf(Buffer.from(text, 'base64url')));
            expect(encodeBase64url(out)).toBe(text);
          }
        }
        expect(accepted).toHaveLength(canonical);
      },
    );

    it('accepts an alphabet string exactly when it is canonical, and then re-encodes it identically', () => {
      fc.assert(
        fc.property(alphabetString({ maxLength: 120 }), (s) => {
          const out = decodeBase64url(s);
          const canonical = nodeEncode(Buffer.from(s, 'base64url')) === s;
          expect(out !== null).toBe(canonical);
          if (out !== null) {
            expect(encodeBase64url(out)).toBe(s);
            expect(hexOf(out)).toBe(hexOf(Buffer.from(s, 'base64url')));
          }
        }),
        { numRuns: 2000 },
      );
    });

    it('returns a plain Uint8Array', () => {
      const out = decodeBase64url('AQID');
      expect(out).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(out)).toBe(false);
    });
  });
});
