/**
 * The allocation-free ChaCha20-Poly1305 / XChaCha20-Poly1305 core (src/crypto/chacha20-poly1305.ts)
 * against noble (the adapter in src/crypto/noble.ts) on random inputs, plus its own contract:
 * in-place use, overlap refusal, verify-before-decrypt. The public vectors run through it in
 * crypto-kat.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chachaOpenInto,
  chachaSealInto,
  hchacha20,
  poly1305,
  xchachaOpenInto,
  xchachaSealInto,
} from '../src/crypto/chacha20-poly1305.js';
import { chachaSeal, xchachaSeal } from '../src/crypto/noble.js';
import { hex, toHex } from './helpers/shared-vectors.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
/** Block and pad boundaries (16, 64) and beyond, plus anything up to 3 KiB. */
const length = fc.oneof(
  fc.constantFrom(0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025),
  fc.integer({ min: 0, max: 3072 }),
);
const payload = length.chain((n) => bytes(n));

function flip(b: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(b);
  out[bit >>> 3] = (out[bit >>> 3] ?? 0) ^ (1 << (bit & 7));
  return out;
}

const VARIANTS = [
  {
    name: 'XChaCha20-Poly1305',
    nonceLength: 24,
    seal: xchachaSealInto,
    open: xchachaOpenInto,
    ref: xchachaSeal,
  },
  { name: 'ChaCha20-Poly1305', nonceLength: 12, seal: chachaSealInto, open: chachaOpenInto, ref: chachaSeal },
] as const;

describe.each(VARIANTS)('$name core', ({ nonceLength, seal, open, ref }) => {
  it('seals to the same bytes as noble and opens them back', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(nonceLength),
        fc.uint8Array({ maxLength: 300 }),
        payload,
        (key, nonce, aad, pt) => {
          const sealed = seal(key, nonce, aad, pt);
          expect(toHex(sealed)).toBe(toHex(ref(key, nonce, aad, pt)));
          const opened = open(key, nonce, aad, sealed);
          expect(opened === null ? null : toHex(opened)).toBe(toHex(pt));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects any single-bit change of ciphertext ‖ tag, AAD, nonce or key with null', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(nonceLength),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat(),
        fc.constantFrom('sealed', 'aad', 'nonce', 'key'),
        (key, nonce, aad, pt, at, where) => {
          const sealed = seal(key, nonce, aad, pt);
          const pick = { sealed, aad, nonce, key }[where];
          fc.pre(pick.length > 0);
          const bit = at % (pick.length * 8);
          const k = where === 'key' ? flip(key, bit) : key;
          const n = where === 'nonce' ? flip(nonce, bit) : nonce;
          const a = where === 'aad' ? flip(aad, bit) : aad;
          const s = where === 'sealed' ? flip(sealed, bit) : sealed;
          expect(open(k, n, a, s)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('encrypts and decrypts in place (same memory, same offset)', () => {
    const key = new Uint8Array(32).fill(9);
    const nonce = new Uint8Array(nonceLength).fill(3);
    const aad = new Uint8Array(5).fill(1);
    const pt = Uint8Array.from({ length: 200 }, (_, i) => i);
    const expected = toHex(ref(key, nonce, aad, pt));
    const buf = new Uint8Array(216);
    buf.set(pt);
    // plaintext and output start at the same byte: each byte is read before it is overwritten.
    expect(toHex(seal(key, nonce, aad, buf.subarray(0, 200), buf))).toBe(expected);
    const opened = open(key, nonce, aad, buf, buf.subarray(0, 200));
    expect(opened === null ? null : toHex(opened)).toBe(toHex(pt));
  });

  it('refuses an output that partly overlaps the input (RangeError)', () => {
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(nonceLength);
    const buf = new Uint8Array(300);
    expect(() =>
      seal(key, nonce, new Uint8Array(0), buf.subarray(0, 100), buf.subarray(1, 117)),
    ).toThrowError(RangeError);
    expect(() =>
      open(key, nonce, new Uint8Array(0), buf.subarray(10, 126), buf.subarray(0, 100)),
    ).toThrowError(RangeError);
    // Adjacent, not overlapping: fine.
    expect(seal(key, nonce, new Uint8Array(0), buf.subarray(0, 100), buf.subarray(100, 216))).toHaveLength(
      116,
    );
  });

  it('a sealed input shorter than a tag opens to null', () => {
    for (let n = 0; n < 16; n++) {
      expect(
        open(new Uint8Array(32), new Uint8Array(nonceLength), new Uint8Array(0), new Uint8Array(n)),
      ).toBeNull();
    }
  });
});

describe('hchacha20', () => {
  it('writes into `out` when given, and checks every length', () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i);
    const nonce = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);
    const out = new Uint8Array(32);
    expect(hchacha20(key, nonce, out)).toBe(out);
    expect(toHex(out)).toBe(toHex(hchacha20(key, nonce)));
    expect(() => hchacha20(key.subarray(1), nonce)).toThrowError(RangeError);
    expect(() => hchacha20(key, nonce.subarray(1))).toThrowError(RangeError);
    expect(() => hchacha20(key, nonce, new Uint8Array(31))).toThrowError(RangeError);
    expect(() => hchacha20('k' as unknown as Uint8Array, nonce)).toThrowError(TypeError);
  });
});

/*
 * RFC 8439 Appendix A.3, Poly1305 test vectors #1–#11 (key = r ‖ s). #5–#11 are the edge cases of
 * the final reduction (h ≥ 2^130 − 5 after partial reduction, carries through every limb), which
 * random AEAD inputs essentially never reach. Each tag was also checked with OpenSSL 3.0
 * (`openssl mac -macopt hexkey:KEY Poly1305`).
 */
const IETF_TEXT =
  'Any submission to the IETF intended by the Contributor for publication as all or part of an IETF ' +
  'Internet-Draft or RFC and any statement made within the context of an IETF activity is considered ' +
  'an "IETF Contribution". Such statements include oral statements in IETF sessions, as well as ' +
  'written and electronic communications made at any time or place, which are addressed to';
const JABBERWOCKY =
  "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n" +
  'All mimsy were the borogoves,\nAnd the mome raths outgrabe.';
const ascii = (s: string) => toHex(Uint8Array.from(s, (c) => c.charCodeAt(0)));
const Z16 = '00'.repeat(16);
const R1 = `01${'00'.repeat(15)}`;
const R2 = `02${'00'.repeat(15)}`;
const R10 = '01000000000000000400000000000000';
const T10 = `e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000${Z16}`;

const POLY1305_A3 = [
  { id: '#1', key: '00'.repeat(32), msg: '00'.repeat(64), tag: Z16 },
  {
    id: '#2',
    key: `${Z16}36e5f6b5c5e06070f0efca96227a863e`,
    msg: ascii(IETF_TEXT),
    tag: '36e5f6b5c5e06070f0efca96227a863e',
  },
  {
    id: '#3',
    key: `36e5f6b5c5e06070f0efca96227a863e${Z16}`,
    msg: ascii(IETF_TEXT),
    tag: 'f3477e7cd95417af89a6b8794c310cf0',
  },
  {
    id: '#4',
    key: '1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0',
    msg: ascii(JABBERWOCKY),
    tag: '4541669a7eaaee61e708dc7cbcc5eb62',
  },
  { id: '#5', key: R2 + Z16, msg: 'ff'.repeat(16), tag: `03${'00'.repeat(15)}` },
  { id: '#6', key: R2 + 'ff'.repeat(16), msg: R2, tag: `03${'00'.repeat(15)}` },
  {
    id: '#7',
    key: R1 + Z16,
    msg: `${'ff'.repeat(16)}f0${'ff'.repeat(15)}11${'00'.repeat(15)}`,
    tag: `05${'00'.repeat(15)}`,
  },
  { id: '#8', key: R1 + Z16, msg: `${'ff'.repeat(16)}fb${'fe'.repeat(15)}${'01'.repeat(16)}`, tag: Z16 },
  { id: '#9', key: R2 + Z16, msg: `fd${'ff'.repeat(15)}`, tag: `fa${'ff'.repeat(15)}` },
  { id: '#10', key: R10 + Z16, msg: `${T10}01${'00'.repeat(15)}`, tag: '14000000000000005500000000000000' },
  { id: '#11', key: R10 + Z16, msg: T10, tag: '13000000000000000000000000000000' },
];

describe('Poly1305: RFC 8439 Appendix A.3', () => {
  it('has the 375-byte IETF text and the 127-byte Jabberwocky text of #2–#4', () => {
    expect(IETF_TEXT).toHaveLength(375);
    expect(JABBERWOCKY).toHaveLength(127);
  });

  it.each(POLY1305_A3)('test vector $id', ({ key, msg, tag }) => {
    expect(toHex(poly1305(hex(key), hex(msg)))).toBe(tag);
  });
});
