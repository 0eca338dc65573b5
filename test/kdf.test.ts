/**
 * The hand-written key schedule of src/crypto/kdf.ts (SPEC §4.3) against the plain definition:
 * noble's HKDF-Expand (proven on the RFC 5869 and Wycheproof vectors in crypto-kat.test.ts) and,
 * independently, node:crypto's HKDF (extract + expand in one call).
 */
import { hkdfSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveBundleMacKey, deriveEnvelopeKeys, deriveEnvelopeKeysInto } from '../src/crypto/kdf.js';
import { INFO_BUNDLE_MAC_V1, INFO_ENVELOPE_V1, SALT_V1 } from '../src/crypto/labels.js';
import { hkdfExpand, hkdfExtract } from '../src/crypto/noble.js';
import { hex, toHex } from './helpers/shared-vectors.js';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const prkArb = bytes(32);
const kidArb = bytes(8);
const nonceArb = bytes(24);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** SPEC §4.3 written out with the generic HKDF-Expand. */
function referenceEnvelopeKeys(prk: Uint8Array, kid: Uint8Array, nonce: Uint8Array) {
  const okm = hkdfExpand(prk, concat(INFO_ENVELOPE_V1, kid, nonce), 64);
  return { ek: toHex(okm.subarray(0, 32)), commitment: toHex(okm.subarray(32, 64)) };
}

function envelopeKeysHex(prk: Uint8Array, kid: Uint8Array, nonce: Uint8Array) {
  const { ek, commitment } = deriveEnvelopeKeys(prk, kid, nonce);
  return { ek: toHex(ek), commitment: toHex(commitment) };
}

describe('labels (SPEC §4.2)', () => {
  const ascii = (b: Uint8Array) => String.fromCharCode(...b);

  it('are the exact ASCII strings with lengths 23, 24, 26', () => {
    expect(ascii(SALT_V1)).toBe('session-seal/v1 extract');
    expect(ascii(INFO_ENVELOPE_V1)).toBe('session-seal/v1 envelope');
    expect(ascii(INFO_BUNDLE_MAC_V1)).toBe('session-seal/v1 bundle-mac');
    expect([SALT_V1.length, INFO_ENVELOPE_V1.length, INFO_BUNDLE_MAC_V1.length]).toEqual([23, 24, 26]);
  });

  it('are pure 7-bit ASCII and pairwise distinct', () => {
    const labels = [SALT_V1, INFO_ENVELOPE_V1, INFO_BUNDLE_MAC_V1];
    for (const l of labels) expect(l.every((b) => b >= 0x20 && b < 0x7f)).toBe(true);
    expect(new Set(labels.map(toHex)).size).toBe(3);
  });
});

describe('deriveEnvelopeKeys', () => {
  it('equals HKDF-Expand(PRK, INFO_ENVELOPE_V1 ‖ kid ‖ N, 64) split 32/32 (random PRK, kid, N)', () => {
    fc.assert(
      fc.property(prkArb, kidArb, nonceArb, (prk, kid, nonce) => {
        expect(envelopeKeysHex(prk, kid, nonce)).toEqual(referenceEnvelopeKeys(prk, kid, nonce));
      }),
    );
  });

  it('stays correct when one cached PRK serves many kids and nonces', () => {
    // kdf.ts caches the keyed HMAC per PRK object: draw PRKs from a small fixed pool so the cache hits.
    const pool = [hex('00'.repeat(32)), hex('ff'.repeat(32)), hkdfExtract(hex('0b'.repeat(32)), SALT_V1)];
    fc.assert(
      fc.property(fc.constantFrom(...pool), kidArb, nonceArb, (prk, kid, nonce) => {
        expect(envelopeKeysHex(prk, kid, nonce)).toEqual(referenceEnvelopeKeys(prk, kid, nonce));
      }),
      { numRuns: 300 },
    );
  });

  it('Into writes the same bytes into caller arrays, reused across calls', () => {
    const ek = new Uint8Array(32);
    const commitment = new Uint8Array(32);
    fc.assert(
      fc.property(prkArb, kidArb, nonceArb, (prk, kid, nonce) => {
        deriveEnvelopeKeysInto(prk, kid, nonce, ek, commitment);
        expect({ ek: toHex(ek), commitment: toHex(commitment) }).toEqual(
          referenceEnvelopeKeys(prk, kid, nonce),
        );
      }),
    );
  });

  it('Into refuses outputs that are not 32 bytes, and wrong kid/nonce lengths (RangeError)', () => {
    const z = (n: number) => new Uint8Array(n);
    expect(() => deriveEnvelopeKeysInto(z(32), z(8), z(24), z(31), z(32))).toThrow(RangeError);
    expect(() => deriveEnvelopeKeysInto(z(32), z(8), z(24), z(32), z(64))).toThrow(RangeError);
    expect(() => deriveEnvelopeKeysInto(z(32), z(7), z(24), z(32), z(32))).toThrow(RangeError);
    expect(() => deriveEnvelopeKeysInto(z(32), z(8), z(12), z(32), z(32))).toThrow(RangeError);
  });

  it('returns two independent 32-byte arrays', () => {
    const { ek, commitment } = deriveEnvelopeKeys(new Uint8Array(32), new Uint8Array(8), new Uint8Array(24));
    expect(ek).toHaveLength(32);
    expect(commitment).toHaveLength(32);
    expect(ek.buffer).not.toBe(commitment.buffer);
  });

  it('matches node:crypto hkdfSync(sha256, K, SALT_V1, info, 64) for a master key K (full extract + expand)', () => {
    const k = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const kid = hex('0123456789abcdef');
    const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657');
    const node = new Uint8Array(hkdfSync('sha256', k, SALT_V1, concat(INFO_ENVELOPE_V1, kid, nonce), 64));
    const { ek, commitment } = deriveEnvelopeKeys(hkdfExtract(k, SALT_V1), kid, nonce);
    expect(toHex(concat(ek, commitment))).toBe(toHex(node));
  });

  it('matches node:crypto hkdfSync for random master keys', () => {
    fc.assert(
      fc.property(bytes(32), kidArb, nonceArb, (k, kid, nonce) => {
        const node = new Uint8Array(hkdfSync('sha256', k, SALT_V1, concat(INFO_ENVELOPE_V1, kid, nonce), 64));
        const { ek, commitment } = deriveEnvelopeKeys(hkdfExtract(k, SALT_V1), kid, nonce);
        expect(toHex(concat(ek, commitment))).toBe(toHex(node));
      }),
    );
  });
});

describe('deriveBundleMacKey', () => {
  it('equals HKDF-Expand(PRK, INFO_BUNDLE_MAC_V1 ‖ kid, 32) (random PRK, kid)', () => {
    fc.assert(
      fc.property(prkArb, kidArb, (prk, kid) => {
        expect(toHex(deriveBundleMacKey(prk, kid))).toBe(
          toHex(hkdfExpand(prk, concat(INFO_BUNDLE_MAC_V1, kid), 32)),
        );
      }),
    );
  });

  it('matches node:crypto hkdfSync(sha256, K, SALT_V1, INFO_BUNDLE_MAC_V1 ‖ kid, 32)', () => {
    fc.assert(
      fc.property(bytes(32), kidArb, (k, kid) => {
        const node = new Uint8Array(hkdfSync('sha256', k, SALT_V1, concat(INFO_BUNDLE_MAC_V1, kid), 32));
        expect(toHex(deriveBundleMacKey(hkdfExtract(k, SALT_V1), kid))).toBe(toHex(node));
      }),
    );
  });

  it('differs from the envelope key of the same PRK and kid (domain separation)', () => {
    fc.assert(
      fc.property(prkArb, kidArb, nonceArb, (prk, kid, nonce) => {
        const mk = toHex(deriveBundleMacKey(prk, kid));
        const { ek, commitment } = envelopeKeysHex(prk, kid, nonce);
        expect(mk).not.toBe(ek);
        expect(mk).not.toBe(commitment);
      }),
    );
  });
});
